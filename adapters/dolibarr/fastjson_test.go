package dolibarr

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// memberPages are list pages as Dolibarr and the fake write them, and the
// shapes the fast path must leave to encoding/json.
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

// FuzzFastMembers proves that whenever the fast path decodes a page, it
// decodes it as encoding/json does.
func FuzzFastMembers(f *testing.F) {
	for _, s := range memberPages {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := fastMembers([]byte(in), 0)
		want, err := decodeListJSON[memberJSON]([]byte(in))
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", in, err)
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b unixTime) bool { return time.Time(a).Equal(time.Time(b)) })); diff != "" {
			t.Errorf("fastMembers(%q) (-want +got):\n%s", in, diff)
		}
		if (want.Items == nil) != (got.Items == nil) {
			t.Errorf("fastMembers(%q): nil items %v, encoding/json %v", in, got.Items == nil, want.Items == nil)
		}
	})
}

// TestFastMembersUsed checks that the pages the clients read take the fast
// path (else the benchmark measures encoding/json again).
func TestFastMembersUsed(t *testing.T) {
	for _, in := range memberPages[3:7] {
		if _, ok := fastMembers([]byte(in), 0); !ok {
			t.Errorf("fastMembers(%s) left to encoding/json", in)
		}
	}
}
