// Package collect brings Zoom's QoS data into the store. A Plan says what
// to collect; a Collector carries it out through a zoom.Client (discovery
// of past or live meetings and webinars, each meeting's details, its QoS
// list and its participants list, live polling until a meeting ends), and
// an Importer reads answers saved to files. Both hand every document to
// one pipeline that parses it on every core and commits it in order, one
// write transaction each, so that Ctrl-C, a crash or Zoom's daily limit
// loses at most what is in flight and a re-run adds only what is missing.
// Reparse and Compare read a meeting's raw documents again with this
// version's parser; AbsorbNumbered moves meetings an older zoomqos stored
// under their number into the instance they are.
//
// collect owns the collection's logic: what to ask Zoom for and in which
// order, what is stored when, what a run reports. Zoom's API and wire
// format (HTTP, tokens, rate limits, API errors, paging, decoding) belong
// to collect/zoom, the model and its persistence to store.
//
// Imports point down: collect imports collect/zoom, store and
// internal/secret. It must not import the command line (internal/cli),
// analyze, report or, outside its tests, collect/zoom/fakezoom, and it
// names no flag, environment variable or config key: the command line
// words the advice that names them.
package collect
