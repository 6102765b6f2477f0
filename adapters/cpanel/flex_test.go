package cpanel

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestFlexNum(t *testing.T) {
	tests := []struct {
		in   string
		want flexNum
	}{
		{`1024`, flexNum{1024, true}},
		{`460.0`, flexNum{460, true}},
		{`4.492e1`, flexNum{44.92, true}},
		{`"1024"`, flexNum{1024, true}},
		{`" 12.5 "`, flexNum{12.5, true}},
		{`"1.5e1"`, flexNum{15, true}},
		{`"unlimited"`, flexNum{}},
		{`"∞"`, flexNum{}},
		{`"None"`, flexNum{}},
		{`"<img src=\"/unlimited.png\">"`, flexNum{}},
		{`"NaN"`, flexNum{}},
		{`"Inf"`, flexNum{}},
		{`1e400`, flexNum{}},
		{`null`, flexNum{}},
		{`true`, flexNum{1, true}},
		{`false`, flexNum{0, true}},
		{`{"a":1}`, flexNum{}},
		{`[1]`, flexNum{}},
	}
	for _, tt := range tests {
		var got flexNum
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// FuzzPopJSON decodes arbitrary list_pops_with_disk rows: decoding a row
// that is valid JSON never fails because of a field's type, and a mailbox
// never comes out with a negative or non-finite quota or usage.
func FuzzPopJSON(f *testing.F) {
	for _, s := range []string{
		`{"email":"contact@asso-exemple.fr","login":"contact@asso-exemple.fr","user":"contact","domain":"asso-exemple.fr","_diskquota":1073741824,"_diskused":482344960,"diskquota":1024,"diskused":460.0,"suspended_login":0}`,
		`{"email":"assoex","login":"Main Account","suspended_incoming":0,"suspended_login":0}`,
		`{"email":"a@b.fr","_diskquota":0,"diskquota":"unlimited","diskused":"12.5"}`,
		`{"email":"a@b.fr","diskquota":"∞","diskused":3.2e2,"suspended_incoming":"1"}`,
		`{"email":"","user":"d","domain":"b.fr","diskquota":{"x":1},"diskused":-1,"_diskquota":"9e300"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p popJSON
		if err := json.Unmarshal(b, &p); err != nil {
			// Only the four text fields are strict: a JSON object may
			// fail only because one of them is not a string.
			var probe map[string]json.RawMessage
			if json.Unmarshal(b, &probe) != nil {
				return
			}
			for k, v := range probe {
				for _, name := range []string{"email", "login", "user", "domain"} {
					if strings.EqualFold(k, name) && string(v) != "null" && v[0] != '"' {
						return
					}
				}
			}
			t.Fatalf("the object %s failed to decode: %v", b, err)
		}
		m, ok := p.toBot()
		if !ok {
			return
		}
		if m.QuotaMB < 0 || m.UsedMB < 0 || math.IsNaN(m.UsedMB) || math.IsInf(m.UsedMB, 0) {
			t.Fatalf("toBot(%s) = %+v", b, m)
		}
	})
}
