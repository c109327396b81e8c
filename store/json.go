package store

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Meeting and session info are stored as JSON: readable in a bbolt browser,
// and new fields need no migration. encoding/json/v2 (here as the
// go-json-experiment module) decodes them several times faster than
// encoding/json, which matters when an analysis opens thousands of
// sessions. Strings from Zoom may hold invalid UTF-8: they are read, and
// written with each invalid byte as U+FFFD (the session key keeps the
// participant's bytes as they came; check compares the two accordingly).
var jsonOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

func marshalJSON(v any) ([]byte, error) { return json.Marshal(v, jsonOptions) }

func unmarshalJSON(b []byte, v any) error { return json.Unmarshal(b, v, jsonOptions) }
