package wordpresstest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestWithPage(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"context=edit&per_page=2&page=1", "context=edit&per_page=2&page=2"},
		{"context=edit&per_page=2", "context=edit&per_page=2&page=2"},
		{"rest_route=/wp/v2/users&_fields=id,username&page=1", "rest_route=%2Fwp%2Fv2%2Fusers&_fields=id%2Cusername&page=2"},
		{"search=a+b~c&page=1", "search=a+b%7Ec&page=2"},
		{"roles=editor,author&page=1", "roles%5B0%5D=editor&roles%5B1%5D=author&page=2"},
		{"page=1&page=5&x=1", "page=2&x=1"},
	}
	for _, tc := range cases {
		if got := parseQuery(tc.raw).withPage(2); got != tc.want {
			t.Errorf("parseQuery(%q).withPage(2) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// FuzzQuery parses any query string as $_GET does and rebuilds it for a
// Link header: never a panic, page exactly once with the asked value, and
// every other key kept.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"context=edit&per_page=2&page=1", "rest_route=/wp/v2/users&a[]=1&a[]=2", "page", "=&&=x", "%zz=1&b=%", "roles=a,b&page=9"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, raw string, p int) {
		q := parseQuery(raw)
		out := parseQuery(q.withPage(p))
		if got := out.list("page"); len(got) != 1 || got[0] != strconv.Itoa(p) {
			t.Fatalf("page in %q = %v, want [%d]", q.withPage(p), got, p)
		}
		for _, k := range q.keys {
			if k == "page" || k == "" {
				continue
			}
			name := k
			if q.isArray(k) || arrayParams[k] {
				name = k + "[0]"
				if len(q.list(k)) == 0 || strings.Trim(strings.Join(q.list(k), ""), " \t\r\n\f\v,") == "" {
					continue // an empty list leaves nothing to write
				}
			}
			if !out.has(strings.TrimSuffix(name, "[0]")) && !out.has(name) {
				t.Fatalf("key %q of %q lost in %q", k, raw, q.withPage(p))
			}
		}
	})
}

// TestSanitizeSearch: the search term as sanitize_text_field leaves it,
// read off WordPress 6.1.9 (search=%20Pierre%20%20%20M%20 finds "Pierre
// Martin", search=Pier%2541re finds every "Pierre").
func TestSanitizeSearch(t *testing.T) {
	cases := []struct{ in, want string }{
		{" Pierre   M ", "Pierre M"},
		{"\tPierre\nM", "Pierre M"},
		{"Pier%41re", "Pierre"},
		{"anne%41b@example.test", "anneb@example.test"},
		{"a %41 b", "a b"},
		{"%%4141", ""},
		{"100%", "100%"},
	}
	for _, tc := range cases {
		if got := sanitizeText(tc.in); got != tc.want {
			t.Errorf("sanitizeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Reading another account in the edit context without list_users is
// rest_forbidden_context, as WordPress 6.1.9 answers (not
// rest_user_cannot_view, which is for a view of an account without posts).
func TestEditContextForbidden(t *testing.T) {
	s := New("admin", "pw")
	defer s.Close()
	s.SeedRecorded()
	for _, auth := range []bool{false, true} {
		req, _ := http.NewRequest("GET", s.URL()+"/wp-json/wp/v2/users/5?context=edit", nil)
		want := 401
		if auth {
			req.SetBasicAuth("eve.editor", s.AddAppPassword("eve.editor", "t"))
			want = 403
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Code, Message string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != want || body.Code != "rest_forbidden_context" || body.Message != "Sorry, you are not allowed to edit this user." {
			t.Errorf("editor %v: %d %+v", auth, resp.StatusCode, body)
		}
	}
}
