package ovh

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzPrice checks order.Price conversion: never a panic, and a value with
// at most two decimals becomes exactly its cents.
func FuzzPrice(f *testing.F) {
	for _, s := range []string{"23.99", "0", "4.0", "-1.5", "1e3", "19.999", "NaN", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m := priceJSON{CurrencyCode: "EUR", Value: json.Number(v)}.toBot()
		units, frac, _ := strings.Cut(v, ".")
		digits := func(s string) bool { return strings.Trim(s, "0123456789") == "" }
		if len(frac) > 2 || len(units) > 12 || !digits(units) || !digits(frac) {
			return
		}
		n, err1 := strconv.ParseInt(units, 10, 64)
		c, err2 := strconv.ParseInt((frac + "00")[:2], 10, 64)
		if err1 != nil || err2 != nil || units == "" {
			return
		}
		if want := n*100 + c; m.Cents != want {
			t.Fatalf("price %s = %d cents, want %d", v, m.Cents, want)
		}
	})
}

// FuzzParseTime checks that any date string parses or is zero, never panics.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-11-28T14:12:03+01:00", "", "2025-13-40T99:99:99Z", "null"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := parseTime(s)
		if got.IsZero() {
			return
		}
		// A date read back from its own RFC 3339 form is the same instant.
		if again := parseTime(got.Format(time.RFC3339Nano)); !again.Equal(got) {
			t.Fatalf("parseTime(%q) = %v, read back as %v", s, got, again)
		}
	})
}
