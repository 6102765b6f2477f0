package brevo

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// contactPages are pages as Brevo and the fake write them, and shapes the
// fast path must leave to encoding/json.
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

// FuzzFastContacts proves that whenever the fast path decodes a page, it
// decodes it as encoding/json does.
func FuzzFastContacts(f *testing.F) {
	for _, s := range contactPages {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := fastContacts([]byte(in), 0)
		var want contactsJSON[knownAttrs]
		err := json.Unmarshal([]byte(in), &want)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fastContacts(%q) (-want +got):\n%s", in, diff)
		}
		if (want.Contacts == nil) != (got.Contacts == nil) {
			t.Errorf("fastContacts(%q): nil contacts %v, encoding/json %v", in, got.Contacts == nil, want.Contacts == nil)
		}
		for i := range want.Contacts {
			w, g := want.Contacts[i], got.Contacts[i]
			if (w.ListIDs == nil) != (g.ListIDs == nil) || (w.ListUnsubscribed == nil) != (g.ListUnsubscribed == nil) {
				t.Errorf("fastContacts(%q): contact %d: nil lists differ", in, i)
			}
		}
	})
}

// TestFastContactsUsed checks that usual pages take the fast path.
func TestFastContactsUsed(t *testing.T) {
	for _, in := range contactPages[:4] {
		if _, ok := fastContacts([]byte(in), 0); !ok {
			t.Errorf("fastContacts(%s) left to encoding/json", in)
		}
	}
}
