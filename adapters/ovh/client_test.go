package ovh_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/bot"
)

const (
	appKey      = "ak-test"
	appSecret   = "as-test-7kbG7Bk7S9Nu7ZvxR0ATQNE5XrQ4"
	consumerKey = "ck-test-MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1"
)

var fixedNow = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

// setup starts a fake and a client with the right credentials.
func setup(t *testing.T) (*ovh.Client, *ovhtest.Server) {
	t.Helper()
	srv := ovhtest.New(appKey, appSecret, consumerKey)
	t.Cleanup(srv.Close)
	return client(srv, appKey, appSecret, consumerKey, ovh.Options{}), srv
}

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

// client returns ovh.New on srv with the credentials and the settings of o.
func client(srv *ovhtest.Server, ak, as, ck string, o ovh.Options) *ovh.Client {
	if o.Now == nil {
		o.Now = func() time.Time { return fixedNow }
	}
	o.Endpoint, o.AppKey, o.AppSecret, o.ConsumerKey, o.HTTPClient = srv.URL(), ak, bot.NewSecret(as), bot.NewSecret(ck), srv.Client()
	c, err := ovh.New(o)
	if err != nil {
		panic(err) // the tests' options are valid
	}
	return c
}

// New refuses what no request could use, naming neither secret.
func TestNewRefusesInvalidOptions(t *testing.T) {
	ok := ovh.Options{Endpoint: "ovh-eu", AppKey: appKey, AppSecret: bot.NewSecret(appSecret), ConsumerKey: bot.NewSecret(consumerKey)}
	if _, err := ovh.New(ok); err != nil {
		t.Fatalf("New(ovh-eu) = %v", err)
	}
	tests := []struct {
		name   string
		change func(*ovh.Options)
	}{
		{"no endpoint", func(o *ovh.Options) { o.Endpoint = "" }},
		{"unknown endpoint name", func(o *ovh.Options) { o.Endpoint = "ovh-mars" }},
		{"no application key", func(o *ovh.Options) { o.AppKey = "" }},
		{"no application secret", func(o *ovh.Options) { o.AppSecret = bot.Secret{} }},
		{"no consumer key", func(o *ovh.Options) { o.ConsumerKey = bot.Secret{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.change(&o)
			_, err := ovh.New(o)
			if err == nil {
				t.Fatalf("New(%+v) = nil error", o)
			}
			if strings.Contains(err.Error(), appSecret) || strings.Contains(err.Error(), consumerKey) {
				t.Errorf("error %q holds a credential", err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	c, srv := setup(t)
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("Check = %v, want nil", err)
	}
	if srv.Signed() != 1 || srv.TimeAsked() != 1 {
		t.Errorf("signed %d, time asked %d; want 1 and 1", srv.Signed(), srv.TimeAsked())
	}
}

// The fake recomputes every signature; a client that signs anything but the
// exact URL and body sent is refused. Query strings, path escapes and bodies
// with characters JSON escapes are the classic ways to get it wrong.
func TestSignatureCoversURLQueryAndBody(t *testing.T) {
	c, srv := setup(t)
	ctx := t.Context()
	id, err := c.Support.Open(ctx, `Sujet "entre guillemets" & <chevrons> é`, "Corps\navec saut de ligne, tab\t, et € 100 %")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if _, err := c.Support.List(ctx); err != nil { // GET with ?status=open
		t.Fatalf("List = %v", err)
	}
	if err := c.Support.Reply(ctx, id.ID, "Merci <b>beaucoup</b> & bonne journée"); err != nil {
		t.Fatalf("Reply = %v", err)
	}
	if _, err := c.Billing.List(ctx, false); err != nil { // GET with ?date.from=…
		t.Fatalf("Billing.List = %v", err)
	}
	if srv.Signed() < 4 {
		t.Errorf("signed requests = %d, want at least 4", srv.Signed())
	}
	if srv.TimeAsked() != 1 {
		t.Errorf("/auth/time asked %d times, want once (the delta is reused)", srv.TimeAsked())
	}
}

// go-ovh takes the server's clock from /auth/time: a server an hour ahead
// of this machine still accepts the timestamps.
func TestServerClockAhead(t *testing.T) {
	c, srv := setup(t)
	srv.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("Check with a skewed server clock = %v, want nil", err)
	}
}

func TestAuthErrors(t *testing.T) {
	srv := ovhtest.New(appKey, appSecret, consumerKey)
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		ak, as, ck string
		rules      []ovhtest.Rule
	}{
		{name: "bad application key", ak: "other", as: appSecret, ck: consumerKey},
		{name: "bad application secret", ak: appKey, as: "wrong-secret", ck: consumerKey},
		{name: "bad consumer key", ak: appKey, as: appSecret, ck: "wrong-ck"},
		{name: "call not granted", ak: appKey, as: appSecret, ck: consumerKey, rules: []ovhtest.Rule{{Method: "GET", Path: "/me/*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetRules(tt.rules)
			t.Cleanup(func() { srv.SetRules(nil) })
			c := client(srv, tt.ak, tt.as, tt.ck, ovh.Options{})
			_, err := c.Support.List(t.Context())
			if bot.KindOf(err) != bot.Denied {
				t.Fatalf("List = %v, want kind denied", err)
			}
			var be *bot.Error
			if !errors.As(err, &be) || be.Provider != "ovh" || be.Status != http.StatusBadRequest && be.Status != http.StatusForbidden {
				t.Errorf("error = %#v, want an ovh *bot.Error with status 400 or 403", err)
			}
			for _, s := range []string{appSecret, consumerKey, "wrong-secret"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error text %q holds a credential", err)
				}
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name     string
		inject   func(srv *ovhtest.Server)
		write    bool
		wantKind bot.Kind // Internal means success
		wantReqs int64    // requests that reached the fake after /auth/time, 0: not checked
	}{
		{name: "read retried after 500", inject: func(s *ovhtest.Server) { s.Fault.FailNext(2, 500, "oops") }, wantKind: bot.Internal, wantReqs: 3},
		{name: "read gives up after persistent 503", inject: func(s *ovhtest.Server) { s.Fault.FailNext(10, 503, "<html>down</html>") }, wantKind: bot.Unavailable, wantReqs: 4},
		{name: "read retried after 429", inject: func(s *ovhtest.Server) { s.Fault.RateLimitNext(1, "Retry-After", "0") }, wantKind: bot.Internal, wantReqs: 2},
		{name: "persistent 429", inject: func(s *ovhtest.Server) { s.Fault.RateLimitNext(10, "Retry-After", "0") }, wantKind: bot.RateLimited, wantReqs: 4},
		{name: "service expired 460 not retried", inject: func(s *ovhtest.Server) { s.Fault.FailNext(1, 460, `{"message":"Service expired"}`) }, wantKind: bot.Unavailable, wantReqs: 1},
		{name: "write not retried after 500", write: true, inject: func(s *ovhtest.Server) { s.Fault.FailNext(1, 500, "oops") }, wantKind: bot.Unavailable, wantReqs: 1},
		{name: "write 429 not retried", write: true, inject: func(s *ovhtest.Server) { s.Fault.RateLimitNext(1, "Retry-After", "0") }, wantKind: bot.RateLimited, wantReqs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv := setup(t)
			id := srv.AddTicket("Sujet", "Corps", fixedNow)
			if err := c.Check(t.Context()); err != nil { // learn the clock first
				t.Fatal(err)
			}
			srv.Fault.Only(func(r *http.Request) bool { return !strings.HasSuffix(r.URL.Path, "/auth/time") })
			before := srv.Fault.Requests()
			tt.inject(srv)
			var err error
			if tt.write {
				err = c.Support.Reply(t.Context(), strconv.FormatInt(id, 10), "Relance")
			} else {
				_, err = c.Support.Show(t.Context(), strconv.FormatInt(id, 10))
			}
			switch {
			case tt.wantKind == bot.Internal && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tt.wantKind != bot.Internal && bot.KindOf(err) != tt.wantKind:
				t.Fatalf("err = %v (kind %v), want kind %v", err, bot.KindOf(err), tt.wantKind)
			}
			got := srv.Fault.Requests() - before
			if !tt.write && tt.wantKind == bot.Internal {
				got-- // the messages read that follows a successful ticket read
			}
			if tt.wantReqs != 0 && got != tt.wantReqs {
				t.Errorf("requests = %d, want %d", got, tt.wantReqs)
			}
			if tt.write && len(srv.TicketMessages(id)) != 1 {
				t.Errorf("messages = %q, want the reply not stored", srv.TicketMessages(id))
			}
		})
	}
}

// A hanging server ends with the caller's deadline, as Unavailable, and the
// read is not retried once the context is done.
func TestHangEndsWithContext(t *testing.T) {
	c, srv := setup(t)
	if err := c.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Fault.HangNext(1)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Support.List(ctx)
	if bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("List = %v, want kind unavailable", err)
	}
}

// /auth/time down: the call fails as Unavailable, and the next call asks the
// clock again rather than signing with no delta.
func TestTimeEndpointDown(t *testing.T) {
	c, srv := setup(t)
	srv.Fault.Only(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/auth/time") })
	srv.Fault.FailNext(1, 503, "down")
	if err := c.Check(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("Check = %v, want kind unavailable", err)
	}
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("second Check = %v, want nil", err)
	}
}

// Error bodies that are not JSON, or JSON without errorCode, still map by status.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   bot.Kind
	}{
		{400, `{"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"}`, bot.Denied},
		{400, `{"class":"Client::BadRequest","message":"Invalid value for parameter type"}`, bot.Invalid},
		{403, `{"errorCode":"NOT_GRANTED_CALL","httpCode":"403 Forbidden","message":"This call has not been granted"}`, bot.Denied},
		{404, `{"class":"Client::NotFound","message":"The requested object (ticketId = 99) does not exist"}`, bot.NotFound},
		{409, `{"class":"Client::Conflict","message":"conflict"}`, bot.Conflict},
		{460, `{"message":"Service expired"}`, bot.Unavailable},
		{502, `<html>Bad gateway</html>`, bot.Unavailable},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status)+" "+tt.body[:min(20, len(tt.body))], func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /1.0/auth/time", func(w http.ResponseWriter, _ *http.Request) {
				w.Write([]byte(strconv.FormatInt(time.Now().Unix(), 10)))
			})
			mux.HandleFunc("POST /1.0/support/tickets/1/reply", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Ovh-QueryID", "EU.ext-1.test")
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			hs := httptest.NewServer(mux)
			t.Cleanup(hs.Close)
			c, err := ovh.New(ovh.Options{Endpoint: hs.URL + "/1.0", AppKey: appKey, AppSecret: bot.NewSecret(appSecret),
				ConsumerKey: bot.NewSecret(consumerKey), HTTPClient: hs.Client()})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Support.Reply(t.Context(), "1", "x")
			if got := bot.KindOf(err); got != tt.want {
				t.Errorf("Reply = %v (kind %v), want kind %v", err, got, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), "EU.ext-1.test") {
				t.Errorf("error %q lacks the query ID operators give to OVH's support", err)
			}
		})
	}
}

// Parallel reads through one client share the signer safely (run with -race).
func TestConcurrentReads(t *testing.T) {
	c, srv := setup(t)
	for i := range 6 {
		srv.AddTicket("Ticket "+strconv.Itoa(i), "Corps", fixedNow.Add(time.Duration(i)*time.Hour))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			if _, err := c.Support.List(t.Context()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A hostile ticket id cannot reach another route.
func TestTicketIDIsANumber(t *testing.T) {
	c, _ := setup(t)
	for _, id := range []string{"../../me/bill", "1/close", "", "12a"} {
		if _, err := c.Support.Show(t.Context(), id); bot.KindOf(err) != bot.NotFound {
			t.Errorf("Show(%q) = %v, want kind not found", id, err)
		}
	}
}

func benchSetup(b *testing.B) (*ovhtest.Server, *ovh.Client) {
	b.Helper()
	srv := ovhtest.New(appKey, appSecret, consumerKey)
	b.Cleanup(srv.Close)
	return srv, client(srv, appKey, appSecret, consumerKey, ovh.Options{})
}
