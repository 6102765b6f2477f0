package cpanel_test

import (
	"fmt"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

// BenchmarkMailboxes lists an account of 500 mailboxes (a few hundred
// delegates and the board) in one call over loopback, decoding included.
func BenchmarkMailboxes(b *testing.B) {
	srv := cpaneltest.New(user, token)
	defer srv.Close()
	for i := range 500 {
		srv.AddMailbox(fmt.Sprintf("delegue%03d@anopex.test", i), 1024, float64(i))
	}
	c := newClient(b, srv.URL(), user, bot.NewSecret(token), srv.Client(), zerolog.Nop())
	b.ReportAllocs()
	for b.Loop() {
		if m, err := c.Mailboxes(b.Context()); err != nil || len(m) != 500 {
			b.Fatal(len(m), err)
		}
	}
}

// BenchmarkSetPassword is one password change: a form POST and the fake's
// strength check.
func BenchmarkSetPassword(b *testing.B) {
	srv := cpaneltest.New(user, token)
	defer srv.Close()
	srv.SeedDemo()
	c := newClient(b, srv.URL(), user, bot.NewSecret(token), srv.Client(), zerolog.Nop())
	pw, _ := bot.NewPassword()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.SetPassword(b.Context(), "delegue75@anopex.test", pw); err != nil {
			b.Fatal(err)
		}
	}
}
