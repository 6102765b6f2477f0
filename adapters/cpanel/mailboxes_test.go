package cpanel_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

func small(s *cpaneltest.Server) {
	s.AddMailbox("jeanne@asso-exemple.fr", 1024, 460)
	s.AddMailbox("contact@asso-exemple.fr", 0, 12.5)
	s.AddMailbox("tresorier@asso-exemple.fr", 512, 501.25)
	s.SetSuspended("tresorier@asso-exemple.fr", true, false)
	s.AddMailbox("info@autre.test", 256, 0)
}

func TestMailboxes(t *testing.T) {
	c, _ := setup(t, small)
	got, err := c.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Mailbox{
		{Address: "contact@asso-exemple.fr", QuotaMB: 0, UsedMB: 12.5},
		{Address: "info@autre.test", QuotaMB: 256},
		{Address: "jeanne@asso-exemple.fr", QuotaMB: 1024, UsedMB: 460},
		{Address: "tresorier@asso-exemple.fr", QuotaMB: 512, UsedMB: 501.25, SuspendedLogin: true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Mailboxes (-want +got):\n%s", d)
	}
}

func TestMailboxesDemo(t *testing.T) {
	c, _ := setup(t, nil)
	got, err := c.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 20 {
		t.Errorf("%d mailboxes, want at least 20", len(got))
	}
	full := 0
	seen := map[string]bool{}
	for _, m := range got {
		seen[m.Address] = true
		if m.UsedPercent() > 90 {
			full++
		}
	}
	for _, a := range []string{"delegue75@anopex.test", "tresoriere@anopex.test", "president@anopex.test", "sysadmin@anopex.test", "ca-membre@anopex.test"} {
		if !seen[a] {
			t.Errorf("demo lacks %s", a)
		}
	}
	if full != 1 {
		t.Errorf("%d mailboxes over 90 %%, want 1", full)
	}
}

func TestMailbox(t *testing.T) {
	c, _ := setup(t, small)
	tests := []struct {
		name, addr string
		want       bot.Mailbox
		kind       bot.Kind
	}{
		{"found", "jeanne@asso-exemple.fr", bot.Mailbox{Address: "jeanne@asso-exemple.fr", QuotaMB: 1024, UsedMB: 460}, 0},
		{"upper case", " Jeanne@Asso-Exemple.FR", bot.Mailbox{Address: "jeanne@asso-exemple.fr", QuotaMB: 1024, UsedMB: 460}, 0},
		{"unknown", "pierre@asso-exemple.fr", bot.Mailbox{}, bot.NotFound},
		{"other domain", "jeanne@autre.test", bot.Mailbox{}, bot.NotFound},
		{"no domain", "jeanne", bot.Mailbox{}, bot.Invalid},
		{"no local part", "@asso-exemple.fr", bot.Mailbox{}, bot.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Mailbox(t.Context(), tt.addr)
			if tt.kind != 0 {
				wantKind(t, "Mailbox", err, tt.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Mailbox(%q) (-want +got):\n%s", tt.addr, d)
			}
		})
	}
}

// TestMailboxesFlexibleFields decodes the odd shapes of reference §4.2: a
// quota that is a number, "unlimited" or "∞", _diskquota 0 for unlimited,
// a float or string usage, scientific notation, and the main account.
func TestMailboxesFlexibleFields(t *testing.T) {
	const body = `{"status":1,"errors":null,"warnings":null,"messages":null,"metadata":{"transformed":1},"data":[
	 {"email":"assoex","login":"Main Account","suspended_incoming":0,"suspended_login":0},
	 {"email":"contact@asso-exemple.fr","login":"contact@asso-exemple.fr","user":"contact","domain":"asso-exemple.fr",
	  "_diskquota":1073741824,"_diskused":482344960,"diskquota":1024,"diskused":460.0,"diskusedpercent":45,
	  "diskusedpercent_float":44.92,"humandiskquota":"1 GB","txtdiskquota":1024,"suspended_incoming":0,"suspended_login":1,"suspended_outgoing":0},
	 {"email":"a@asso-exemple.fr","_diskquota":0,"diskquota":"unlimited","diskused":"12.5","humandiskquota":"None","suspended_login":"0"},
	 {"email":"b@asso-exemple.fr","diskquota":"∞","diskused":3.2e2,"diskusedpercent_float":"1.5e1","suspended_incoming":"1"},
	 {"email":"c@asso-exemple.fr","diskquota":"2048","_diskused":1048576,"suspended_login":true},
	 {"email":"","user":"d","domain":"asso-exemple.fr","diskquota":"<img src=infinity.png>","diskused":null},
	 {"email":"e@asso-exemple.fr","_diskquota":"524288000","diskused":-1,"diskquota":{"weird":1}}
	]}`
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	got, err := c.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Mailbox{
		{Address: "a@asso-exemple.fr", UsedMB: 12.5},
		{Address: "b@asso-exemple.fr", UsedMB: 320, SuspendedIncoming: true},
		{Address: "c@asso-exemple.fr", QuotaMB: 2048, UsedMB: 1, SuspendedLogin: true},
		{Address: "contact@asso-exemple.fr", QuotaMB: 1024, UsedMB: 460, SuspendedLogin: true},
		{Address: "d@asso-exemple.fr"},
		{Address: "e@asso-exemple.fr", QuotaMB: 500},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Mailboxes (-want +got):\n%s", d)
	}
}

func TestCreateMailbox(t *testing.T) {
	c, srv := setup(t, small)
	pw, err := bot.NewPassword()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateMailbox(t.Context(), "Pierre@Asso-Exemple.fr", pw, 768); err != nil {
		t.Fatalf("CreateMailbox: %v", err)
	}
	if got := srv.Password("pierre@asso-exemple.fr"); got != pw.Reveal() {
		t.Error("the new mailbox does not have the given password")
	}
	got, err := c.Mailbox(t.Context(), "pierre@asso-exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(bot.Mailbox{Address: "pierre@asso-exemple.fr", QuotaMB: 768}, got); d != "" {
		t.Errorf("created mailbox (-want +got):\n%s", d)
	}
	if err := c.CreateMailbox(t.Context(), "illimite@asso-exemple.fr", pw, 0); err != nil {
		t.Fatalf("CreateMailbox unlimited: %v", err)
	}
	if m, err := c.Mailbox(t.Context(), "illimite@asso-exemple.fr"); err != nil || m.QuotaMB != 0 {
		t.Errorf("Mailbox = quota %d, %v; want 0 (unlimited), no error", m.QuotaMB, err)
	}

	tests := []struct {
		name, addr string
		pw         bot.Secret
		want       bot.Kind
	}{
		{"exists", "jeanne@asso-exemple.fr", pw, bot.Conflict},
		{"weak password", "paul@asso-exemple.fr", bot.NewSecret("azerty12"), bot.Invalid},
		{"empty password", "paul@asso-exemple.fr", bot.NewSecret(""), bot.Invalid},
		{"domain of another account", "paul@ailleurs.test", pw, bot.Invalid},
		{"bad local part", "pa ul@asso-exemple.fr", pw, bot.Invalid},
		{"no domain", "paul", pw, bot.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantKind(t, "CreateMailbox", c.CreateMailbox(t.Context(), tt.addr, tt.pw, 512), tt.want)
		})
	}
	if n := len(srv.Mailboxes()); n != 6 {
		t.Errorf("%d mailboxes after the refusals, want 6", n)
	}
}

func TestSetPassword(t *testing.T) {
	c, srv := setup(t, nil)
	const addr = "delegue75@anopex.test"
	for range 20 { // every generated password passes the server's check
		pw, err := bot.NewPassword()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SetPassword(t.Context(), addr, pw); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if srv.Password(addr) != pw.Reveal() {
			t.Fatal("the password did not change")
		}
	}
	before := srv.Password(addr)
	wantKind(t, "weak", c.SetPassword(t.Context(), addr, bot.NewSecret("delegue75")), bot.Invalid)
	if srv.Password(addr) != before {
		t.Error("a refused password was stored")
	}
	pw, _ := bot.NewPassword()
	wantKind(t, "unknown", c.SetPassword(t.Context(), "personne@anopex.test", pw), bot.NotFound)
	wantKind(t, "no domain", c.SetPassword(t.Context(), "delegue75", pw), bot.Invalid)
}

func TestDeleteMailbox(t *testing.T) {
	c, srv := setup(t, small)
	if err := c.DeleteMailbox(t.Context(), "jeanne@asso-exemple.fr"); err != nil {
		t.Fatal(err)
	}
	for _, m := range srv.Mailboxes() {
		if m.Address == "jeanne@asso-exemple.fr" {
			t.Fatal("the mailbox is still there")
		}
	}
	wantKind(t, "again", c.DeleteMailbox(t.Context(), "jeanne@asso-exemple.fr"), bot.NotFound)
}

func TestSetQuota(t *testing.T) {
	c, _ := setup(t, small)
	tests := []struct {
		name, addr string
		quota      int
		kind       bot.Kind
	}{
		{"raise", "jeanne@asso-exemple.fr", 2048, 0},
		{"unlimited", "info@autre.test", 0, 0},
		{"from unlimited", "contact@asso-exemple.fr", 100, 0},
		{"unknown", "pierre@asso-exemple.fr", 100, bot.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.SetQuota(t.Context(), tt.addr, tt.quota)
			if tt.kind != 0 {
				wantKind(t, "SetQuota", err, tt.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := c.Mailbox(t.Context(), tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if m.QuotaMB != tt.quota {
				t.Errorf("quota after SetQuota(%d) = %d", tt.quota, m.QuotaMB)
			}
		})
	}
}

func TestSuspendLogin(t *testing.T) {
	c, _ := setup(t, small)
	ctx := t.Context()
	const addr = "jeanne@asso-exemple.fr"
	state := func() bot.Mailbox {
		t.Helper()
		m, err := c.Mailbox(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if err := c.SuspendLogin(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if m := state(); !m.SuspendedLogin || m.SuspendedIncoming {
		t.Errorf("after SuspendLogin: %+v, want login suspended and mail still received", m)
	}
	if err := c.UnsuspendLogin(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if m := state(); m.SuspendedLogin {
		t.Errorf("after UnsuspendLogin: %+v", m)
	}
	wantKind(t, "SuspendLogin unknown", c.SuspendLogin(ctx, "x@asso-exemple.fr"), bot.NotFound)
	wantKind(t, "UnsuspendLogin unknown", c.UnsuspendLogin(ctx, "x@asso-exemple.fr"), bot.NotFound)
}

// The main account, which list_pops_with_disk names in email ("Main
// Account") with the account's user as login, is neither listed nor read
// as a mailbox.
func TestMainAccountIsNoMailbox(t *testing.T) {
	c, _ := setup(t, func(s *cpaneltest.Server) { s.AddMailbox("contact@anopex.test", 1024, 1) })
	boxes, err := c.Mailboxes(t.Context())
	if err != nil || len(boxes) != 1 || boxes[0].Address != "contact@anopex.test" {
		t.Errorf("Mailboxes = %v, %v; want contact@ alone", boxes, err)
	}
	if m, err := c.Mailbox(t.Context(), user+"@anopex.test"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Mailbox(main account) = %v, %v; want not found", m, err)
	}
}

// A disabled feature or server role and a quota above the account's
// maximum each read their own sentence, not the kind's generic one.
func TestExplainedErrors(t *testing.T) {
	c, srv := setup(t, func(s *cpaneltest.Server) { s.AddMailbox("contact@anopex.test", 1024, 1) })
	srv.SetMaxQuota(2048)
	srv.Disable("Email/passwd_pop", "popaccts")
	srv.Disable("Email/suspend_login", "")
	tests := []struct {
		name string
		call func() error
		kind bot.Kind
		says string
	}{
		{"feature", func() error {
			return c.SetPassword(t.Context(), "contact@anopex.test", bot.NewSecret("Gr4nd-Ciel-Bleu-2026!"))
		}, bot.Denied, "la fonction « popaccts » n'est pas activée"},
		{"role", func() error { return c.SuspendLogin(t.Context(), "contact@anopex.test") }, bot.Denied, "ce serveur n'offre pas cette fonction"},
		{"quota", func() error { return c.SetQuota(t.Context(), "contact@anopex.test", 4096) }, bot.Invalid, "dépasse le maximum par boîte"},
		{"unlimited", func() error { return c.SetQuota(t.Context(), "contact@anopex.test", 0) }, bot.Invalid, "dépasse le maximum par boîte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if bot.KindOf(err) != tt.kind || !strings.Contains(bot.ErrorText(bot.FR, err, "r"), tt.says) {
				t.Errorf("error %v reads %q; want %v saying %q", err, bot.ErrorText(bot.FR, err, "r"), tt.kind, tt.says)
			}
		})
	}
	if err := c.SetQuota(t.Context(), "contact@anopex.test", 2048); err != nil {
		t.Errorf("SetQuota(the maximum) = %v", err)
	}
	bad := newClient(t, srv.URL(), user, bot.NewSecret("WRONG"), srv.Client(), zerolog.Nop())
	err := bad.Check(t.Context())
	if text := bot.ErrorText(bot.FR, err, "r"); bot.KindOf(err) != bot.Denied || !strings.Contains(text, "jeton d'API") {
		t.Errorf("wrong token: %v reads %q", err, text)
	}
}
