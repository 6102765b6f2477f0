package brevo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
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

// contactPages are pages as Brevo and the fake write them, and odd shapes.
var contactPages = []string{
	`{"contacts":[{"id":1,"email":"a@x.fr","emailBlacklisted":false,"smsBlacklisted":false,"createdAt":"2025-01-02T10:00:00.000+01:00","modifiedAt":"2025-01-02T10:00:00.000+01:00","listIds":[2,3],"listUnsubscribed":[],"attributes":{"PRENOM":"Ana","NOM":"Lo","SMS":"33600000000"}}],"count":1}`,
	`{"contacts":[],"count":0}`,
	`{"contacts":[{"id":2,"email":"b@x.fr","emailBlacklisted":true,"listIds":null,"attributes":{"FIRSTNAME":"Bo","LASTNAME":null,"X":{"a":[1,2]}}},{"id":3,"email":"c@x.fr","attributes":null}],"count":2}`,
	` { "count" : 5 , "contacts" : [ { "id" : 4 , "listIds" : [ 1 , 2 ] } ] } `,
	`{"contacts":null,"count":0}`,
	`{"Contacts":[],"count":0}`,
	`{"contacts":[{"ID":1}]}`,
	`{"contacts":[{"id":1.5}]}`,
	`{"contacts":[{"id":"1"}]}`,
	`{"contacts":[{"email":"a\u00e9@x.fr"}]}`,
	`{"contacts":[{"email":"\xff"}]}`,
	`{"contacts":[{"listIds":[1,null]}]}`,
	`{"contacts":[{"listIds":[]}]}`,
	`{"contacts":[{"id":1,"modifiedAt":"2026-01-02T10:00:00.000+01:00","listIds":[ 1 , -2,3 ]},{"id":2,"modifiedAt":"2026-01-02T10:00:00.000+01:00","listIds":[ ]},{"id":3,"modifiedAt":null},{"id":4,"modifiedAt":"2026-01-02T10:00:00.000+01:00"}],"count":4}`,
	`{"contacts":[{"listIds":[1.5]},{"listIds":[123456789012345678901]},{"listIds":[-0,1e2]}]}`,
	`{"contacts":[{"emailBlacklisted":"yes"}]}`,
	`{"contacts":[{"attributes":{"nom":"x"}}]}`,
	`{"contacts":[{"id":1,"id":null}],"count":1}`,
	`{"contacts":[{"id":1}],"count":99999999999999999999}`,
	`{"contacts":[{"id":1}]`,
	`[]`,
}

// FuzzContactsPage decodes a page of contacts as the client does
// (encoding/json, then toBot): no panic, and a contact converted without
// error has trimmed names and a UTC date.
func FuzzContactsPage(f *testing.F) {
	for _, s := range contactPages {
		f.Add(s)
	}
	c := &Client{first: []string{"PRENOM", "PRENOM", "FIRSTNAME"}, last: []string{"NOM", "NOM", "LASTNAME"}}
	f.Fuzz(func(t *testing.T, in string) {
		var page contactsJSON
		if json.Unmarshal([]byte(in), &page) != nil {
			return
		}
		for i := range page.Contacts {
			ct, err := c.toBot(&page.Contacts[i])
			if err != nil {
				continue
			}
			if ct.FirstName != strings.TrimSpace(ct.FirstName) || ct.LastName != strings.TrimSpace(ct.LastName) {
				t.Errorf("toBot(%q): names %q %q not trimmed", in, ct.FirstName, ct.LastName)
			}
			if !ct.ModifiedAt.IsZero() && ct.ModifiedAt.Location() != time.UTC {
				t.Errorf("toBot(%q): date not in UTC", in)
			}
		}
	})
}

func TestOptions(t *testing.T) {
	c, err := New(Options{URL: "http://127.0.0.1:1/v3", Key: bot.NewSecret("k"), PageSize: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.o; o.PageSize != 1000 || o.RatePerSecond != 10 || o.FirstNameAttribute != "PRENOM" || o.LastNameAttribute != "NOM" || !o.Key.Empty() {
		t.Errorf("options in force = %+v", o)
	}
}
