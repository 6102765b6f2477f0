package cpaneltest

import (
	"math"
	"unicode"
)

// Strength rates a password from 0 to 100 roughly as cPanel does: the bits of
// entropy of its length over the alphabet of the character classes it uses
// (lower case 26, upper case 26, digits 10, anything else 33), where a
// character repeating or continuing a sequence of the previous one ("aa",
// "ab", "21") counts a quarter; 90 bits or more rate 100. A generated
// 20-character password rates 100; "azerty" about 30; "Azerty123!" about 60.
func Strength(pw string) int {
	if pw == "" {
		return 0
	}
	var lower, upper, digit, other bool
	eff := 0.0
	prev := rune(-10)
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
		if d := r - prev; d >= -1 && d <= 1 {
			eff += 0.25
		} else {
			eff++
		}
		prev = r
	}
	pool := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.on {
			pool += c.size
		}
	}
	bits := eff * math.Log2(float64(pool))
	return max(1, min(100, int(bits*100/90)))
}
