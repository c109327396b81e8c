package store

import (
	"fmt"
	"strconv"
)

// Stream and Metric are small enumerations with a name for each value:
// Zoom's key for a stream, the column name of a metric. These functions
// are what the two share, in one place.

// enumName returns a value's name, or kind(n) for a value out of range.
func enumName[T ~uint8](names []string, v T, kind string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

// parseEnum finds the value with a name.
func parseEnum[T ~uint8](names []string, name string) (T, bool) {
	for i, n := range names {
		if n == name {
			return T(i), true
		}
	}
	return 0, false
}

// marshalEnum writes a value's name as text; a value out of range is an
// error.
func marshalEnum[T ~uint8](names []string, v T, kind string) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("no %s %d", kind, v)
	}
	return []byte(names[v]), nil
}

// unmarshalEnum reads a value's name; an unknown name is an error.
func unmarshalEnum[T ~uint8](names []string, b []byte, v *T, kind string) error {
	x, ok := parseEnum[T](names, string(b))
	if !ok {
		return fmt.Errorf("unknown %s %q", kind, b)
	}
	*v = x
	return nil
}

// enumAll returns every value in order.
func enumAll[T ~uint8](n T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = T(i)
	}
	return out
}
