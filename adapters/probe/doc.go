// Package probe holds the checks the alert scheduler runs (alerts.Check): TLS
// certificates, HTTP availability and latency, DNS records, mailbox quotas,
// hosting disk usage, unpaid invoices and outdated software. Each check returns the alerts of
// its keys that fire now; the life cycle in bot turns that into posts.
//
// Keys, one per thing watched, stable from one run to the next:
//
//	tls:HOST:PORT        certificate expiry (warning < 21 d, critical < 7 d), chain, host name, reachability
//	http:URL             availability (critical) and latency (warning)
//	dns:mx:DOMAIN        MX records must exist
//	dns:spf:DOMAIN       exactly one TXT "v=spf1 …" must exist
//	dns:dmarc:DOMAIN     a TXT "v=DMARC1 …" must exist at _dmarc.DOMAIN
//	dns:a:NAME, dns:aaaa:NAME   the addresses must be the configured ones
//	quota:ADDRESS        mailbox over its quota threshold (default 90 %)
//	disk:account         hosting account disk usage over its threshold (disk:SERVER with several)
//	drive:quota          Google Drive storage used over its threshold
//	autossl:DOMAIN       a domain of the AutoSSL problems log (autossl:SERVER:DOMAIN with several)
//	invoice:PROVIDER:ID  a bill with something left to pay
//	version:wordpress, version:plugin:SLUG, version:dolibarr   behind the latest release
//
// Network probes never raise an alert on one failure: a key that fails to
// answer is "held" (alerts.Alert.Hold: an open alert stays, none starts) until
// Options.Failures probes in a row failed. Titles are written in
// Options.Locale, the same locale as the alert posts.
package probe

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Options are shared by every check.
type Options struct {
	Locale   bot.Locale       // of the titles (default French)
	Now      func() time.Time // default time.Now
	Location *time.Location   // of the dates in titles (default UTC)
	// Failures is how many failed probes in a row of an endpoint raise its
	// availability alert (default 3).
	Failures int
}

func (o Options) defaults() Options {
	o.Locale = cmp.Or(o.Locale, bot.FR)
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Location = cmp.Or(o.Location, time.UTC)
	if o.Failures <= 0 {
		o.Failures = 3
	}
	return o
}

// date renders t for people: 05/03/2026 in French, 2026-03-05 in English.
func (o Options) date(t time.Time) string {
	return t.In(o.Location).Format(o.Locale.Pick("02/01/2006", "2006-01-02"))
}

// streaks counts the failures in a row of each key.
type streaks struct {
	mu sync.Mutex
	n  map[string]int
}

// fail records a failure of key and returns how many in a row.
func (s *streaks) fail(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int{}
	}
	s.n[key]++
	return s.n[key]
}

// ok records a success of key.
func (s *streaks) ok(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.n, key)
}

// collect runs probe(i) for i in [0, n) concurrently and returns the
// alerts they gave, in order.
func collect(n int, probe func(i int) *alerts.Alert) []alerts.Alert {
	got := make([]*alerts.Alert, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i] = probe(i) })
	}
	wg.Wait()
	var out []alerts.Alert
	for _, a := range got {
		if a != nil {
			out = append(out, *a)
		}
	}
	return out
}

// check is an alerts.Check made of its name and its run.
type check struct {
	name string
	run  func(ctx context.Context) ([]alerts.Alert, error)
}

func (c check) Name() string                                    { return c.name }
func (c check) Run(ctx context.Context) ([]alerts.Alert, error) { return c.run(ctx) }

// reading is the check name that reads a list and raises, for each item,
// the alert alert gives (nil: none). A read error fails the run (its kind is
// the provider's) and leaves the check's alerts as they are.
func reading[T any](name string, read func(ctx context.Context) ([]T, error), alert func(T) *alerts.Alert) alerts.Check {
	return check{name, func(ctx context.Context) ([]alerts.Alert, error) {
		items, err := read(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s check: %w", name, err)
		}
		var out []alerts.Alert
		for _, it := range items {
			if a := alert(it); a != nil {
				out = append(out, *a)
			}
		}
		return out, nil
	}}
}
