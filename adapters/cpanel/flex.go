package cpanel

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// flexNum decodes a UAPI number that may come as a JSON number, a numeric
// string ("1024", "4.492e1"), or a word ("unlimited", "∞", "None", HTML):
// words, null and other shapes leave ok false and are not an error, so one
// odd field never fails a whole listing (reference §4.2, §7.3).
type flexNum struct {
	v  float64
	ok bool
}

// UnmarshalJSON never fails: what it cannot read as a finite number it
// records as absent.
func (f *flexNum) UnmarshalJSON(b []byte) error {
	*f = flexNum{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	var s string
	switch b[0] {
	case '"':
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
	case 't', 'f': // a boolean where 0/1 was expected
		if string(b) == "true" {
			f.v, f.ok = 1, true
		} else if string(b) == "false" {
			f.v, f.ok = 0, true
		}
		return nil
	default:
		s = string(b)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	f.v, f.ok = v, true
	return nil
}

// on reports whether a 0/1 flag is set.
func (f flexNum) on() bool { return f.ok && f.v != 0 }

const mib = 1 << 20

// toMB converts a number of megabytes to an int MB count; absent, zero or
// negative means 0 (unlimited for a quota).
func toMB(f flexNum) int {
	if !f.ok || f.v <= 0 {
		return 0
	}
	return int(math.Min(math.Round(f.v), math.MaxInt32))
}
