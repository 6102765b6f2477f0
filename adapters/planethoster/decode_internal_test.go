package planethoster

import (
	"math"
	"testing"
)

// FuzzFlexNumber checks that a number, a numeric string or null decodes to
// a finite value, and that anything else is an error, never a panic.
func FuzzFlexNumber(f *testing.F) {
	for _, s := range []string{`52.3`, `"52.3"`, `null`, `""`, `"NaN"`, `"1e400"`, `true`, `[1]`, `"12 €"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n flexNumber
		if err := n.UnmarshalJSON([]byte(s)); err != nil {
			return
		}
		if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
			t.Fatalf("%q decoded to %v", s, float64(n))
		}
	})
}
