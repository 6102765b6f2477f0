package demo

import (
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/brevo/brevotest"
	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// The fakes' credentials (test values, not secrets).
const (
	DolibarrKey = "dolibarr-test-key"
	BrevoKey    = "xkeysib-test-key"
	WPUser      = "opsbot"
	WPPassword  = "abcd efgh ijkl mnop qrst uvwx"
)

// Env is the three fakes with a real client on each.
type Env struct {
	Dolibarr  *dolibarrtest.Server
	Brevo     *brevotest.Server
	WordPress *wordpresstest.Server
	Members   *dolibarr.Client
	Contacts  *brevo.Client
	WPClient  *wordpress.Client
	Config    coherence.Config
	Now       time.Time
}

// Start starts the three fakes on loopback and a client on each (Brevo
// unpaced, as against a fake: the fake's bucket still answers 429 when
// exhausted). The clock of the fakes and clients is now.
func Start(now time.Time) *Env {
	e := &Env{Now: now}
	clock := func() time.Time { return now }
	e.Dolibarr = dolibarrtest.New(DolibarrKey)
	e.Dolibarr.SetClock(clock)
	e.Brevo = brevotest.New(BrevoKey)
	e.Brevo.SetClock(clock)
	e.Brevo.SetRateLimit(1<<30, time.Hour)
	e.WordPress = wordpresstest.New(WPUser, WPPassword)
	hc := &http.Client{Timeout: 30 * time.Second}
	log := zerolog.Nop()
	e.Members = must(dolibarr.New(dolibarr.Options{URL: e.Dolibarr.URL(), Key: bot.NewSecret(DolibarrKey), HTTPClient: hc, Log: log, Now: clock}))
	e.Contacts = must(brevo.New(brevo.Options{URL: e.Brevo.URL(), Key: bot.NewSecret(BrevoKey), HTTPClient: hc, Log: log, RatePerSecond: -1}))
	e.WPClient = must(wordpress.New(wordpress.Options{URL: e.WordPress.URL(), User: WPUser, AppPassword: bot.NewSecret(WPPassword), HTTPClient: hc, Log: log}))
	return e
}

// must returns c; the options given above are valid, so err is never set.
func must[C any](c C, err error) C {
	if err != nil {
		panic(err)
	}
	return c
}

// Close stops the fakes.
func (e *Env) Close() {
	e.Dolibarr.Close()
	e.Brevo.Close()
	e.WordPress.Close()
}

// Checker returns a coherence checker on the clients.
func (e *Env) Checker() *coherence.Checker {
	return coherence.New(coherence.Sources{Members: e.Members, Contacts: e.Contacts, WordPress: e.WPClient}, e.Config, func() time.Time { return e.Now })
}
