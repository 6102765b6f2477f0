package dolibarr_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/bot"
)

// seedStaff adds a board, delegates and a disabled user.
func seedStaff(srv *dolibarrtest.Server) {
	srv.AddGroup("Bureau", "Membres du bureau")
	srv.AddGroup("Délégués", "")
	srv.AddGroup("Vide", "")
	srv.AddUser(dolibarrtest.User{Login: "jdupont", Email: "jeanne.dupont@asso.fr", FirstName: "Jeanne", LastName: "Dupont", MemberID: 42, Groups: []string{"Bureau", "Délégués"},
		LastLogin: time.Unix(1764300000, 0)})
	srv.AddUser(dolibarrtest.User{Login: "mmartin", Email: "marc.martin@asso.fr", FirstName: "Marc", LastName: "Martin", Groups: []string{"Délégués"}})
	srv.AddUser(dolibarrtest.User{Login: "old", Email: "old@asso.fr", LastName: "Ancien", Disabled: true})
}

var wantStaff = []bot.StaffUser{
	{ID: "1", Login: "admin", LastName: "SuperAdmin", Active: true, Admin: true},
	{ID: "2", Login: "jdupont", Email: "jeanne.dupont@asso.fr", FirstName: "Jeanne", LastName: "Dupont", Active: true, MemberID: "42", Groups: []string{"Bureau", "Délégués"},
		LastLogin: time.Unix(1764300000, 0)},
	{ID: "3", Login: "mmartin", Email: "marc.martin@asso.fr", FirstName: "Marc", LastName: "Martin", Active: true, Groups: []string{"Délégués"}},
	{ID: "4", Login: "old", Email: "old@asso.fr", LastName: "Ancien"},
}

// staffModes are the fake's list behaviours the staff reads must all end
// right on: develop (bare arrays, [] past the end), a server that would
// answer pagination_data on /users, and v14–v18 (404 past the end).
var staffModes = []struct {
	name          string
	legacy, paged bool
}{{"develop", false, false}, {"paged", false, true}, {"legacy", true, false}}

func TestUsers(t *testing.T) {
	for _, m := range staffModes {
		t.Run(m.name, func(t *testing.T) {
			srv, c := setup(t, dolibarr.Options{PageSize: 2})
			srv.SetLegacy(m.legacy)
			srv.SetStaffPagination(m.paged)
			seedStaff(srv)
			got, err := c.Users(t.Context())
			if err != nil {
				t.Fatalf("Users() = %v", err)
			}
			if diff := cmp.Diff(wantStaff, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Users() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsersDenied(t *testing.T) {
	srv, _ := setup(t, dolibarr.Options{})
	srv.AddKey("members-only", "reader", false, dolibarrtest.RightMembersRead)
	c := newClient(t, srv.URL(), bot.NewSecret("members-only"), nil, zerolog0(), dolibarr.Options{})
	if _, err := c.Users(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Users() without user/user/lire = %v, want Denied", err)
	}
	if _, err := c.Adherents(t.Context()); err != nil {
		t.Errorf("Adherents() with adherent/lire = %v", err)
	}
}

func TestUser(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	cases := []struct {
		login string
		want  bot.StaffUser
		kind  bot.Kind
	}{
		{login: "jdupont", want: wantStaff[1]},
		{login: "old", want: wantStaff[3]},
		{login: "nobody", kind: bot.NotFound},
		{login: "", kind: bot.Invalid},
		{login: "a/b", kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.login, func(t *testing.T) {
			got, err := c.User(t.Context(), tc.login)
			if tc.kind != bot.Internal {
				if bot.KindOf(err) != tc.kind {
					t.Fatalf("User(%q) = %v, want %v", tc.login, err, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("User(%q) = %v", tc.login, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("User(%q) (-want +got):\n%s", tc.login, diff)
			}
		})
	}
}

// TestAPIUser reads the key's own account, groups included, and is denied
// to a key with none of the rights getInfo asks.
func TestAPIUser(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	srv.AddKey("self", "jdupont", false, dolibarrtest.RightSelfWrite)
	srv.AddKey("members-only", "mmartin", false, dolibarrtest.RightMembersRead)
	for _, tc := range []struct {
		name string
		c    *dolibarr.Client
		want bot.StaffUser
		kind bot.Kind
	}{
		{name: "admin key", c: c, want: wantStaff[0]},
		{name: "user/self/creer", c: newClient(t, srv.URL(), bot.NewSecret("self"), nil, zerolog0(), dolibarr.Options{Now: func() time.Time { return now }}), want: wantStaff[1]},
		{name: "no right", c: newClient(t, srv.URL(), bot.NewSecret("members-only"), nil, zerolog0(), dolibarr.Options{}), kind: bot.Denied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.APIUser(t.Context())
			if tc.kind != bot.Internal {
				if bot.KindOf(err) != tc.kind {
					t.Fatalf("APIUser() = %v, want %v", err, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("APIUser() = %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("APIUser() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGroups(t *testing.T) {
	want := []bot.StaffGroup{{ID: "1", Name: "Bureau"}, {ID: "2", Name: "Délégués"}, {ID: "3", Name: "Vide"}}
	for _, size := range []int{1, 3, 100} { // 3: the last page is full, the next one ends the list
		for _, m := range staffModes {
			t.Run(fmt.Sprintf("%s/%d", m.name, size), func(t *testing.T) {
				srv, c := setup(t, dolibarr.Options{PageSize: size})
				srv.SetLegacy(m.legacy)
				srv.SetStaffPagination(m.paged)
				seedStaff(srv)
				got, err := c.Groups(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Groups() (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestCreateUser(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	id, err := c.CreateUser(t.Context(), "pdurand", "paul.durand@asso.fr", "Paul", "Durand")
	if err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	got, ok := srv.User("pdurand")
	want := dolibarrtest.User{ID: 5, Login: "pdurand", Email: "paul.durand@asso.fr", FirstName: "Paul", LastName: "Durand"}
	if !ok || id != "5" {
		t.Fatalf("CreateUser() = %q; stored %v", id, ok)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored user (-want +got):\n%s", diff)
	}
	if _, err := c.CreateUser(t.Context(), "jdupont", "x@asso.fr", "X", "Y"); bot.KindOf(err) != bot.Conflict {
		t.Errorf("CreateUser(existing login) = %v, want Conflict", err)
	}
}

// TestWritesNotRetried: a failing write is tried once, whatever the status.
func TestWritesNotRetried(t *testing.T) {
	cases := []struct {
		name   string
		method string
		path   string
		status int
		do     func(*dolibarr.Client, *testing.T) error
	}{
		{name: "create 503", method: "POST", path: "/users", status: 503, do: func(c *dolibarr.Client, t *testing.T) error {
			_, err := c.CreateUser(t.Context(), "new", "n@asso.fr", "N", "E")
			return err
		}},
		{name: "create 500", method: "POST", path: "/users", status: 500, do: func(c *dolibarr.Client, t *testing.T) error {
			_, err := c.CreateUser(t.Context(), "new", "n@asso.fr", "N", "E")
			return err
		}},
		{name: "disable 502", method: "PUT", path: "/users/", status: 502, do: func(c *dolibarr.Client, t *testing.T) error {
			return c.DisableUser(t.Context(), "mmartin")
		}},
		{name: "setGroup 503 is a GET that mutates", method: "GET", path: "/setGroup/", status: 503, do: func(c *dolibarr.Client, t *testing.T) error {
			return c.AddToGroup(t.Context(), "mmartin", "Bureau")
		}},
		{name: "setGroup 429", method: "GET", path: "/setGroup/", status: 429, do: func(c *dolibarr.Client, t *testing.T) error {
			return c.AddToGroup(t.Context(), "mmartin", "Bureau")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, dolibarr.Options{})
			seedStaff(srv)
			var writes int
			srv.Fault.Only(func(r *http.Request) bool {
				hit := r.Method == tc.method && strings.Contains(r.URL.Path, tc.path)
				if hit {
					writes++
				}
				return hit
			})
			if tc.status == 429 {
				srv.Fault.RateLimitNext(5, "Retry-After", "0")
			} else {
				srv.Fault.FailNext(5, tc.status, "")
			}
			err := tc.do(c, t)
			if err == nil {
				t.Fatal("write succeeded through a failure")
			}
			if writes != 1 {
				t.Errorf("the write was sent %d times, want 1", writes)
			}
			u, _ := srv.User("mmartin")
			if u.Disabled || len(u.Groups) != 1 {
				t.Errorf("state changed: %+v", u)
			}
		})
	}
}

func TestDisableUser(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	if err := c.DisableUser(t.Context(), "mmartin"); err != nil {
		t.Fatalf("DisableUser() = %v", err)
	}
	if u, _ := srv.User("mmartin"); !u.Disabled {
		t.Errorf("mmartin still enabled")
	}
	before := srv.Fault.Requests()
	if err := c.DisableUser(t.Context(), "old"); err != nil {
		t.Errorf("DisableUser(disabled) = %v", err)
	}
	if n := srv.Fault.Requests() - before; n != 1 {
		t.Errorf("DisableUser(disabled) made %d requests, want 1 (no PUT)", n)
	}
	if err := c.DisableUser(t.Context(), "nobody"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("DisableUser(unknown) = %v, want NotFound", err)
	}
}

func TestEnableUser(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	if err := c.EnableUser(t.Context(), "old"); err != nil {
		t.Fatalf("EnableUser() = %v", err)
	}
	if u, _ := srv.User("old"); u.Disabled {
		t.Errorf("old still disabled")
	}
	before := srv.Fault.Requests()
	if err := c.EnableUser(t.Context(), "mmartin"); err != nil {
		t.Errorf("EnableUser(enabled) = %v", err)
	}
	if n := srv.Fault.Requests() - before; n != 1 {
		t.Errorf("EnableUser(enabled) made %d requests, want 1 (no PUT)", n)
	}
	if err := c.EnableUser(t.Context(), "nobody"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("EnableUser(unknown) = %v, want NotFound", err)
	}
}

func TestSetUserPassword(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	if err := c.SetUserPassword(t.Context(), "mmartin", bot.NewSecret("Nouveau-mot-2-passe")); err != nil {
		t.Fatalf("SetUserPassword() = %v", err)
	}
	if u, _ := srv.User("mmartin"); u.Password != "Nouveau-mot-2-passe" {
		t.Errorf("password on the server = %q", u.Password)
	}
	if err := c.SetUserPassword(t.Context(), "nobody", bot.NewSecret("x")); bot.KindOf(err) != bot.NotFound {
		t.Errorf("SetUserPassword(unknown) = %v, want NotFound", err)
	}
	// A key whose user may create users but not set their passwords: 403.
	srv.AddKey("writer-key", "mmartin", false, dolibarrtest.RightUsersRead, dolibarrtest.RightUsersWrite)
	w := newClient(t, srv.URL(), bot.NewSecret("writer-key"), nil, zerolog.Nop(), dolibarr.Options{})
	if err := w.SetUserPassword(t.Context(), "jdupont", bot.NewSecret("x-Y-z-123456")); bot.KindOf(err) != bot.Denied {
		t.Errorf("SetUserPassword(without user/user/password) = %v, want Denied", err)
	}
}

func TestAddToGroup(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	seedStaff(srv)
	cases := []struct {
		login, group string
		kind         bot.Kind
		want         []string
	}{
		{login: "mmartin", group: "bureau", want: []string{"Bureau", "Délégués"}},
		{login: "mmartin", group: "Bureau", want: []string{"Bureau", "Délégués"}},
		{login: "old", group: "3", want: []string{"Vide"}},
		{login: "mmartin", group: "Trésorerie", kind: bot.NotFound},
		{login: "nobody", group: "Bureau", kind: bot.NotFound},
	}
	for _, tc := range cases {
		t.Run(tc.login+" "+tc.group, func(t *testing.T) {
			err := c.AddToGroup(t.Context(), tc.login, tc.group)
			if bot.KindOf(err) != tc.kind || (tc.kind == bot.Internal && err != nil) {
				t.Fatalf("AddToGroup(%q, %q) = %v, want kind %v", tc.login, tc.group, err, tc.kind)
			}
			if tc.want != nil {
				u, _ := srv.User(tc.login)
				if diff := cmp.Diff(tc.want, u.Groups); diff != "" {
					t.Errorf("groups (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestNoRemoveGroupRoute: the reference found no call to leave a group; the
// fake answers Restler's 404 to a guessed one, as a real Dolibarr would.
func TestNoRemoveGroupRoute(t *testing.T) {
	srv, _ := setup(t, dolibarr.Options{})
	seedStaff(srv)
	for _, m := range []string{"GET", "DELETE"} {
		req, _ := http.NewRequestWithContext(t.Context(), m, srv.URL()+"/users/2/removeGroup/1", nil)
		req.Header.Set("DOLAPIKEY", testKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s removeGroup = %d, want 404", m, resp.StatusCode)
		}
	}
}
