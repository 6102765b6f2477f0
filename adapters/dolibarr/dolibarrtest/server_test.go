package dolibarrtest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func get(t *testing.T, s *Server, path string, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL()+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func message(body string) string {
	var e struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(body), &e)
	return e.Error.Message
}

func TestAuthForms(t *testing.T) {
	s := New("k")
	defer s.Close()
	cases := []struct {
		name   string
		path   string
		hdr    []string
		status int
		msg    string
	}{
		{"header", "/members", []string{"DOLAPIKEY", "k"}, 200, ""},
		{"bearer", "/members", []string{"Authorization", "Bearer k"}, 200, ""},
		{"query", "/members?DOLAPIKEY=k", nil, 200, ""},
		{"legacy query", "/members?api_key=k", nil, 200, ""},
		{"header wins over bearer", "/members", []string{"DOLAPIKEY", "bad", "Authorization", "Bearer k"}, 401, "Unauthorized: Error user not valid"},
		{"none", "/members", nil, 401, "Unauthorized: Failed to login to API"},
		{"dolcrypt", "/members", []string{"DOLAPIKEY", "dolcrypt:x"}, 503, "Service Unavailable: Bad value for the API key"},
		{"unknown route", "/nowhere", []string{"DOLAPIKEY", "k"}, 404, "Not Found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, s, tc.path, tc.hdr...)
			if status != tc.status || !strings.HasPrefix(message(body), tc.msg) {
				t.Errorf("GET %s = %d %s, want %d %q…", tc.path, status, body, tc.status, tc.msg)
			}
		})
	}
}

// twoMembers starts a fake with members a and b (closed with the test) and
// returns it with the key header.
func twoMembers(t *testing.T) (*Server, []string) {
	s := New("k")
	t.Cleanup(s.Close)
	s.AddAdherent(Adherent{Login: "a", Email: "a@x.org"})
	s.AddAdherent(Adherent{Login: "b", Email: "b@x.org"})
	return s, []string{"DOLAPIKEY", "k"}
}

func TestListShapes(t *testing.T) {
	s, key := twoMembers(t)
	cases := []struct {
		name, path string
		legacy     bool
		status     int
		want       string
	}{
		{"array", "/members?limit=1", false, 200, `[{"id":"1"`},
		{"properties", "/members?limit=1&properties=id,email", false, 200, `[{"id":"1","email":"a@x.org"}]`},
		{"pagination data", "/members?limit=1&page=1&pagination_data=true&properties=id", false, 200, `{"data":[{"id":"2"}],"pagination":{"total":2,"page":1,"page_count":2,"limit":1}}`},
		{"past the end v19+", "/members?limit=1&page=5", false, 200, `[]`},
		{"past the end legacy", "/members?limit=1&page=5", true, 404, `{"debug"`},
		{"no pagination data legacy", "/members?limit=1&pagination_data=true&properties=id", true, 200, `[{"id":"1"}]`},
		{"bad limit", "/members?limit=x", false, 400, `{"debug"`},
		{"bad filter", "/members?sqlfilters=(t.email:=:", false, 400, `{"debug"`},
		{"parenthesis in a value", "/members?sqlfilters=(t.lastname:like:'a(b')", false, 400, `{"debug"`},
		{"unknown column", "/members?sqlfilters=(t.nope:=:1)", false, 503, `{"debug"`},
		{"unknown sort", "/members?sortfield=t.nope", false, 503, `{"debug"`},
		{"sort desc", "/members?sortfield=t.email&sortorder=DESC&properties=id&limit=1", false, 200, `[{"id":"2"}]`},
		{"member not found", "/members/9", false, 404, `{"debug"`},
		{"no pagination data on users", "/users?limit=1&pagination_data=true&properties=id", false, 200, `[{"id":"1"}]`},
		{"no pagination data on groups", "/users/groups?limit=1&pagination_data=true&properties=id", false, 200, `[]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.SetLegacy(tc.legacy)
			status, body := get(t, s, tc.path, key...)
			if status != tc.status || !strings.HasPrefix(body, tc.want) {
				t.Errorf("GET %s = %d %s, want %d %s…", tc.path, status, body, tc.status, tc.want)
			}
		})
	}
	s.SetLegacy(true)
	if _, body := get(t, s, "/members?limit=1&page=5", key...); message(body) != "Not Found: No member found" {
		t.Errorf("legacy end message = %q", message(body))
	}
}

func TestMemberTypes(t *testing.T) {
	s := New("k")
	defer s.Close()
	s.AddAdherent(Adherent{Email: "h@x.org", TypeID: TypeHonorary})
	_, body := get(t, s, "/members/1", "DOLAPIKEY", "k")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != "1" || m["statut"] != "1" || m["need_subscription"] != "0" || m["datefin"] != "" || m["type"] != "Membre d'honneur" {
		t.Errorf("member = %v", m)
	}
	if !s.UpdateAdherent(1, func(a *Adherent) { a.Status = "excluded" }) || s.Adherents()[0].Status != "excluded" {
		t.Errorf("UpdateAdherent did not store")
	}
}

// TestListFollowsChanges: a list answers the properties asked, a member's
// change and new members.
func TestListFollowsChanges(t *testing.T) {
	s, key := twoMembers(t)
	list := func(props string) string {
		t.Helper()
		_, body := get(t, s, "/members?limit=10&properties="+props, key...)
		return body
	}
	if got := list("id,email"); got != `[{"id":"1","email":"a@x.org"},{"id":"2","email":"b@x.org"}]` {
		t.Fatalf("first list = %s", got)
	}
	if got := list("id,login"); got != `[{"id":"1","login":"a"},{"id":"2","login":"b"}]` {
		t.Errorf("other properties = %s", got)
	}
	s.UpdateAdherent(2, func(a *Adherent) { a.Email = "b2@x.org" })
	s.AddAdherent(Adherent{Login: "c", Email: "c@x.org"})
	if got := list("id,email"); got != `[{"id":"1","email":"a@x.org"},{"id":"2","email":"b2@x.org"},{"id":"3","email":"c@x.org"}]` {
		t.Errorf("after a change and an addition = %s", got)
	}
	_, one := get(t, s, "/members/2", key...)
	if !strings.Contains(one, `"email":"b2@x.org"`) || !strings.Contains(one, `"country_code":"FR"`) {
		t.Errorf("GET /members/2 = %s", one)
	}
}

// TestStaffListsSorted: users and groups sort like members (stable, by the
// asked column and order), and an unknown column is Dolibarr's SQL error.
func TestStaffListsSorted(t *testing.T) {
	s := New("k")
	t.Cleanup(s.Close)
	for _, l := range []string{"carla", "alain", "bruno"} {
		s.AddUser(User{Login: l, Email: l + "@x.org"})
	}
	s.AddGroup("Trésorerie", "")
	s.AddGroup("Bureau", "")
	key := []string{"DOLAPIKEY", "k"}
	logins := func(path string) []string {
		t.Helper()
		status, body := get(t, s, path, key...)
		if status != 200 {
			t.Fatalf("GET %s = %d %s", path, status, body)
		}
		var got []struct {
			Login string `json:"login"`
			Name  string `json:"name"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
		var out []string
		for _, g := range got {
			out = append(out, g.Login+g.Name)
		}
		return out
	}
	if got := logins("/users?sortfield=t.login&sortorder=DESC&properties=login"); !slices.Equal(got, []string{"carla", "bruno", "alain", "admin"}) {
		t.Errorf("users by login DESC = %v", got)
	}
	if got := logins("/users/groups?sortfield=t.nom&sortorder=ASC&properties=name"); !slices.Equal(got, []string{"Bureau", "Trésorerie"}) {
		t.Errorf("groups by name = %v", got)
	}
	if status, body := get(t, s, "/users?sortfield=t.nope", key...); status != 503 || !strings.Contains(body, "Unknown column") {
		t.Errorf("unknown column = %d %s, want 503 Unknown column", status, body)
	}
}
