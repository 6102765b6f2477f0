package wordpress_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/bot"
)

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

// newClient is wordpress.New on url as user with o's knobs.
func newClient(t testing.TB, url, user string, pw bot.Secret, log zerolog.Logger, o wordpress.Options) *wordpress.Client {
	t.Helper()
	o.URL, o.User, o.AppPassword, o.Log = url, user, pw, log
	c, err := wordpress.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// New refuses what no request could use.
func TestNewRefusesInvalidOptions(t *testing.T) {
	for _, o := range []wordpress.Options{
		{User: "admin", AppPassword: bot.NewSecret(adminPw)},
		{URL: "www.anopex.test", User: "admin", AppPassword: bot.NewSecret(adminPw)},
		{URL: "https://www.anopex.test", AppPassword: bot.NewSecret(adminPw)},
		{URL: "https://www.anopex.test", User: "admin"},
	} {
		if _, err := wordpress.New(o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
}

// answer serves one fixed answer to every request, counting them.
func answer(t *testing.T, status int, contentType, body string) (*wordpress.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL, "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{}), &n
}

const jsonCT = "application/json; charset=UTF-8"

// TestErrorKinds maps the answers of reference §10 and of the recordings to
// kinds, through a read (WPUser) and a write (SetWPRole).
func TestErrorKinds(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        bot.Kind
	}{
		{"invalid id (recording 15)", 404, jsonCT, `{"code":"rest_user_invalid_id","message":"Invalid user ID.","data":{"status":404}}`, bot.NotFound},
		{"wrong application password, 6.1 (recording 31)", 401, jsonCT, `{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`, bot.Denied},
		{"wrong application password, reference", 401, jsonCT, `{"code":"incorrect_password","message":"The provided password is an invalid application password.","data":{"status":401}}`, bot.Denied},
		{"anonymous edit context (recording 17)", 401, jsonCT, `{"code":"rest_forbidden_context","message":"Sorry, you are not allowed to edit users.","data":{"status":401}}`, bot.Denied},
		{"no promote_users (recording 27)", 403, jsonCT, `{"code":"rest_cannot_edit_roles","message":"Sorry, you are not allowed to edit roles of this user.","data":{"status":403}}`, bot.Denied},
		{"self demotion (recording 14)", 403, jsonCT, `{"code":"rest_user_invalid_role","message":"Sorry, you are not allowed to give users that role.","data":{"status":403}}`, bot.Denied},
		{"unknown role (recording 13)", 400, jsonCT, `{"code":"rest_user_invalid_role","message":"The role x does not exist.","data":{"status":400}}`, bot.Invalid},
		{"bad parameter (recording 05)", 400, jsonCT, `{"code":"rest_invalid_param","message":"Invalid parameter(s): per_page","data":{"status":400,"params":{"per_page":"x"}}}`, bot.Invalid},
		{"e-mail taken", 400, jsonCT, `{"code":"rest_user_invalid_email","message":"Invalid email address.","data":{"status":400}}`, bot.Conflict},
		{"login taken (recording 23)", 500, jsonCT, `{"code":"existing_user_login","message":"Sorry, that username already exists!","data":null}`, bot.Conflict},
		{"no such route", 404, jsonCT, `{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}`, bot.Unavailable},
		{"WAF page 403", 403, "text/html", `<html><body>Access denied by the firewall</body></html>`, bot.Unavailable},
		{"WAF page 429", 429, "text/html", `<html><body>Slow down</body></html>`, bot.RateLimited},
		{"JSON 429", 429, jsonCT, `{"code":"too_many_requests","message":"Too many requests","data":{"status":429}}`, bot.RateLimited},
		{"host error page", 502, "text/html", `<html>Bad gateway</html>`, bot.Unavailable},
		{"PHP fatal error", 500, jsonCT, `{"code":"internal_server_error","message":"There has been a critical error on this website.","data":{"status":500}}`, bot.Unavailable},
		{"HTML with 200 (a cache page)", 200, "text/html", `<html>Maintenance</html>`, bot.Unavailable},
		{"empty 200", 200, jsonCT, ``, bot.Unavailable},
		{"JSON of another shape", 200, jsonCT, `{"id":"five"}`, bot.Internal},
		{"unexpected 3xx status", 300, jsonCT, `{"code":"teapot","message":"no","data":{"status":300}}`, bot.Internal},
		{"unusual 4xx", 418, jsonCT, `{"code":"teapot","message":"no","data":{"status":418}}`, bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, n := answer(t, tc.status, tc.contentType, tc.body)
			_, err := c.WPUser(t.Context(), "5")
			if got := bot.KindOf(err); got != tc.want {
				t.Errorf("read: kind %v (%v), want %v", got, err, tc.want)
			}
			if bot.ProviderOf(err) != "wordpress" {
				t.Errorf("read: provider %q, want wordpress", bot.ProviderOf(err))
			}
			if tc.status != 200 {
				err = c.SetWPRole(t.Context(), 5, "editor")
				if got := bot.KindOf(err); got != tc.want {
					t.Errorf("write: kind %v (%v), want %v", got, err, tc.want)
				}
			}
			if n.Load() == 0 {
				t.Error("no request made")
			}
		})
	}
}

func TestFaults(t *testing.T) {
	t.Run("5xx on reads is retried", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{PageSize: 2})
		srv.Fault.FailNext(2, http.StatusBadGateway, "<html>bad gateway</html>")
		got, err := c.WPUsers(t.Context(), "")
		if err != nil || len(got) != 6 {
			t.Fatalf("WPUsers = %d accounts, %v; want 6 after the retries", len(got), err)
		}
		if want := int64(3 + 2); srv.Requests() != want {
			t.Errorf("%d requests, want %d (3 pages, 2 retries)", srv.Requests(), want)
		}
	})
	t.Run("429 with Retry-After is retried", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{})
		srv.Fault.RateLimitNext(1, "Retry-After", "0")
		if _, err := c.WPUser(t.Context(), "2"); err != nil {
			t.Fatal(err)
		}
		if srv.Requests() != 2 {
			t.Errorf("%d requests, want 2", srv.Requests())
		}
	})
	t.Run("reads give up after the retries", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{})
		srv.Fault.FailNext(10, http.StatusServiceUnavailable, "")
		_, err := c.WPUsers(t.Context(), "")
		if bot.KindOf(err) != bot.Unavailable {
			t.Fatalf("WPUsers = %v, want unavailable", err)
		}
		if want := int64(1 + rest.Retry.Retries); srv.Requests() != want {
			t.Errorf("%d requests, want %d", srv.Requests(), want)
		}
	})
	t.Run("a failing page fails the whole list", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{PageSize: 2})
		srv.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("page") == "3" })
		srv.Fault.FailNext(1+rest.Retry.Retries, http.StatusInternalServerError, "") // the retries fail too
		got, err := c.WPUsers(t.Context(), "")
		if bot.KindOf(err) != bot.Unavailable || got != nil {
			t.Fatalf("WPUsers = %d accounts, %v; want nothing and unavailable", len(got), err)
		}
	})
	t.Run("writes are not retried", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{})
		srv.Fault.FailNext(1, http.StatusBadGateway, "")
		err := c.SetWPRole(t.Context(), 5, "editor")
		if bot.KindOf(err) != bot.Unavailable {
			t.Fatalf("SetWPRole = %v, want unavailable", err)
		}
		if u, _ := srv.User(5); srv.Requests() != 1 || u.Roles[0] != "subscriber" {
			t.Errorf("%d requests and roles %v, want 1 request and no change", srv.Requests(), u.Roles)
		}
	})
	t.Run("a hang ends with the context", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{})
		srv.Fault.HangNext(1)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.WPUsers(ctx, "")
		if bot.KindOf(err) != bot.Unavailable {
			t.Fatalf("WPUsers = %v, want unavailable", err)
		}
	})
	t.Run("Authorization header stripped by the web server", func(t *testing.T) {
		srv, c := setup(t, wordpress.Options{})
		srv.SetAuthorizationStripped(true)
		if _, err := c.WPUsers(t.Context(), ""); bot.KindOf(err) != bot.Denied {
			t.Fatalf("WPUsers = %v, want denied", err)
		}
	})
}

func TestCheck(t *testing.T) {
	srv, admin := setup(t, wordpress.Options{})
	editorPw := srv.AddAppPassword("eve.editor", "opsbot")
	cases := []struct {
		name string
		c    *wordpress.Client
		want bot.Kind // 0: no error
	}{
		{"administrator", admin, 0},
		{"editor lacks list_users", newClient(t, srv.URL(), "eve.editor", bot.NewSecret(editorPw), zerolog.Nop(), wordpress.Options{}), bot.Denied},
		{"wrong password", newClient(t, srv.URL(), "admin", bot.NewSecret("nope nope nope"), zerolog.Nop(), wordpress.Options{}), bot.Denied},
		{"unknown user", newClient(t, srv.URL(), "ghost", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{}), bot.Denied},
		{"not a WordPress site", newClient(t, srv.URL()+"/blog", "admin", bot.NewSecret(adminPw), zerolog.Nop(), wordpress.Options{}), bot.Unavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Check(t.Context())
			if tc.want == 0 && err != nil || tc.want != 0 && bot.KindOf(err) != tc.want {
				t.Fatalf("Check() = %v, want kind %v", err, tc.want)
			}
		})
	}
}

// pages serves a scripted list: total accounts, the totals header of each
// request given by totalFor (nil: total), no totals at all when noTotals.
func pages(t *testing.T, total int, totalFor func(req int) int, noTotals bool, o wordpress.Options) (*wordpress.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := int(n.Add(1))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		t := total
		if totalFor != nil {
			t = totalFor(req)
		}
		if !noTotals {
			w.Header().Set("X-WP-Total", strconv.Itoa(t))
			w.Header().Set("X-WP-TotalPages", strconv.Itoa((t+per-1)/per))
		}
		w.Header().Set("Content-Type", jsonCT)
		w.Write([]byte("["))
		for i := (p - 1) * per; i < min(p*per, t); i++ {
			if i > (p-1)*per {
				w.Write([]byte(","))
			}
			fmt.Fprintf(w, `{"id":%d,"username":"u%d","name":"U %d","email":"u%d@example.test","roles":["subscriber"]}`, i+1, i+1, i+1, i+1)
		}
		w.Write([]byte("]"))
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL, "admin", bot.NewSecret(adminPw), zerolog.Nop(), o), &n
}

func TestListConsistency(t *testing.T) {
	o := wordpress.Options{PageSize: 10}
	t.Run("totals dropped by a proxy: read until a short page", func(t *testing.T) {
		c, n := pages(t, 35, nil, true, o)
		got, err := c.WPUsers(t.Context(), "")
		if err != nil || len(got) != 35 || got[34].ID != 35 {
			t.Fatalf("WPUsers = %d accounts, %v; want 35", len(got), err)
		}
		if n.Load() < 4 {
			t.Errorf("%d requests, want at least 4", n.Load())
		}
	})
	t.Run("a change during the read restarts it", func(t *testing.T) {
		c, n := pages(t, 30, func(req int) int {
			if req == 2 {
				return 31 // an account created while page 2 was read
			}
			return 30
		}, false, o)
		got, err := c.WPUsers(t.Context(), "")
		if err != nil || len(got) != 30 {
			t.Fatalf("WPUsers = %d accounts, %v; want 30 from the second read", len(got), err)
		}
		if n.Load() != 6 {
			t.Errorf("%d requests, want 6 (two reads of 3 pages)", n.Load())
		}
	})
	t.Run("changes during two reads: conflict", func(t *testing.T) {
		c, _ := pages(t, 30, func(req int) int { return 30 + req%2 }, false, o)
		got, err := c.WPUsers(t.Context(), "")
		if bot.KindOf(err) != bot.Conflict || got != nil {
			t.Fatalf("WPUsers = %d accounts, %v; want conflict", len(got), err)
		}
	})
	t.Run("server caps the page size", func(t *testing.T) {
		c, _ := pages(t, 30, nil, false, wordpress.Options{PageSize: 100})
		// The scripted server honours per_page; ask for more than it holds
		// per page by lying about the total.
		c2, _ := pages(t, 5, func(int) int { return 300 }, false, wordpress.Options{PageSize: 100})
		if _, err := c.WPUsers(t.Context(), ""); err != nil {
			t.Fatalf("honest server: %v", err)
		}
		if _, err := c2.WPUsers(t.Context(), ""); bot.KindOf(err) != bot.Internal {
			t.Fatalf("short first page: %v, want internal", err)
		}
	})
}
