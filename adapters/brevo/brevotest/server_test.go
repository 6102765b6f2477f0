package brevotest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// do sends one request with the key and returns the status and the body's
// "code" (or the body when it has none).
func do(t *testing.T, s *Server, method, path, body string) (int, string, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, s.URL()+path, strings.NewReader(body))
	req.Header.Set("api-key", "k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	code, _ := m["code"].(string)
	return resp.StatusCode, code, m
}

func TestRoutes(t *testing.T) {
	s := New("k")
	defer s.Close()
	l := s.AddList("Lettre")
	s.AddContact(Contact{Email: "a@example.org", FirstName: "Anne", ListIDs: []int{l}})
	s.AddContact(Contact{Email: "b@example.org", Blacklisted: true, ListIDs: []int{l}})
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"contacts over max", "GET", "/contacts?limit=1001", "", 400, "out_of_range"},
		{"list contacts over max", "GET", "/contacts/lists/1/contacts?limit=501", "", 400, "out_of_range"},
		{"lists over max", "GET", "/contacts/lists?limit=51", "", 400, "out_of_range"},
		{"list contacts", "GET", "/contacts/lists/1/contacts?limit=500", "", 200, ""},
		{"unknown list", "GET", "/contacts/lists/9/contacts", "", 404, "document_not_found"},
		{"bad sort", "GET", "/contacts?sort=up", "", 400, "invalid_parameter"},
		{"both listIds and segment", "GET", "/contacts?listIds=1&segmentId=2", "", 400, "invalid_parameter"},
		{"unknown contact", "GET", "/contacts/zz%40example.org", "", 404, "document_not_found"},
		{"by id", "GET", "/contacts/1", "", 200, ""},
		{"duplicate create", "POST", "/contacts", `{"email":"a@example.org"}`, 400, "duplicate_parameter"},
		{"upsert", "POST", "/contacts", `{"email":"a@example.org","updateEnabled":true,"attributes":{"NOM":"Martin"}}`, 204, ""},
		{"create", "POST", "/contacts", `{"email":"c@example.org","listIds":[1]}`, 201, ""},
		{"create without email", "POST", "/contacts", `{"attributes":{}}`, 400, "missing_parameter"},
		{"create bad email", "POST", "/contacts", `{"email":"nope"}`, 400, "invalid_parameter"},
		{"bad json", "POST", "/contacts", `{`, 400, "bad_request"},
		{"update email to a taken one", "PUT", "/contacts/c%40example.org", `{"attributes":{"EMAIL":"a@example.org"}}`, 400, "invalid_parameter"},
		{"unlink", "PUT", "/contacts/c%40example.org", `{"unlinkListIds":[1]}`, 204, ""},
		{"add too many", "POST", "/contacts/lists/1/contacts/add", `{"emails":[` + strings.Repeat(`"x@y.org",`, 150) + `"x@y.org"]}`, 400, "out_of_range"},
		{"add nothing", "POST", "/contacts/lists/1/contacts/add", `{}`, 400, "missing_parameter"},
		{"add by id", "POST", "/contacts/lists/1/contacts/add", `{"ids":[3,99]}`, 201, ""},
		{"remove all", "POST", "/contacts/lists/1/contacts/remove", `{"all":true}`, 201, ""},
		{"delete", "DELETE", "/contacts/b%40example.org", "", 204, ""},
		{"deleted", "GET", "/contacts/2", "", 404, "document_not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, code, _ := do(t, s, tc.method, tc.path, tc.body)
			if status != tc.status || code != tc.code {
				t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.path, status, code, tc.status, tc.code)
			}
		})
	}
	if got := s.ListMembers(l); len(got) != 0 {
		t.Errorf("list after remove all = %v", got)
	}
	if c, _ := s.Contact("a@example.org"); c.LastName != "Martin" || c.FirstName != "Anne" {
		t.Errorf("upsert stored %+v", c)
	}
}

func TestDefaultSortIsNewestFirst(t *testing.T) {
	s := New("k")
	defer s.Close()
	for _, e := range []string{"1@x.org", "2@x.org", "3@x.org"} {
		s.AddContact(Contact{Email: e})
	}
	_, _, m := do(t, s, "GET", "/contacts?limit=2", "")
	cs := m["contacts"].([]any)
	if len(cs) != 2 || cs[0].(map[string]any)["email"] != "3@x.org" || m["count"].(float64) != 3 {
		t.Errorf("GET /contacts = %v", m)
	}
}

// TestStampsMemo: the remembered dates are the ones asked, whatever the order.
func TestStampsMemo(t *testing.T) {
	var st stamps
	for _, ms := range []int64{1767139200000, 1767139200000, 1767225600123, 1767139200000, 1700000000000, 1767225600123, 0} {
		want := time.UnixMilli(ms).In(paris).Format(stamp)
		if got := string(st.append(nil, ms)); got != want {
			t.Errorf("append(%d) = %s, want %s", ms, got, want)
		}
	}
}
