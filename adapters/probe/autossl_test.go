package probe_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

type autoSSL struct {
	problems []bot.AutoSSLProblem
	err      error
}

func (a autoSSL) AutoSSLProblems(context.Context) ([]bot.AutoSSLProblem, error) {
	return a.problems, a.err
}
func (a autoSSL) AutoSSLRunning(context.Context) (bool, error) { return false, nil }
func (a autoSSL) StartAutoSSL(context.Context) error           { return nil }

func TestAutoSSL(t *testing.T) {
	at := time.Date(2026, 12, 1, 5, 30, 0, 0, time.UTC)
	log := autoSSL{problems: []bot.AutoSSLProblem{{Domain: "www.gestion.anopex.test", Problem: "DNS DCV: no local authority", Time: at}}}
	got, err := probe.NewAutoSSL(log, "ovh", probe.Options{}).Run(t.Context())
	want := []alerts.Alert{{Key: "autossl:ovh:www.gestion.anopex.test", Severity: alerts.Warning, Server: "ovh",
		Title:  "AutoSSL n'a pas pu renouveler le certificat de www.gestion.anopex.test (serveur ovh)",
		Detail: "cPanel, le 01/12/2026 05:30 : DNS DCV: no local authority\nUne fois la cause corrigée, /host ssl renew ovh relance le renouvellement."}}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("Run = %v (-want +got):\n%s", err, diff)
	}
	if got, _ := probe.NewAutoSSL(log, "", probe.Options{}).Run(t.Context()); len(got) != 1 || got[0].Key != "autossl:www.gestion.anopex.test" {
		t.Errorf("the only server's key = %+v", got)
	}
	if got, err := probe.NewAutoSSL(autoSSL{}, "ovh", probe.Options{}).Run(t.Context()); err != nil || len(got) != 0 {
		t.Errorf("an empty problems log = %v, %v", got, err)
	}
	if _, err := probe.NewAutoSSL(autoSSL{err: &bot.Error{Kind: bot.Denied}}, "", probe.Options{}).Run(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("a refused read = %v, want Denied", err)
	}
}
