// Package store holds the model every zoomqos package shares (meeting,
// participant session, sample, stream, metric) and keeps it in a bbolt file.
//
// The bucket tree:
//
//	meta/
//	    app      "zoomqos": marks the file as ours
//	    schema   uint32 big-endian schema version (see migrations.go)
//	    migrating  uint32 big-endian: the schema a migration under way
//	             started from (absent when none is); schema already says
//	             the new one, so that an older zoomqos refuses the file
//	    bookmark:<name>  RFC 3339 time (bookmark.go): when the digest last
//	             reported, so that the next reports what was stored since
//	meetings/
//	    <meeting id>/                 one bucket per meeting instance
//	        info      JSON Meeting
//	        counts    samples and documents stored, first and last sample
//	                  time (counts.go): kept with every write, so that
//	                  listing meetings reads no samples
//	        sessions/
//	            <session key> -> JSON Session (keys.go: join time, participant)
//	        samples/
//	            <session key><time key> -> encoded Sample values
//	                         (sample_codec.go); one bucket for all sessions,
//	                         so that pages fill up and a walk is a scan
//	        raw/
//	            <seq key> -> raw record: every response document as Zoom
//	                         sent it, s2-compressed (raw.go)
//	        rawsum/
//	            <sha-256 of the document> -> seq key, so that importing the
//	                         same response twice keeps one copy
//
// A sample is identified by meeting, session and time. Writing a page of
// samples is one write transaction; a sample already stored with the same
// values counts as present, one with other values is replaced by the newer
// copy. The raw documents are what `zoomqos reparse` rebuilds the sessions
// and samples from when the parser learns something new.
//
// Every public method of DB runs in one bbolt transaction and copies what it
// returns out of it: bytes from bbolt are only valid inside the transaction.
//
// Damage is an error naming the file, never a crash: every record is sealed
// (CRC-32C), reads turn bbolt's panics and faults on damaged pages into
// errors, a writer checks the whole B-tree when it first opens a file, and
// a reader checks each bucket's own pages before bbolt opens the buckets
// inside it (inline.go).
//
// store is the bottom layer: it imports no other zoomqos package, and
// knows nothing of Zoom's wire format (collect), the analysis (analyze),
// output (report) or the command line's flags and settings (Resolve says
// how it took a name in typed fields; the command line words it). The one
// exception is advice on damage, which points to `zoomqos check`: the
// command that accounts for it. store/storetest opens real files for the
// tests of the packages above it.
package store
