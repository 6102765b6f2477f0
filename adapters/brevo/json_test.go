package brevo

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2017-05-01T17:05:03Z", time.Date(2017, 5, 1, 17, 5, 3, 0, time.UTC), true},
		{"2024-09-14T10:22:31.478+02:00", time.Date(2024, 9, 14, 8, 22, 31, 478e6, time.UTC), true},
		{"", time.Time{}, true},
		{"2024-09-14 10:22:31", time.Time{}, false},
		{"14/09/2024", time.Time{}, false},
	}
	for _, tc := range cases {
		got, err := parseTimestamp(tc.in)
		if !got.Equal(tc.want) || (err == nil) != tc.ok {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestAttrText(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{`"Jeanne"`, "Jeanne", true}, {`" Jeanne "`, "Jeanne", true}, {`null`, "", true}, {``, "", true},
		{`42`, "42", true}, {`true`, "true", true}, {`{"a":1}`, "", false}, {`[1]`, "", false}, {`"x`, "", false},
	}
	for _, tc := range cases {
		got, err := attrText(json.RawMessage(tc.in))
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("attrText(%s) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2017-05-01T17:05:03Z", "2024-09-14T10:22:31.478+02:00", "", "2024-13-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTimestamp(s)
		if err != nil && !got.IsZero() {
			t.Errorf("parseTimestamp(%q) = %v with error", s, got)
		}
		if err == nil && got.Location() != time.UTC {
			t.Errorf("parseTimestamp(%q) not in UTC", s)
		}
	})
}

func FuzzAttrText(f *testing.F) {
	for _, s := range []string{`"Jeanne"`, `null`, `12.5`, `true`, `{}`, `"\ud83d"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := attrText(b)
		if err != nil && got != "" {
			t.Errorf("attrText(%q) = %q with error", b, got)
		}
	})
}
