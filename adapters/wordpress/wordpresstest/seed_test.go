package wordpresstest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := wordpresstest.New("admin", "pw"), wordpresstest.New("admin", "pw")
	defer a.Close()
	defer b.Close()
	ua, ub := a.Generate(500, 42), b.Generate(500, 42)
	if diff := cmp.Diff(ua, ub); diff != "" {
		t.Fatalf("same seed, other users (-a +b)\n%s", diff)
	}
	if a.Len() != 501 {
		t.Errorf("Len() = %d, want 501", a.Len())
	}
	roles := map[string]int{}
	for _, u := range ua {
		roles[u.Roles[0]]++
		if got, ok := a.User(u.ID); !ok || got.Email != u.Email {
			t.Fatalf("User(%d) = %+v, %v", u.ID, got, ok)
		}
	}
	for _, r := range []string{"subscriber", "author", "editor", "contributor"} {
		if roles[r] == 0 {
			t.Errorf("no %s among %v", r, roles)
		}
	}
}

func TestAddUserRefusesMistakes(t *testing.T) {
	s := wordpresstest.New("admin", "pw")
	defer s.Close()
	cases := []struct {
		name string
		u    wordpresstest.User
	}{
		{"taken login, other case", wordpresstest.User{Login: "ADMIN", Email: "x@example.test"}},
		{"taken e-mail", wordpresstest.User{Login: "x", Email: "admin@example.test"}},
		{"taken ID", wordpresstest.User{ID: 1, Login: "y", Email: "y@example.test"}},
		{"unknown role", wordpresstest.User{Login: "z", Email: "z@example.test", Roles: []string{"adherent"}}},
		{"no e-mail", wordpresstest.User{Login: "w"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("AddUser(%+v) did not panic", tc.u)
				}
			}()
			s.AddUser(tc.u)
		})
	}
}

// TestSeedDemo checks the demo site: a plugin role, nicknames made unique
// like WordPress does, and the members-only role served in lists.
func TestSeedDemo(t *testing.T) {
	s := wordpresstest.New("admin", "abcd abcd abcd abcd abcd abcd")
	defer s.Close()
	s.SeedDemo()
	twin := s.AddUser(wordpresstest.User{Login: "m.petit2", Email: "twin@example.test", Roles: []string{"adherent"}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL()+"/wp-json/wp/v2/users?context=edit&roles=adherent&orderby=id&_fields=id,username,slug", nil)
	req.SetBasicAuth("admin", "abcdabcdabcdabcdabcdabcd")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []struct {
		ID             int
		Username, Slug string
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("list: %d, %v", resp.StatusCode, err)
	}
	if len(got) != 4 || got[3].ID != twin || got[0].Slug != "m-petit" || got[3].Slug != "m-petit2" {
		t.Errorf("adherents = %+v", got)
	}
	u, _ := s.UserByLogin("j.dupont")
	if !slices.Equal(u.Roles, []string{"editor"}) || u.Email != "jeanne.dupont@asso-exemple.fr" {
		t.Errorf("j.dupont = %+v", u)
	}
}
