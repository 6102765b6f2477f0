package mailer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/mailer/mailertest"
	"github.com/anopex/opsbot/bot"
)

const password = "smtp-pass-Xk7!pQ2m"

var now = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*mailer.Client, *mailertest.Server) {
	t.Helper()
	srv := mailertest.New("opsbot@anopex.test", password)
	t.Cleanup(srv.Close)
	return client(t, srv, password), srv
}

func client(t *testing.T, srv *mailertest.Server, pass string) *mailer.Client {
	t.Helper()
	c, err := mailer.New(mailer.Options{Host: srv.Host(), Port: srv.Port(), Username: "opsbot@anopex.test", From: "opsbot@anopex.test",
		FromName: "Anopex — opsbot", TLSConfig: srv.TLSConfig(), Timeout: 5 * time.Second, Now: func() time.Time { return now },
		Password: bot.NewSecret(pass)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSend(t *testing.T) {
	c, srv := setup(t)
	body := "Bonjour,\n\nle certificat de mail.anopex.test expire le 1er décembre.\nMerci d'avance — l'équipe.\n" + strings.Repeat("ligne longue ", 20)
	id, err := c.Send(t.Context(), bot.Email{
		To: []string{"Support@PlanetHoster.test"}, Cc: []string{"tresoriere@anopex.test"},
		Subject: "Certificat expiré : « mail.anopex.test »", Body: body,
		InReplyTo: "a1@anopex.test", References: []string{"a0@anopex.test", "a1@anopex.test"},
	})
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	got := map[string]any{"from": m.From, "to": m.To, "subject": m.Subject, "id": m.MessageID, "in-reply-to": m.InReplyTo,
		"references": m.References, "body": strings.TrimRight(m.Body, "\n"), "header from": fromHeader(t, m)}
	want := map[string]any{"from": "opsbot@anopex.test", "to": []string{"support@planethoster.test", "tresoriere@anopex.test"},
		"subject": "Certificat expiré : « mail.anopex.test »", "id": id, "in-reply-to": "a1@anopex.test",
		"references": "<a0@anopex.test> <a1@anopex.test>", "body": strings.TrimRight(body, "\n"),
		"header from": "Anopex — opsbot <opsbot@anopex.test>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received message (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(id, "@anopex.test") {
		t.Errorf("Message-ID %q is not on the association's domain", id)
	}
	if m.Line() != "mail to support@planethoster.test, tresoriere@anopex.test: Certificat expiré : « mail.anopex.test »" {
		t.Errorf("Line() = %q", m.Line())
	}
}

func TestSendKeepsGivenMessageID(t *testing.T) {
	c, srv := setup(t)
	id, err := c.Send(t.Context(), bot.Email{To: []string{"cf2d@cf2d.test"}, Subject: "x", Body: "y", MessageID: "fixed.1@anopex.test"})
	if err != nil || id != "fixed.1@anopex.test" || srv.Messages()[0].MessageID != id {
		t.Errorf("Send = %q, %v; want the given Message-ID sent", id, err)
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(srv *mailertest.Server)
		pass    string
		email   bot.Email
		want    bot.Kind
		conns   int // TCP connections opened, -1: not checked
	}{
		{name: "wrong password", pass: "wrong-Pa55word", want: bot.Denied, conns: 1},
		{name: "recipient refused for good", prepare: func(s *mailertest.Server) { s.RejectNext("rcpt", 1, 550, "No such user") }, want: bot.Invalid, conns: 1},
		{name: "recipient deferred", prepare: func(s *mailertest.Server) { s.RejectNext("rcpt", 1, 451, "Try again later") }, want: bot.Unavailable, conns: 1},
		{name: "message refused", prepare: func(s *mailertest.Server) { s.RejectNext("data", 1, 554, "Spam") }, want: bot.Invalid, conns: 1},
		{name: "sender deferred", prepare: func(s *mailertest.Server) { s.RejectNext("mail", 1, 421, "Busy") }, want: bot.Unavailable, conns: 1},
		{name: "server down", prepare: func(s *mailertest.Server) { s.Close() }, want: bot.Unavailable, conns: -1},
		{name: "header injection in subject", email: bot.Email{Subject: "Salut\r\nBcc: victime@example.test"}, want: bot.Invalid, conns: 0},
		{name: "newline in subject", email: bot.Email{Subject: "Ligne 1\nLigne 2"}, want: bot.Invalid, conns: 0},
		{name: "bad recipient", email: bot.Email{To: []string{"pas une adresse"}}, want: bot.Invalid, conns: 0},
		{name: "no recipient", email: bot.Email{To: []string{}}, want: bot.Invalid, conns: 0},
		{name: "malformed in-reply-to", email: bot.Email{InReplyTo: "a@b>\r\nBcc: x@y"}, want: bot.Invalid, conns: 0},
		{name: "malformed reference", email: bot.Email{References: []string{"no-at-sign"}}, want: bot.Invalid, conns: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.New("opsbot@anopex.test", password)
			t.Cleanup(srv.Close)
			if tt.prepare != nil {
				tt.prepare(srv)
			}
			pass := password
			if tt.pass != "" {
				pass = tt.pass
			}
			e := bot.Email{To: []string{"support@planethoster.test"}, Subject: "Sujet", Body: "Corps"}
			if tt.email.Subject != "" {
				e.Subject = tt.email.Subject
			}
			if tt.email.To != nil {
				e.To = tt.email.To
			}
			e.InReplyTo, e.References = tt.email.InReplyTo, tt.email.References
			_, err := client(t, srv, pass).Send(t.Context(), e)
			if bot.KindOf(err) != tt.want {
				t.Fatalf("Send = %v (kind %v), want kind %v", err, bot.KindOf(err), tt.want)
			}
			if strings.Contains(err.Error(), pass) {
				t.Errorf("error %q holds the password", err)
			}
			if tt.conns >= 0 && srv.Connections() != tt.conns {
				t.Errorf("sessions = %d, want %d (writes are never retried; bad input never connects)", srv.Connections(), tt.conns)
			}
			if len(srv.Messages()) != 0 {
				t.Errorf("server accepted %d messages, want none", len(srv.Messages()))
			}
		})
	}
}

// Without TLS the server does not offer AUTH: the client must not send the
// password in clear, and says the server refused.
func TestNoTLSNoAuth(t *testing.T) {
	srv := mailertest.New("opsbot@anopex.test", password)
	t.Cleanup(srv.Close)
	c, err := mailer.New(mailer.Options{Host: srv.Host(), Port: srv.Port(), Username: "opsbot@anopex.test", From: "opsbot@anopex.test", TLS: "none",
		Password: bot.NewSecret(password)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(t.Context(), bot.Email{To: []string{"a@b.test"}, Subject: "x", Body: "y"}); bot.KindOf(err) != bot.Denied {
		t.Errorf("Send without TLS = %v, want kind denied", err)
	}
}

func TestCheck(t *testing.T) {
	c, srv := setup(t)
	if err := c.Check(t.Context()); err != nil {
		t.Errorf("Check = %v, want nil", err)
	}
	if err := client(t, srv, "nope").Check(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Check with a wrong password = %v, want kind denied", err)
	}
}

func TestCanceledContext(t *testing.T) {
	c, _ := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Send(ctx, bot.Email{To: []string{"a@b.test"}, Subject: "x", Body: "y"}); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Send with a canceled context = %v, want kind unavailable", err)
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, s := range []mailer.Options{
		{From: "opsbot@anopex.test"},
		{Host: "smtp.anopex.test", From: "pas une adresse"},
		{Host: "smtp.anopex.test", From: "opsbot@anopex.test", TLS: "none"},
		{Host: "smtp.anopex.test", From: "opsbot@anopex.test", TLS: "ssl3"},
		{Host: "smtp.anopex.test", From: "opsbot@anopex.test", FromName: "a\r\nBcc: x"},
	} {
		if _, err := mailer.New(s); err == nil {
			t.Errorf("New(%+v) = nil error, want one", s)
		}
	}
}

// fromHeader decodes the From header as a mail client shows it.
func fromHeader(t *testing.T, m mailertest.Message) string {
	t.Helper()
	list, err := m.Header.AddressList("From")
	if err != nil || len(list) != 1 {
		t.Fatalf("From header %q: %v", m.Header.Get("From"), err)
	}
	return list[0].Name + " <" + list[0].Address + ">"
}

// Failures only a setting fixes say which, never "does not answer".
func TestSettingErrors(t *testing.T) {
	srv := mailertest.New("opsbot@anopex.test", password)
	t.Cleanup(srv.Close)
	opts := func(o mailer.Options) mailer.Options {
		o.Host, o.Port, o.Username, o.From, o.Timeout = srv.Host(), srv.Port(), "opsbot@anopex.test", "opsbot@anopex.test", 5*time.Second
		if o.Password.Empty() {
			o.Password = bot.NewSecret(password)
		}
		return o
	}
	tests := []struct {
		name string
		o    mailer.Options
		says string
	}{
		{"wrong password", mailer.Options{Password: bot.NewSecret("wrong-Pa55"), TLSConfig: srv.TLSConfig()}, "smtp.user et smtp.password"},
		{"tls none to a server that wants STARTTLS", mailer.Options{TLS: "none"}, "mettez smtp.tls à starttls"},
		{"certificate not trusted", mailer.Options{}, "smtp.ca_file"},
		{"implicit tls to a STARTTLS port", mailer.Options{TLS: "tls", TLSConfig: srv.TLSConfig()}, "commence en clair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mailer.New(opts(tt.o))
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range []error{c.Check(t.Context()), func() error {
				_, err := c.Send(t.Context(), bot.Email{To: []string{"a@b.test"}, Subject: "x", Body: "y"})
				return err
			}()} {
				text := bot.ErrorText(bot.FR, err, "r")
				if bot.KindOf(err) != bot.Denied || !strings.Contains(text, tt.says) || strings.Contains(err.Error(), password) {
					t.Errorf("error %v reads %q; want denied saying %q", err, text, tt.says)
				}
			}
		})
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("%d messages accepted, want none", len(srv.Messages()))
	}
}

// smtp.ca_file trusts a private authority; Reply-To goes to a person.
func TestCAFileAndReplyTo(t *testing.T) {
	srv := mailertest.New("opsbot@anopex.test", password)
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := mailer.New(mailer.Options{Host: srv.Host(), Port: srv.Port(), Username: "opsbot@anopex.test", Password: bot.NewSecret(password),
		From: "opsbot@anopex.test", CAFile: ca, ReplyTo: "SysAdmin@anopex.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(t.Context(), bot.Email{To: []string{"a@b.test"}, Subject: "x", Body: "y"}); err != nil {
		t.Fatalf("Send with ca_file = %v", err)
	}
	if got := srv.Messages()[0].Header.Get("Reply-To"); got != "<sysadmin@anopex.test>" {
		t.Errorf("Reply-To = %q, want <sysadmin@anopex.test>", got)
	}
	if _, err := mailer.New(mailer.Options{Host: "smtp.anopex.test", From: "a@anopex.test", CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Error("New with a missing ca_file: no error")
	}
}
