package demo_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/internal/demo"
)

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func start(t *testing.T) *demo.Env {
	t.Helper()
	e := demo.Start(now)
	t.Cleanup(e.Close)
	return e
}

// TestDemoSweep sweeps the demo association through the real clients: every
// code shows, with the counts the seed promises.
func TestDemoSweep(t *testing.T) {
	e := start(t)
	e.Seed()
	r, err := e.Checker().Sweep(t.Context())
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if diff := cmp.Diff(demo.Findings, r.Counts()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	for _, c := range coherence.Codes {
		if r.Counts()[c] == 0 {
			t.Errorf("the demo has no %s finding", c)
		}
	}
	if r.Stats.Members < 55 || r.Stats.Members > 65 {
		t.Errorf("the demo has %d members, want about 60", r.Stats.Members)
	}
}

// TestGeneratedSweep checks the benchmark's data: one person in twenty is
// a finding.
func TestGeneratedSweep(t *testing.T) {
	e := start(t)
	e.Generate(2000)
	r, err := e.Checker().Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := map[coherence.Code]int{coherence.NotMemberInNewsletter: 100, coherence.MissingInNewsletter: 100,
		coherence.BlacklistedMember: 40, coherence.DuplicateEmail: 60, coherence.NameMismatch: 80}
	if diff := cmp.Diff(want, r.Counts()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if r.Stats.Members != 2000 || r.Stats.WPUsers != 201 { // and the site's administrator
		t.Errorf("stats %+v", r.Stats)
	}
}

// TestSweepPartialFailure makes one fake fail for good half-way through its
// list (after the client's retries): the report names the source and how
// far its read got, keeps only the findings that do not need it, and no
// fix can be planned from it.
func TestSweepPartialFailure(t *testing.T) {
	tests := []struct {
		name    string
		source  coherence.Source
		fail    func(e *demo.Env)
		pages   int
		records int
	}{
		{"brevo 503 on the third page", coherence.Brevo, func(e *demo.Env) {
			e.Brevo.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("offset") == "2000" })
			e.Brevo.Fault.FailNext(100, http.StatusServiceUnavailable, "")
		}, 2, 2000},
		{"dolibarr 503 on the last page", coherence.Dolibarr, func(e *demo.Env) {
			e.Dolibarr.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("page") == "5" })
			e.Dolibarr.Fault.FailNext(100, http.StatusServiceUnavailable, "")
		}, 5, 2500},
		{"wordpress 502 on the third page", coherence.WordPress, func(e *demo.Env) {
			e.WordPress.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("page") == "3" })
			e.WordPress.Fault.FailNext(100, http.StatusBadGateway, "")
		}, 2, 200}, // pages are read in order: pages 1 and 2
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t)
			e.Generate(3000)
			tt.fail(e)
			r, err := e.Checker().Sweep(t.Context())
			if !errors.Is(err, coherence.ErrIncomplete) {
				t.Fatalf("Sweep error = %v, want incomplete", err)
			}
			if bot.ProviderOf(err) != string(tt.source) || bot.KindOf(err) != bot.Unavailable {
				t.Errorf("error %v: provider %q kind %v, want %s unavailable", err, bot.ProviderOf(err), bot.KindOf(err), tt.source)
			}
			f := r.Failed()
			if len(f) != 1 || f[0].Source != tt.source || f[0].Pages != tt.pages || f[0].Records != tt.records {
				t.Fatalf("failed = %+v, want %s after %d pages, %d records", f, tt.source, tt.pages, tt.records)
			}
			if _, err := coherence.PlanFix(&r, e.Config); bot.KindOf(err) != bot.Invalid ||
				!strings.Contains(err.Error(), tt.source.Label()) {
				t.Errorf("PlanFix = %v, want a refusal naming %s", err, tt.source.Label())
			}
		})
	}
}

// TestMemberConstantRequests counts the requests of a one-person check at
// 10 and at 1000 members: the same.
func TestMemberConstantRequests(t *testing.T) {
	count := func(n int, query string) int64 {
		e := start(t)
		e.Generate(n)
		d0, b0, w0 := e.Requests()
		if _, err := e.Checker().Member(t.Context(), query); err != nil {
			t.Fatalf("Member(%q) at %d members: %v", query, n, err)
		}
		d, b, w := e.Requests()
		return d - d0 + b - b0 + w - w0
	}
	for _, q := range []string{"membre0000000@exemple.fr", "1", "personne@exemple.fr"} {
		small, large := count(10, q), count(1000, q)
		if small != large || small > 4 {
			t.Errorf("Member(%q): %d requests at 10 members, %d at 1000; want the same, at most 4", q, small, large)
		}
	}
}
