package dolibarrtest

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// obj writes one JSON object by hand, field by field, so that a page of
// members renders fast and without a map per member. When props is not nil
// only the fields it names are written (Dolibarr's properties parameter).
type obj struct {
	b     []byte
	first bool
	props map[string]bool
}

func (o *obj) open()  { o.b = append(o.b, '{'); o.first = true }
func (o *obj) close() { o.b = append(o.b, '}') }

func (o *obj) key(k string) bool {
	if o.props != nil && !o.props[k] {
		return false
	}
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = appendString(o.b, k)
	o.b = append(o.b, ':')
	return true
}

// str writes "k":"v".
func (o *obj) str(k, v string) {
	if o.key(k) {
		o.b = appendString(o.b, v)
	}
}

// num writes "k":"n", a number as a string, as Dolibarr does for DB columns.
func (o *obj) num(k string, n int64) {
	if o.key(k) {
		o.b = append(o.b, '"')
		o.b = strconv.AppendInt(o.b, n, 10)
		o.b = append(o.b, '"')
	}
}

// date writes "k":1767139200, or "k":"" for no date.
func (o *obj) date(k string, unix int64) {
	if !o.key(k) {
		return
	}
	if unix == 0 {
		o.b = append(o.b, `""`...)
		return
	}
	o.b = strconv.AppendInt(o.b, unix, 10)
}

// raw writes "k":v with v already JSON.
func (o *obj) raw(k, v string) {
	if o.key(k) {
		o.b = append(o.b, v...)
	}
}

// appendString appends s as a JSON string. Plain ASCII takes the fast path.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
