package probe_test

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/probe/probetest"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/testlog"
	"github.com/anopex/opsbot/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestAlertsEndToEnd runs the real checks against loopback servers — TLS
// sites whose certificates expire in 3, 10 and 60 days and one with a wrong
// host name, a site that fails and recovers, a DNS zone that changes — and
// the alert life cycle on a real data file, reopened half-way as after a
// restart. Every post is compared with testdata/e2e.golden: each alert is
// posted once, its recovery once, nothing is repeated after the restart,
// and the reminders come a day later.
func TestAlertsEndToEnd(t *testing.T) {
	ca := newCA(t)
	sites := []*probetest.Site{
		site(t, ca, "mail.anopex.test", 3*day),
		site(t, ca, "www.anopex.test", 10*day),
		site(t, ca, "adherents.anopex.test", 60*day),
		site(t, ca, "intranet.anopex.test", 60*day, "other.anopex.test"),
	}
	inj := &faulttest.Injector{}
	web := httptest.NewServer(inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })))
	t.Cleanup(web.Close)
	z := zone(t)

	clk := testlog.NewClock(t0)
	build := func() []alerts.Check {
		o := probe.Options{Now: clk.Now, Location: time.UTC}
		var targets []probe.Target
		for _, s := range sites {
			targets = append(targets, probe.Target{Name: s.Name + ":443", Addr: s.Addr()})
		}
		tc, err := probe.NewTLS(probe.TLSConfig{Targets: targets, Roots: ca.Roots()}, o)
		if err != nil {
			t.Fatal(err)
		}
		hc, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{web.URL + "/"}, Client: web.Client()}, o)
		if err != nil {
			t.Fatal(err)
		}
		dc, err := probe.NewDNS(probe.DNSConfig{Resolver: z.Addr(), MailDomains: []string{"anopex.test"},
			Fixed: []probe.Fixed{{Name: "www.anopex.test", Type: "A", Values: []string{"192.0.2.10"}}}}, o)
		if err != nil {
			t.Fatal(err)
		}
		return []alerts.Check{tc, hc, dc}
	}

	path := filepath.Join(t.TempDir(), "opsbot.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch := &bottest.Chat{Prefix: "p"} // the alert posts as people read them
	lifeCycle := func() *alerts.Cycle {
		a, err := alerts.NewCycle(alerts.CycleConfig{Chat: ch, Store: db, Channel: "alertes", Platform: "console", Now: clk.Now, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	cycle, checks := lifeCycle(), build()
	var out strings.Builder
	step := func(name string, after time.Duration, change func()) {
		t.Helper()
		clk.Add(after)
		change()
		for _, c := range checks { // one after the other, so the posts come in a fixed order
			firing, err := c.Run(t.Context())
			if err != nil {
				t.Fatalf("%s: %s: %v", name, c.Name(), err)
			}
			if err := cycle.Report(t.Context(), c.Name(), firing); err != nil {
				t.Fatalf("%s: report %s: %v", name, c.Name(), err)
			}
		}
		fmt.Fprintf(&out, "== %s (+%s)\n", name, clk.Now().Sub(t0))
		for _, p := range ch.Take() {
			fmt.Fprintln(&out, p)
		}
	}
	set := func(name, typ string, v ...string) {
		if err := z.Set(name, typ, v...); err != nil {
			t.Fatal(err)
		}
	}

	step("first run: the certificates and DMARC; the site's first failure is held", 0, func() {
		set("_dmarc.anopex.test", "TXT")
		inj.FailNext(1, 503, "maintenance")
	})
	step("second run: nothing new", 5*time.Minute, func() { inj.FailNext(1, 503, "maintenance") })
	step("third failure of the site; www's address changed", 5*time.Minute, func() {
		inj.FailNext(1, 503, "maintenance")
		set("www.anopex.test", "A", "198.51.100.7")
	})

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cycle, checks = lifeCycle(), build() // a new process: new checks, new streaks
	step("after a restart, the same problems: nothing", 5*time.Minute, func() { inj.FailNext(1, 503, "maintenance") })
	step("site, address and DMARC repaired: three recoveries", 5*time.Minute, func() {
		set("www.anopex.test", "A", "192.0.2.10")
		set("_dmarc.anopex.test", "TXT", "v=DMARC1; p=none")
	})
	step("an hour later: nothing", time.Hour, func() {})
	step("a day after the posts: one reminder per certificate alert", 23*time.Hour, func() {})
	step("and not again the same day", time.Hour, func() {})

	golden := filepath.Join("testdata", "e2e.golden")
	got := regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(out.String(), "127.0.0.1:PORT")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("posts differ from %s (-want +got); go test ./adapters/probe -run %s -update to accept:\n%s", golden, t.Name(), diff)
	}

	states, err := db.Alerts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]alerts.Severity{}
	for _, s := range states {
		if s.Open {
			open[s.Key] = s.Severity
		}
	}
	wantOpen := map[string]alerts.Severity{
		"tls:mail.anopex.test:443":     alerts.Critical,
		"tls:www.anopex.test:443":      alerts.Warning,
		"tls:intranet.anopex.test:443": alerts.Critical,
	}
	if diff := cmp.Diff(wantOpen, open); diff != "" {
		t.Errorf("open alerts in the data file (-want +got):\n%s", diff)
	}
}
