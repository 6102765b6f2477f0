// Package jsonscan walks JSON list pages without reflection, for the
// adapters' hot paths (a 100k-member sweep decodes hundreds of pages).
//
// It is a fast path only: it handles the common, plain shapes exactly as
// encoding/json would and reports ok=false for anything else (escaped or
// non-ASCII keys, null where an array is expected, nesting beyond MaxDepth,
// invalid JSON), so that the caller falls back to encoding/json, which then
// gives the same result or the same error it always gave. It validates every
// byte it passes over as strictly as encoding/json's scanner, so it never
// accepts a document encoding/json refuses.
package jsonscan

import "encoding/binary"

// MaxDepth bounds the nesting of skipped values; deeper documents are left to
// encoding/json.
const MaxDepth = 512

// Object walks the JSON object b (surrounding whitespace allowed, nothing
// after it). For each member it calls field with the key (as written: only
// keys of printable ASCII without escapes are accepted) and the raw value,
// whose extent excludes surrounding whitespace, exactly as encoding/json hands
// it to an Unmarshaler. field returns false to give up (ok=false).
func Object(b []byte, field func(key, raw []byte) bool) (ok bool) {
	i := ws(b, 0)
	i, ok = object(b, i, field, "", nil, nil)
	return ok && ws(b, i) == len(b)
}

// Objects walks the JSON array of objects b (surrounding whitespace allowed,
// nothing after it): start is called before each element, with its index,
// then field for each of its members as in Object. An element that is not an
// object gives ok=false; so does null instead of the array.
func Objects(b []byte, start func(i int), field func(key, raw []byte) bool) (ok bool) {
	i := ws(b, 0)
	i, ok = objects(b, i, start, field)
	return ok && ws(b, i) == len(b)
}

// ObjectWith walks the object b as Object does, except that the value of
// the member named key (exactly), when it is an array, is walked in the same
// pass as Objects walks an array (start before each element, elem for each of
// its members) instead of being validated first and walked again by the
// caller: a list page's items are read once. field is then called for that
// member too, with its raw value, after the walk. A value of another kind
// (null, an object…) is only handed to field.
func ObjectWith(b []byte, key string, start func(i int), elem, field func(key, raw []byte) bool) (ok bool) {
	i := ws(b, 0)
	i, ok = object(b, i, field, key, start, elem)
	return ok && ws(b, i) == len(b)
}

// objects walks an array of objects starting at b[i]; it returns the index
// after it.
func objects(b []byte, i int, start func(int), field func(key, raw []byte) bool) (int, bool) {
	if i >= len(b) || b[i] != '[' {
		return i, false
	}
	i = ws(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for n := 0; ; n++ {
		start(n)
		var ok bool
		if i, ok = object(b, i, field, "", nil, nil); !ok {
			return i, false
		}
		i = ws(b, i)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// object walks an object starting at b[i]; it returns the index after it.
// The array value of the member named key, if any, is walked with start and
// elem (see ObjectWith).
func object(b []byte, i int, field func(key, raw []byte) bool, key string, start func(int), elem func(key, raw []byte) bool) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	i = ws(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		k0, k1, ok := plainKey(b, i)
		if !ok {
			return i, false
		}
		i = ws(b, k1+1)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		v0 := ws(b, i+1)
		var v1 int
		if start != nil && v0 < len(b) && b[v0] == '[' && string(b[k0:k1]) == key {
			v1, ok = objects(b, v0, start, elem)
		} else {
			v1, ok = skip(b, v0, 0)
		}
		if !ok || !field(b[k0:k1], b[v0:v1]) {
			return i, false
		}
		i = ws(b, v1)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// plainKey reads a key of printable ASCII without escapes at b[i]; it returns
// the key's extent without quotes (b[k1] is the closing quote).
func plainKey(b []byte, i int) (k0, k1 int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, 0, false
	}
	j := i + 1
	for j < len(b) && plain[b[j]] && b[j] < 0x80 {
		j++
	}
	if j < len(b) && b[j] == '"' {
		return i + 1, j, true
	}
	return 0, 0, false
}

// plain tells the bytes a string holds as they are: not a quote, a
// backslash or a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// special reports whether one of the eight bytes of x may end a plain run:
// a quote, a backslash or a control character (bytes < 0x20). It may
// answer true for a word holding none (bytes ≥ 0x80 can trip it); the caller
// then goes byte by byte, so only a false negative would matter, and there
// is none: the "has less than" and "has zero byte" tricks are exact on that
// side.
func special(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	lt20 := (x - lo*0x20) & ^x & hi
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return lt20|((q-lo)&^q&hi)|((bs-lo)&^bs&hi) != 0
}

// ws skips JSON whitespace.
func ws(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skip validates the value at b[i] and returns the index after it.
func skip(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return str(b, i)
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return i, false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i = ws(b, i+1)
		if i < len(b) && b[i] == end {
			return i + 1, true
		}
		for {
			if c == '{' {
				var ok bool
				if i, ok = str(b, i); !ok || i > len(b) || b[i-1] != '"' {
					return i, false
				}
				i = ws(b, i)
				if i >= len(b) || b[i] != ':' {
					return i, false
				}
				i = ws(b, i+1)
			}
			var ok bool
			if i, ok = skip(b, i, depth+1); !ok {
				return i, false
			}
			i = ws(b, i)
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ',':
				i = ws(b, i+1)
			case end:
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == 't':
		return lit(b, i, "true")
	case c == 'f':
		return lit(b, i, "false")
	case c == 'n':
		return lit(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return num(b, i)
	}
	return i, false
}

func lit(b []byte, i int, s string) (int, bool) {
	if len(b)-i < len(s) || string(b[i:i+len(s)]) != s {
		return i, false
	}
	return i + len(s), true
}

// str validates a string at b[i] (control characters refused, escapes
// checked; bytes ≥ 0x80 pass as encoding/json lets them).
func str(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for j := i + 1; j < len(b); j++ {
		// Eight bytes at a time while none is special (most strings).
		for j+8 <= len(b) && !special(binary.LittleEndian.Uint64(b[j:])) {
			j += 8
		}
		for j < len(b) && plain[b[j]] {
			j++
		}
		if j >= len(b) {
			break
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return j, false
		case c == '\\':
			j++
			if j >= len(b) {
				return j, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-j < 5 {
					return j, false
				}
				for _, h := range b[j+1 : j+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return j, false
					}
				}
				j += 4
			default:
				return j, false
			}
		}
	}
	return len(b), false
}

// num validates a number at b[i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func num(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
