package demo

import (
	"fmt"
	"net/http"
	"time"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// This file is the benchmark's and the tests' part of the package: the
// generated association and the production-paced checker.

// PacedChecker is Checker with a Brevo client paced as in production
// (brevo.DefaultRatePerSecond requests a second), for the sweep benchmark.
func (e *Env) PacedChecker() *coherence.Checker {
	paced := must(brevo.New(brevo.Options{URL: e.Brevo.URL(), Key: bot.NewSecret(BrevoKey), HTTPClient: &http.Client{Timeout: 30 * time.Second}}))
	return coherence.New(coherence.Sources{Members: e.Members, Contacts: paced, WordPress: e.WPClient}, e.Config, func() time.Time { return e.Now })
}

// Requests returns the requests the three fakes have received so far.
func (e *Env) Requests() (dolibarr, brevo, wordpress int64) {
	return e.Dolibarr.Requests(), e.Brevo.Requests(), e.WordPress.Requests()
}

// Generate seeds n member records for the benchmarks, relative to now,
// with the contacts and website accounts that go with them: every tenth
// person has a WordPress account, and one person in twenty is a finding
// (resigned but still in the list, missing from it, blacklisted, sharing
// an address with the previous record, or named differently in Brevo).
// It adds the newsletter list and keeps the matching configuration.
func (e *Env) Generate(n int) {
	now := e.Now
	list := e.Brevo.AddList("Lettre d'information des adhérents")
	up := now.AddDate(0, 6, 0)
	people := make([]person, n)
	for i := range people {
		p := &people[i]
		*p = person{first: demoFirst[i%len(demoFirst)], last: demoLast[(i/len(demoFirst))%len(demoLast)],
			email: fmt.Sprintf("membre%07d@exemple.fr", i), end: up, contact: 1}
		if i%10 == 0 {
			p.wpRole = "adherent"
		}
		switch i % 100 {
		case 11, 31, 51, 71, 91:
			p.status, p.end = "resiliated", now.AddDate(-1, 0, 0)
		case 12, 32, 52, 72, 92:
			p.contact = 0
		case 13, 53:
			p.contact = 3
		case 14, 54, 94:
			p.email = people[i-1].email
		case 15, 35, 55, 75:
			p.contactLast = "Autrenom"
		}
	}
	e.seed(list, people)
}
