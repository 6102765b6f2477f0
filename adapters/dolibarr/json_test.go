package dolibarr

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
)

func TestParseScalar(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{`"12"`, "12", true}, {`12`, "12", true}, {`-1`, "-1", true}, {`null`, "", true},
		{`true`, "1", true}, {`false`, "0", true}, {`"Jeanne"`, "Jeanne", true}, {` "x" `, "x", true},
		{`{}`, "", false}, {`[1]`, "", false}, {``, "", false}, {`nul`, "", false}, {`"unterminated`, "", false},
	}
	for _, tc := range cases {
		got, err := parseScalar([]byte(tc.in))
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("parseScalar(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseTime(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`1767139200`, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{`"1767139200"`, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{`1767139200.7`, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{`""`, time.Time{}, true}, {`null`, time.Time{}, true}, {`0`, time.Time{}, true}, {`"0"`, time.Time{}, true},
		{`false`, time.Time{}, true},
		{`"2025-12-31"`, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{`"2025-12-31 23:59:59"`, time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{`1e10`, time.Time{}, false}, {`"NaN"`, time.Time{}, false}, {`"Inf"`, time.Time{}, false},
		{`99999999999999`, time.Time{}, false}, {`"31/12/2025"`, time.Time{}, false}, {`{}`, time.Time{}, false},
	}
	for _, tc := range cases {
		got, err := parseTime([]byte(tc.in))
		if !got.Equal(tc.want) || (err == nil) != tc.ok {
			t.Errorf("parseTime(%s) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]bot.AdherentStatus{"1": bot.AdherentActive, "0": bot.AdherentResigned, "-1": bot.AdherentDraft, "-2": bot.AdherentExcluded, " 1 ": bot.AdherentActive} {
		if got, err := parseStatus(in); got != want || err != nil {
			t.Errorf("parseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2", "4", "active", "1.0"} {
		if _, err := parseStatus(in); err == nil {
			t.Errorf("parseStatus(%q) accepted", in)
		}
	}
}

func TestListJSON(t *testing.T) {
	cases := []struct {
		in    string
		n     int
		total int
		known bool
		ok    bool
	}{
		{`[{"id":"1"},{"id":2}]`, 2, 0, false, true},
		{`[]`, 0, 0, false, true},
		{`{"data":[{"id":"1"}],"pagination":{"total":152,"page":0,"page_count":2,"limit":100}}`, 1, 152, true, true},
		{`{"data":[],"pagination":{"total":"0"}}`, 0, 0, true, true},
		{`{"data":[]}`, 0, 0, false, true},
		{`{"data":[],"pagination":{"total":-3}}`, 0, 0, false, false},
		{`"x"`, 0, 0, false, false},
	}
	for _, tc := range cases {
		var l listJSON[memberJSON]
		err := json.Unmarshal([]byte(tc.in), &l)
		if (err == nil) != tc.ok || err == nil && (len(l.Items) != tc.n || l.Total != tc.total || l.TotalKnown != tc.known) {
			t.Errorf("decode %s = %+v, %v", tc.in, l, err)
		}
	}
}

func TestGroupMembersShapes(t *testing.T) {
	for _, in := range []string{
		`{"id":"3","name":"Bureau","members":[{"id":"7","login":"a"},{"id":"9","login":"b"}]}`,
		`{"id":"3","nom":"Bureau","members":{"7":{"login":"a"},"9":{"id":"9","login":"b"}}}`,
	} {
		var g groupJSON
		if err := json.Unmarshal([]byte(in), &g); err != nil {
			t.Fatalf("decode %s: %v", in, err)
		}
		ids := map[string]bool{}
		for _, m := range g.Members {
			ids[string(m.ID)] = true
		}
		if g.toBot().Name != "Bureau" || len(ids) != 2 || !ids["7"] || !ids["9"] {
			t.Errorf("decode %s = %+v", in, g)
		}
	}
}

func TestEmailFilter(t *testing.T) {
	for in, want := range map[string]string{
		"jeanne@example.org":  "(t.email:like:'%jeanne@example.org%')",
		"A+B@Example.org":     "(t.email:like:'%a+b@example.org%')",
		"o'brien@example.org": "(t.email:like:'%o%brien@example.org%')",
		"100%_x@example.org":  "(t.email:like:'%100%x@example.org%')",
		"a) or (1:=:1@x.org":  "(t.email:like:'%a%or%1%1@x.org%')",
		"jérôme@example.org":  "(t.email:like:'%j%r%me@example.org%')",
		"é@x.org":             "(t.email:like:'%@x.org%')",
	} {
		if got := emailFilter(in); got != want {
			t.Errorf("emailFilter(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseScalar(f *testing.F) {
	for _, s := range []string{`"12"`, `12`, `null`, `true`, `{}`, `"\u00e9"`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseScalar(b)
		if err != nil && s != "" {
			t.Errorf("parseScalar(%q) = %q with error %v", b, s, err)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{`1767139200`, `"1767139200"`, `""`, `null`, `"2025-12-31"`, `"2025-12-31 23:59:59"`, `-5`, `1.5e9`, `"0x10"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseTime(b)
		if err != nil && !got.IsZero() {
			t.Errorf("parseTime(%q) = %v with error %v", b, got, err)
		}
		if err == nil && !got.IsZero() && (got.Year() < -2000 || got.Year() > 6000) {
			t.Errorf("parseTime(%q) = %v: out of range", b, got)
		}
	})
}

// FuzzEmailFilter: whatever the address, the criterion is one quoted value
// of safe characters and wildcards, so it cannot inject another criterion.
func FuzzEmailFilter(f *testing.F) {
	for _, s := range []string{"jeanne@example.org", "o'brien@x.org", "a') or (t.rowid:>:0", "%@%", "é@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		got := emailFilter(email)
		var value string
		switch {
		case strings.HasPrefix(got, "(t.email:=:'"):
			value = strings.TrimPrefix(got, "(t.email:=:'")
		case strings.HasPrefix(got, "(t.email:like:'"):
			value = strings.TrimPrefix(got, "(t.email:like:'")
		default:
			t.Fatalf("emailFilter(%q) = %q", email, got)
		}
		value, ok := strings.CutSuffix(value, "')")
		if !ok {
			t.Fatalf("emailFilter(%q) = %q: not closed", email, got)
		}
		for _, r := range value {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".@-+_%", r)) {
				t.Fatalf("emailFilter(%q) = %q: unsafe %q", email, got, r)
			}
		}
	})
}

// memberPages are list pages as Dolibarr and the fake write them, and odd shapes.
var memberPages = []string{
	`[]`,
	` [ ] `,
	`null`,
	`[{"id":"1","ref":"A1","login":"ana","firstname":"Ana","lastname":"Lo","email":"a@x.fr","statut":"1","type":"2","need_subscription":"1","datefin":1767139200}]`,
	`{"data":[{"id":2,"statut":-1,"datefin":"1767139200","array_options":{"options_x":[1,2.5e3,null,true]}}],"pagination":{"total":152,"page":0,"page_count":2,"limit":100}}`,
	`{"data":[],"pagination":{"total":"0"}}`,
	`{"data":[]}`,
	`{"data":[],"pagination":{"total":-3}}`,
	`{"data":null}`,
	`{"Data":[{"id":"1"}]}`,
	`[{"ID":"1","id":"2"}]`,
	`[{"id":"1","id":null}]`,
	`[{"email":"\u00e9\"x\\y","lastname":"Ã©"}]`,
	`[{"id":{"a":1}}]`,
	`[{"id":"1"},]`,
	`[{"id":"1"} {"id":"2"}]`,
	`[{"note":"a\tb"}]`,
	`[{"note":01}]`,
	`[{"note":-0.5E+7},{"x":[[]],"y":{}}]`,
	`[{"datefin":"2025-12-31"},{"datefin":"junk"}]`,
	`"x"`,
	`[1]`,
}

// FuzzDecodeList decodes member pages of either shape as the client does:
// no panic, a known total is never negative, and a member decoded without
// error converts or fails with an error (never a status outside the four).
func FuzzDecodeList(f *testing.F) {
	for _, s := range memberPages {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var l listJSON[memberJSON]
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			return
		}
		if l.TotalKnown && l.Total < 0 {
			t.Errorf("decode list %q: total %d", in, l.Total)
		}
		for _, m := range l.Items {
			a, err := m.toBot(time.Unix(0, 0))
			if err == nil && a.Status == "" {
				t.Errorf("decode list %q: member %s without a status", in, a.ID)
			}
		}
	})
}

func TestOptionsDefaults(t *testing.T) {
	c, err := New(Options{URL: "http://127.0.0.1:1/api/index.php", Key: bot.NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.o; o.PageSize != DefaultPageSize || o.Now == nil || !o.Key.Empty() {
		t.Errorf("options in force = %+v, want page size %d, a clock", o, DefaultPageSize)
	}
}
