// Package listen receives Zoom's pushed events: the QoS Subscription's
// per-minute participant_qos samples, its summaries and participant data,
// and the Dashboard's meeting.alert and webinar.alert, by webhook (Webhook,
// served by Server) or over Zoom's WebSocket (WebSocket).
//
// Every event is stored before it is answered: Committer parses it into
// the store's model (collect/zoom reads the envelope), and writes the
// events that arrive together in one transaction, one sync of the file
// (group commit). An event stored twice adds nothing, its raw copy
// included, so Zoom's retries and a sender that repeats itself are
// harmless; and a 200 means the event is on disk, so a crash loses
// nothing that was acknowledged. An alert starts a live watch of the
// meeting through the collector (AlertWatches); a WebSocket that was down
// has its gap filled through the QoS API.
//
// listen imports collect, collect/zoom and store; it speaks of no flag or
// environment variable (the command line reads the secret token).
package listen
