package wordpress_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
)

const adminPw = "abcd EFGH ijkl MNOP qrst 1234"

// setup starts a fake seeded like the recorded site (admin, eve.editor,
// arthur.author, carl.contributor, sam.subscriber, zoe.durand) and a client
// logged in as admin.
func setup(t *testing.T, o wordpress.Options) (*wordpresstest.Server, *wordpress.Client) {
	t.Helper()
	srv := wordpresstest.New("admin", adminPw)
	t.Cleanup(srv.Close)
	srv.SeedRecorded()
	return srv, newClient(t, srv.URL(), "admin", bot.NewSecret(adminPw), zerolog.Nop(), o)
}

var recorded = []bot.WPUser{
	{ID: 1, Username: "admin", Name: "admin", Email: "admin@example.test", Roles: []string{"administrator"}},
	{ID: 2, Username: "eve.editor", Name: "Eve Editor", FirstName: "Eve", LastName: "Editor", Email: "eve.editor@example.test", Roles: []string{"editor"}},
	{ID: 3, Username: "arthur.author", Name: "Arthur Author", FirstName: "Arthur", LastName: "Author", Email: "arthur.author@example.test", Roles: []string{"author"}},
	{ID: 4, Username: "carl.contributor", Name: "Carl Contributor", FirstName: "Carl", LastName: "Contributor", Email: "carl.contributor@example.test", Roles: []string{"contributor"}},
	{ID: 5, Username: "sam.subscriber", Name: "Sam Subscriber", FirstName: "Sam", LastName: "Subscriber", Email: "sam.subscriber@example.test", Roles: []string{"subscriber"}},
	{ID: 6, Username: "zoe.durand", Name: "Zoé Durand", FirstName: "Zoé", LastName: "Durand", Email: "zoe.durand@example.test", Roles: []string{"subscriber"}},
}

func TestWPUsers(t *testing.T) {
	cases := []struct {
		name string
		o    wordpress.Options
		role string
		want []bot.WPUser
		kind bot.Kind // for errors
	}{
		{name: "everyone, in ID order", want: recorded},
		{name: "by role", role: "subscriber", want: recorded[4:]},
		{name: "role in upper case", role: "EDITOR", want: recorded[1:2]},
		{name: "role nobody holds", role: "shop_manager", want: []bot.WPUser{}},
		{name: "pages of 2", o: wordpress.Options{PageSize: 2}, want: recorded},
		{name: "pages of 4", o: wordpress.Options{PageSize: 4}, want: recorded},
		{name: "rest_route form", o: wordpress.Options{QueryRoute: true, PageSize: 5}, want: recorded},
		{name: "malformed role", role: "éditeur", kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, tc.o)
			got, err := c.WPUsers(t.Context(), tc.role)
			if tc.want == nil {
				if bot.KindOf(err) != tc.kind || srv.Requests() != 0 {
					t.Fatalf("WPUsers(%q) = %v after %d requests, want kind %v and no request", tc.role, err, srv.Requests(), tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("WPUsers(%q) (-want +got)\n%s", tc.role, diff)
			}
		})
	}
}

func TestWPUsersRequests(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 1000, 1234} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			srv := wordpresstest.New("admin", adminPw)
			defer srv.Close()
			made := srv.Generate(n, 7)
			c := newClient(t, srv.URL(), "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{})
			got, err := c.WPUsers(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n+1 || got[0].Username != "admin" {
				t.Fatalf("read %d accounts, want %d with admin first", len(got), n+1)
			}
			for i, u := range made {
				g := got[i+1]
				if g.ID != u.ID || g.Email != u.Email || g.Name != u.Name || !slices.Equal(g.Roles, u.Roles) {
					t.Fatalf("account %d = %+v, want %+v", i+1, g, u)
				}
			}
			want := max(1, (n+1+wordpress.MaxPageSize-1)/wordpress.MaxPageSize)
			if srv.Requests() != int64(want) {
				t.Errorf("%d requests, want %d (one per page of 100)", srv.Requests(), want)
			}
		})
	}
}

func TestWPUser(t *testing.T) {
	cases := []struct {
		name, in string
		want     bot.WPUser
		kind     bot.Kind
	}{
		{name: "by id", in: "5", want: recorded[4]},
		{name: "by login", in: "zoe.durand", want: recorded[5]},
		{name: "login without case", in: "Eve.Editor", want: recorded[1]},
		{name: "login also in others' names", in: "admin", want: recorded[0]},
		{name: "unknown id", in: "9999", kind: bot.NotFound},
		{name: "id zero", in: "0", kind: bot.NotFound},
		{name: "huge id", in: "99999999999999999999999", kind: bot.NotFound},
		{name: "unknown login", in: "nobody", kind: bot.NotFound},
		{name: "part of a login", in: "eve.edit", kind: bot.NotFound},
		{name: "login inside other logins", in: "eve", want: bot.WPUser{ID: 7, Username: "eve", Name: "eve", Email: "eve@other.test", Roles: []string{"author"}}},
		{name: "malformed", in: "eve\teditor", kind: bot.Invalid},
		{name: "login with a space", in: " jean  dupont", want: bot.WPUser{ID: 8, Username: "jean dupont", Name: "jean dupont", Email: "jd@other.test", Roles: []string{"subscriber"}}},
	}
	srv, c := setup(t, wordpress.Options{})
	srv.AddUser(wordpresstest.User{Login: "eve", Email: "eve@other.test", Roles: []string{"author"}})
	srv.AddUser(wordpresstest.User{Login: "jean dupont", Email: "jd@other.test"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.WPUser(t.Context(), tc.in)
			if tc.kind != 0 {
				if bot.KindOf(err) != tc.kind {
					t.Fatalf("WPUser(%q) = %+v, %v; want kind %v", tc.in, got, err, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("WPUser(%q) (-want +got)\n%s", tc.in, diff)
			}
		})
	}
}

func TestWPUserByEmail(t *testing.T) {
	srv, c := setup(t, wordpress.Options{})
	// An address that contains eve.editor's: the search matches both.
	srv.AddUser(wordpresstest.User{Login: "steve", Email: "steve.editor@example.test"})
	// WordPress strips %41 from a search term: found by reading every account.
	anne := srv.AddUser(wordpresstest.User{Login: "anne", Email: "anne%41b@example.test"})
	cases := []struct {
		name, in string
		want     bot.WPUser
		kind     bot.Kind
	}{
		{name: "exact", in: "eve.editor@example.test", want: recorded[1]},
		{name: "without case", in: " EVE.Editor@Example.TEST ", want: recorded[1]},
		{name: "a part of an address is not it", in: "ditor@example.test", kind: bot.NotFound},
		{name: "nobody", in: "nobody@example.test", kind: bot.NotFound},
		{name: "not an address", in: "eve.editor", kind: bot.Invalid},
		{name: "with an escape", in: "Anne%41B@example.test", want: bot.WPUser{ID: anne, Username: "anne", Name: "anne", Email: "anne%41b@example.test", Roles: []string{"subscriber"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Requests()
			got, err := c.WPUserByEmail(t.Context(), tc.in)
			if tc.kind != 0 {
				if bot.KindOf(err) != tc.kind {
					t.Fatalf("WPUserByEmail(%q) = %+v, %v; want kind %v", tc.in, got, err, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("WPUserByEmail(%q) (-want +got)\n%s", tc.in, diff)
			}
			if n := srv.Requests() - before; n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestWPUserByEmailConstantRequests(t *testing.T) {
	srv := wordpresstest.New("admin", adminPw)
	defer srv.Close()
	made := srv.Generate(5000, 3)
	c := newClient(t, srv.URL(), "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{})
	u, err := c.WPUserByEmail(t.Context(), made[4321].Email)
	if err != nil || u.ID != made[4321].ID {
		t.Fatalf("WPUserByEmail = %+v, %v; want account %d", u, err, made[4321].ID)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests among 5000 accounts, want 1", srv.Requests())
	}
}

func TestSetWPRole(t *testing.T) {
	cases := []struct {
		name     string
		id       int
		role     string
		as       string // "" admin, else a login with an application password
		password string // overrides the password
		want     []string
		kind     bot.Kind
		requests int64
	}{
		{name: "promote", id: 5, role: "editor", want: []string{"editor"}, requests: 1},
		{name: "same role", id: 5, role: "subscriber", want: []string{"subscriber"}, requests: 1},
		{name: "no role", id: 3, role: "", want: nil, requests: 1},
		{name: "slug in capitals", id: 3, role: "Contributor", want: []string{"contributor"}, requests: 1},
		{name: "role WordPress lacks", id: 5, role: "no-such-role", kind: bot.Invalid, requests: 1},
		{name: "malformed role", id: 5, role: "rédacteur", kind: bot.Invalid},
		{name: "unknown account", id: 9999, role: "editor", kind: bot.NotFound, requests: 1},
		{name: "no account 0", id: 0, role: "editor", kind: bot.NotFound},
		{name: "administrator demoting itself", id: 1, role: "subscriber", kind: bot.Denied, requests: 1},
		{name: "editor lacks promote_users", id: 5, role: "editor", as: "eve.editor", kind: bot.Denied, requests: 1},
		{name: "wrong application password", id: 5, role: "editor", password: "wrong-password-0000", kind: bot.Denied, requests: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, wordpress.Options{})
			before, _ := srv.User(tc.id)
			if tc.as != "" || tc.password != "" {
				login, pw := "admin", tc.password
				if tc.as != "" {
					login, pw = tc.as, srv.AddAppPassword(tc.as, "test")
				}
				c = newClient(t, srv.URL(), login, bot.NewSecret(pw), zerolog.Nop(), wordpress.Options{})
			}
			err := c.SetWPRole(t.Context(), tc.id, tc.role)
			if srv.Requests() != tc.requests {
				t.Errorf("%d requests, want %d", srv.Requests(), tc.requests)
			}
			after, _ := srv.User(tc.id)
			if tc.kind != 0 {
				if bot.KindOf(err) != tc.kind || !errors.Is(err, &bot.Error{Kind: tc.kind}) {
					t.Fatalf("SetWPRole(%d, %q) = %v, want kind %v", tc.id, tc.role, err, tc.kind)
				}
				if !slices.Equal(before.Roles, after.Roles) {
					t.Errorf("roles changed to %v after a failure", after.Roles)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(after.Roles, tc.want) {
				t.Errorf("roles = %v, want %v", after.Roles, tc.want)
			}
		})
	}
}

func TestCreateWPUser(t *testing.T) {
	cases := []struct {
		name, login, email, role, as, password string
		kind                                   bot.Kind
	}{
		{name: "created", login: "bot.created", email: "bot.created@example.test", role: "author"},
		{name: "login taken (500 existing_user_login)", login: "eve.editor", email: "new@example.test", role: "author", kind: bot.Conflict},
		{name: "address taken (500 existing_user_email)", login: "bot.other", email: "eve.editor@example.test", role: "author", kind: bot.Conflict},
		{name: "role WordPress lacks", login: "bot.x", email: "bot.x@example.test", role: "no-such-role", kind: bot.Invalid},
		{name: "editor lacks create_users", login: "bot.y", email: "bot.y@example.test", role: "author", as: "eve.editor", kind: bot.Denied},
		{name: "password with a backslash", login: "bot.z", email: "bot.z@example.test", role: "author", password: `a\b`, kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, wordpress.Options{})
			if tc.as != "" {
				c = newClient(t, srv.URL(), tc.as, bot.NewSecret(srv.AddAppPassword(tc.as, "test")), zerolog.Nop(), wordpress.Options{})
			}
			n := srv.Len()
			pw := tc.password
			if pw == "" {
				pw = "bot-created-pass"
			}
			id, err := c.CreateWPUser(t.Context(), tc.login, tc.email, "Bot Created", tc.role, bot.NewSecret(pw))
			if tc.kind != 0 {
				if bot.KindOf(err) != tc.kind || srv.Len() != n {
					t.Fatalf("CreateWPUser(%q, %q) = %v with %d accounts, want kind %v and %d", tc.login, tc.email, err, srv.Len(), tc.kind, n)
				}
				return
			}
			u, ok := srv.User(id)
			if err != nil || !ok || u.Login != tc.login || u.Email != tc.email || !slices.Equal(u.Roles, []string{tc.role}) || u.Password != pw {
				t.Fatalf("CreateWPUser() = %d, %v; server holds %+v", id, err, u)
			}
		})
	}
}

func TestSetWPRoleReplacesEveryRole(t *testing.T) {
	srv, c := setup(t, wordpress.Options{QueryRoute: true})
	id := srv.AddUser(wordpresstest.User{Login: "multi", Email: "multi@example.test", Roles: []string{"subscriber", "author"}})
	if err := c.SetWPRole(t.Context(), id, "editor"); err != nil {
		t.Fatal(err)
	}
	got, err := c.WPUser(t.Context(), "multi")
	if err != nil || !slices.Equal(got.Roles, []string{"editor"}) {
		t.Fatalf("after SetWPRole: %+v, %v; want roles [editor] alone", got, err)
	}
}

func TestBaseURLForms(t *testing.T) {
	srv, _ := setup(t, wordpress.Options{})
	for _, base := range []string{srv.URL(), srv.URL() + "/", srv.URL() + "/wp-json", srv.URL() + "/wp-json/wp/v2/"} {
		c := newClient(t, base, "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{})
		if u, err := c.WPUser(t.Context(), "3"); err != nil || u.Username != "arthur.author" {
			t.Errorf("base %q: WPUser(3) = %+v, %v", base, u, err)
		}
	}
}

// TestNoSecretLeaks runs every call, successful and failing, with the debug
// wire log on, and searches the log and the errors for the password, the
// Authorization header and the e-mail looked up.
func TestNoSecretLeaks(t *testing.T) {
	srv := wordpresstest.New("admin", adminPw)
	defer srv.Close()
	srv.SeedRecorded()
	var log strings.Builder
	l := zerolog.New(&log).Level(zerolog.DebugLevel)
	good := newClient(t, srv.URL(), "admin", bot.NewSecret(adminPw), l, wordpress.Options{})
	bad := newClient(t, srv.URL(), "admin", bot.NewSecret("wrong "+adminPw), l, wordpress.Options{})
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	for _, c := range []*wordpress.Client{good, bad} {
		_, err := c.WPUsers(t.Context(), "editor")
		note(err)
		_, err = c.WPUserByEmail(t.Context(), "zoe.durand@example.test")
		note(err)
		_, err = c.WPUser(t.Context(), "zoe.durand")
		note(err)
		note(c.SetWPRole(t.Context(), 5, "author"))
		note(c.Check(t.Context()))
	}
	srv.Fault.FailNext(1, http.StatusBadGateway, "<html>"+adminPw+"</html>")
	_, err := good.WPUsers(t.Context(), "")
	note(err)
	if len(errs) < 5 {
		t.Fatalf("only %d errors: the bad client should fail every call", len(errs))
	}
	all := log.String() + strings.Join(errs, "\n")
	if !strings.Contains(log.String(), `"url"`) {
		t.Fatalf("no wire log written: the test would prove nothing\n%s", log.String())
	}
	for _, secret := range []string{adminPw, strings.ReplaceAll(adminPw, " ", ""), "YWRtaW46", "zoe.durand@example.test", "zoe.durand%40"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q found in the log or an error:\n%s", secret, all)
		}
	}
}

// TestPaginationCaps: an absurd X-WP-TotalPages costs no more requests than
// the pages the site holds; with the page parameter ignored as well, or an
// absurd X-WP-Total, or more pages than MaxPages, the read ends in an
// Internal error naming WordPress after a bounded number of requests.
func TestPaginationCaps(t *testing.T) {
	totalPages := func(h http.Header, b []byte) []byte { h.Set("X-WP-TotalPages", "1000000000"); return b }
	t.Run("absurd X-WP-TotalPages", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{PageSize: 4})
		srv.Fault.Rewrite(totalPages)
		got, err := c.WPUsers(t.Context(), "")
		if err != nil || len(got) != len(recorded) {
			t.Fatalf("WPUsers = %d accounts, %v; want %d", len(got), err, len(recorded))
		}
		if srv.Requests() != 2 {
			t.Errorf("%d requests, want 2 (the short page ends the read)", srv.Requests())
		}
	})
	tests := []struct {
		name     string
		o        wordpress.Options
		fault    func(*wordpresstest.Server)
		requests int64
	}{
		{"absurd X-WP-TotalPages, page ignored", wordpress.Options{PageSize: 2}, func(s *wordpresstest.Server) {
			s.Fault.Rewrite(totalPages)
			s.Fault.IgnoreQuery("page")
		}, 2},
		{"absurd X-WP-Total", wordpress.Options{PageSize: 2}, func(s *wordpresstest.Server) {
			s.Fault.Rewrite(func(h http.Header, b []byte) []byte { h.Set("X-WP-Total", "1000000000000"); return b })
		}, 1},
		{"more pages than MaxPages", wordpress.Options{PageSize: 2, MaxPages: 2}, nil, 2},
		{"more accounts than MaxItems", wordpress.Options{PageSize: 2, MaxItems: 3}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, tt.o)
			if tt.fault != nil {
				tt.fault(srv)
			}
			got, err := c.WPUsers(t.Context(), "")
			if bot.KindOf(err) != bot.Internal || bot.ProviderOf(err) != "wordpress" || got != nil {
				t.Errorf("WPUsers = %d accounts, %v; want nothing and an Internal error of wordpress", len(got), err)
			}
			if srv.Requests() != tt.requests {
				t.Errorf("%d requests, want %d", srv.Requests(), tt.requests)
			}
		})
	}
}

// TestSendWPPasswordReset posts the lost-password form: sent when WordPress
// redirects to checkemail=confirm; not sent (Invalid) when the form comes
// back with its error, as on a site that cannot send mail.
func TestSendWPPasswordReset(t *testing.T) {
	cases := []struct {
		name, login string
		broken      bool
		kind        bot.Kind
		sent        []wordpresstest.Mail
	}{
		{name: "sent", login: "eve.editor", sent: []wordpresstest.Mail{{To: "eve.editor@example.test", Login: "eve.editor"}}},
		{name: "by address", login: "Eve.Editor@example.test", sent: []wordpresstest.Mail{{To: "eve.editor@example.test", Login: "eve.editor"}}},
		{name: "site cannot send mail", login: "eve.editor", broken: true, kind: bot.Invalid},
		{name: "no such account", login: "nobody", kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, wordpress.Options{})
			srv.SetMailBroken(tc.broken)
			err := c.SendWPPasswordReset(t.Context(), tc.login)
			if bot.KindOf(err) != tc.kind || tc.kind == 0 && err != nil {
				t.Fatalf("SendWPPasswordReset(%q) = %v, want kind %v", tc.login, err, tc.kind)
			}
			if diff := cmp.Diff(tc.sent, srv.Mails()); diff != "" {
				t.Errorf("mails (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSendWPPasswordResetAnswers: the form is posted anonymously and its
// redirect not followed; a missing form is NotFound, a server error
// Unavailable (the mail may have gone).
func TestSendWPPasswordResetAnswers(t *testing.T) {
	cases := []struct {
		name   string
		status int
		kind   bot.Kind
	}{
		{name: "redirect", status: http.StatusFound},
		{name: "login page moved", status: http.StatusNotFound, kind: bot.NotFound},
		{name: "server error", status: http.StatusBadGateway, kind: bot.Unavailable},
		{name: "a page without the error", status: http.StatusOK, kind: bot.Unavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reqs := make(chan *http.Request, 1)
			mux := http.NewServeMux()
			mux.HandleFunc("POST /wp-login.php", func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				reqs <- r
				if tc.status == http.StatusFound {
					w.Header().Set("Location", "wp-login.php?checkemail=confirm")
				}
				w.WriteHeader(tc.status)
			})
			mux.HandleFunc("GET /wp-login.php", func(w http.ResponseWriter, r *http.Request) { t.Error("the redirect was followed") })
			ts := httptest.NewServer(mux)
			t.Cleanup(ts.Close)
			c := newClient(t, ts.URL, "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{})
			if err := c.SendWPPasswordReset(t.Context(), "eve.editor"); bot.KindOf(err) != tc.kind || tc.kind == 0 && err != nil {
				t.Fatalf("SendWPPasswordReset() = %v, want kind %v", err, tc.kind)
			}
			got := <-reqs
			if got.URL.Query().Get("action") != "lostpassword" || got.PostForm.Get("user_login") != "eve.editor" || got.Header.Get("Authorization") != "" {
				t.Errorf("request %+v: want the anonymous form with user_login", got)
			}
		})
	}
}
