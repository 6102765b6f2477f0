package cpanel

import (
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
	var v any
	if json.Unmarshal(b, &v) != nil { // 1e400 too
		return nil
	}
	switch v := v.(type) {
	case float64:
		f.v, f.ok = v, true
	case bool: // a boolean where 0/1 was expected
		f.ok = true
		if v {
			f.v = 1
		}
	case string:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
			f.v, f.ok = n, true
		}
	}
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
