package planethoster_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/adapters/planethoster"
	"github.com/anopex/opsbot/adapters/planethoster/planethostertest"
	"github.com/anopex/opsbot/bot"
)

const key = "ph-key-3c9de1"

func setup(t *testing.T) (*planethoster.Client, *planethostertest.Server) {
	t.Helper()
	srv := planethostertest.New("ph-api-7f3a", key)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	return newClient(t, srv, "ph-api-7f3a", key), srv
}

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

func newClient(t *testing.T, srv *planethostertest.Server, user, key string) *planethoster.Client {
	t.Helper()
	c, err := planethoster.New(planethoster.Options{URL: srv.URL(), User: user, Key: bot.NewSecret(key), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// New refuses what no request could use.
func TestNewRefusesInvalidOptions(t *testing.T) {
	for _, o := range []planethoster.Options{
		{User: "u", Key: bot.NewSecret(key)},
		{URL: "api.planethoster.net", User: "u", Key: bot.NewSecret(key)},
		{URL: "https://api.planethoster.net", Key: bot.NewSecret(key)},
		{URL: "https://api.planethoster.net", User: "u"},
	} {
		if _, err := planethoster.New(o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
}

func TestAccount(t *testing.T) {
	c, _ := setup(t)
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	got, err := c.Account(t.Context())
	if err != nil {
		t.Fatalf("Account = %v", err)
	}
	want := bot.HostingAccount{Provider: "planethoster", Credit: bot.Money{Cents: 5230, Currency: "EUR"}, ActiveOrders: 3, ActiveDomains: 1,
		Hostings: []bot.Hosting{{ID: "123456", Domain: "anopex.test", Server: "node42.n0c.example", IP: "203.0.113.7", State: "active", DiskMB: 5312.46}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Account (-want +got):\n%s", diff)
	}
}

func TestDomain(t *testing.T) {
	c, _ := setup(t)
	got, err := c.Domain(t.Context(), "anopex.test")
	want := bot.DomainStatus{Domain: "anopex.test", Expires: time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), Status: "Active"}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("Domain = %+v, %v; want %+v", got, err, want)
	}
	if _, err := c.Domain(t.Context(), "inconnu.test"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Domain(inconnu.test) = %v, want kind not found", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(*planethostertest.Server)
		key     string
		want    bot.Kind
	}{
		{name: "wrong key", key: "wrong", want: bot.Denied},
		{name: "ip not whitelisted", prepare: func(s *planethostertest.Server) { s.SetWhitelist([]string{"198.51.100.9"}) }, want: bot.Denied},
		{name: "server error retried then fails", prepare: func(s *planethostertest.Server) { s.Fault.FailNext(9, 502, "bad gateway") }, want: bot.Unavailable},
		{name: "rate limited", prepare: func(s *planethostertest.Server) { s.Fault.RateLimitNext(9, "Retry-After", "0") }, want: bot.RateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := planethostertest.New("u", key)
			t.Cleanup(srv.Close)
			srv.SeedDemo()
			if tt.prepare != nil {
				tt.prepare(srv)
			}
			k := key
			if tt.key != "" {
				k = tt.key
			}
			c := newClient(t, srv, "u", k)
			_, err := c.Account(t.Context())
			if bot.KindOf(err) != tt.want {
				t.Fatalf("Account = %v, want kind %v", err, tt.want)
			}
			if strings.Contains(err.Error(), k) {
				t.Errorf("error %q holds the key", err)
			}
		})
	}
}

// A transient 503 on a read is retried and the read succeeds.
func TestReadRetried(t *testing.T) {
	c, srv := setup(t)
	srv.Fault.FailNext(1, 503, "")
	if _, err := c.Domain(t.Context(), "anopex.test"); err != nil {
		t.Fatalf("Domain after one 503 = %v, want success", err)
	}
}
