package commands

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/mailer/mailertest"
	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/testlog"
	"github.com/anopex/opsbot/storage"
)

var hostingNow = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

// hostWorld is an engine with the hosting families on the fakes: cPanel,
// OVH, an SMTP sink, and a real store.
type hostWorld struct {
	engine *bot.Engine
	policy *bot.Policy
	store  *storage.DB
	chat   *bottest.Chat
	sess   *bottest.Session
	cp     *cpaneltest.Server
	ovh    *ovhtest.Server
	smtp   *mailertest.Server
	alerts *alerts.Cycle // on the same chat and store, its 🎫 turned into tickets by hostTicketRules
	clock  *testlog.Clock
}

// hostTicketRules are the alerts.tickets of the tests: the OVH server's
// site to OVH, the rest of the PlanetHoster server to PlanetHoster,
// WordPress to CF2D.
var hostTicketRules = []TicketRule{{Check: "http", Server: "ovh", To: "ovh"}, {Server: "planethoster", To: "planethoster"}, {Key: "wp:", To: "cf2d"}}

var hostPeople = map[bot.Role]string{bot.Admin: "u-admin", bot.Board: "u-board", bot.Delegate: "u-delegate", bot.Treasurer: "u-treasurer", bot.President: "u-president"}

// newHostWorld is the hosting families on their fakes; without pay, the
// account's only payment method has expired.
func newHostWorld(t *testing.T, approvals map[string]int, pay bool) *hostWorld {
	t.Helper()
	return newHostWorldWith(t, approvals, pay, nil)
}

// newHostWorldWith is newHostWorld with the host commands' Hosting changed
// by edit first (nil: as it is).
func newHostWorldWith(t *testing.T, approvals map[string]int, pay bool, edit func(w *hostWorld, h *Hosting)) *hostWorld {
	t.Helper()
	var members []bot.Member
	for r, id := range hostPeople {
		members = append(members, bot.Member{Name: "N-" + string(r), Roles: []bot.Role{r}, IDs: map[string]string{"test": id}})
	}
	policy, err := bot.NewPolicy(members, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &hostWorld{policy: policy, store: db, chat: &bottest.Chat{},
		cp: cpaneltest.New("anopex", "tok"), ovh: ovhtest.New(ovhtest.DemoAppKey, ovhtest.DemoAppSecret, ovhtest.DemoConsumerKey),
		smtp: mailertest.New("opsbot@anopex.test", "smtp-pw")}
	t.Cleanup(w.cp.Close)
	t.Cleanup(w.ovh.Close)
	t.Cleanup(w.smtp.Close)
	w.cp.SeedHostDemo("anopex.test", hostingNow)
	w.ovh.SetClock(func() time.Time { return hostingNow })
	w.ovh.SeedDemo()
	w.engine, err = bot.NewEngine(bot.EngineConfig{Chat: w.chat, Store: db, Policy: policy, Platform: "test",
		ApprovalsChannel: "approbations", Log: zerolog.Nop(), Approvals: approvals, Now: func() time.Time { return hostingNow }})
	if err != nil {
		t.Fatal(err)
	}
	cp := testCPanel(t, w.cp.URL())
	set := ovh.Options{Endpoint: w.ovh.URL(), AppKey: ovhtest.DemoAppKey, AppSecret: bot.NewSecret(ovhtest.DemoAppSecret),
		ConsumerKey: bot.NewSecret(ovhtest.DemoConsumerKey), HTTPClient: w.ovh.Client(), Product: "vps", Now: func() time.Time { return hostingNow }}
	if !pay {
		w.ovh.AddPaymentMethod(ovhtest.DemoPaymentID, "CREDIT_CARD", "4970********1234", "EXPIRED", true)
	}
	oc, err := ovh.New(set)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mailer.New(mailer.Options{Host: w.smtp.Host(), Port: w.smtp.Port(), Username: "opsbot@anopex.test", From: "opsbot@anopex.test",
		TLSConfig: w.smtp.TLSConfig(), Now: func() time.Time { return hostingNow }, Password: bot.NewSecret("smtp-pw")})
	if err != nil {
		t.Fatal(err)
	}
	ph := &mailer.Tickets{Provider: "planethoster", Ref: "ph", From: "opsbot@anopex.test", To: "support@planethoster.test", Link: "https://my.planethoster.com",
		Mail: mc, Store: db, Now: func() time.Time { return hostingNow }}
	h := Hosting{Server: Server{Blocks: cp, Certs: cp, Zones: cp, Zone: "anopex.test"}, Now: func() time.Time { return hostingNow },
		Protected: []netip.Prefix{netip.MustParsePrefix("203.0.113.7/32"), netip.MustParsePrefix("198.51.100.0/24")}}
	if edit != nil {
		edit(w, &h)
	}
	var specs []bot.Spec
	specs = append(specs, hostCommands(h).specs()...)
	alarms := &AlertTickets{Rules: hostTicketRules}
	w.clock = testlog.NewClock(hostingNow)
	if w.alerts, err = alerts.NewCycle(alerts.CycleConfig{Chat: w.chat, Store: db, Channel: "alertes", Platform: "test", Now: w.clock.Now,
		Log: zerolog.Nop(), Ticket: alarms.Hook(w.engine, w.chat, bot.FR)}); err != nil {
		t.Fatal(err)
	}
	alarms.Links = w.alerts
	w.engine.Watch(w.alerts.React)
	desk, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: w.alerts, Now: w.clock.Now, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	specs = append(specs, alertCommands{desk: desk}.specs()...)
	specs = append(specs, ticketCommands{providers: map[string]bot.Tickets{"ovh": oc.Support, "planethoster": ph}, alarms: alarms}.specs()...)
	specs = append(specs, invoiceCommands{bills: oc.Billing, elsewhere: "https://my.planethoster.example"}.specs()...)
	specs = append(specs, evolutionCommands{Contractor: Contractor{Mail: mc, Store: db, To: "contact@cf2d.test", Cc: []string{"tresoriere@anopex.test"},
		From: "opsbot@anopex.test", Reference: "W751234567", Association: "Anopex", Now: func() time.Time { return hostingNow }}, engine: w.engine, alarms: alarms}.specs()...)
	if err := w.engine.Register(specs...); err != nil {
		t.Fatal(err)
	}
	w.sess = &bottest.Session{Engine: w.engine, Policy: policy, Chat: w.chat}
	return w
}

func (w *hostWorld) run(t *testing.T, user, line string) string {
	t.Helper()
	return w.sess.Text(t.Context(), user, line)
}

// latest returns the newest change request.
func (w *hostWorld) latest(t *testing.T) bot.ChangeRequest {
	t.Helper()
	crs, err := w.store.ListRequests(t.Context())
	if err != nil || len(crs) == 0 {
		t.Fatalf("no change request: %v", err)
	}
	return crs[0]
}

// react has user react ✅ on request cr and returns its state after.
func (w *hostWorld) react(t *testing.T, cr bot.ChangeRequest, p bot.Person) bot.State {
	t.Helper()
	w.sess.ReactAs(context.Background(), p, cr.MessageID, "✅")
	got, err := w.store.Request(t.Context(), cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.State
}

func (w *hostWorld) person(r bot.Role) bot.Person {
	return w.policy.Person("test", hostPeople[r], "", nil, false)
}

// request runs line as requester and returns the pending request it made.
func (w *hostWorld) request(t *testing.T, requester bot.Role, line string) bot.ChangeRequest {
	t.Helper()
	out := w.run(t, hostPeople[requester], line)
	cr := w.latest(t)
	if cr.State != bot.Pending || !strings.Contains(out, fmt.Sprintf("n°%d", cr.ID)) {
		t.Fatalf("%s: %q, request %+v; want a pending request", line, out, cr)
	}
	return cr
}

// A payment or a contractor request never runs without one of its
// approvers: every other role, the requester, a bot and a bridge without a
// user ID are tried first, and nothing is paid or sent until the treasurer
// or the president approves.
func TestFinancialNeedsTreasurerOrPresident(t *testing.T) {
	tests := []struct {
		name      string
		requester bot.Role
		line      string
		approver  bot.Role
		done      func(w *hostWorld) bool // whether the change happened
	}{
		{"invoice pay by admin, treasurer approves", bot.Admin, "invoice pay FR56098765", bot.Treasurer,
			func(w *hostWorld) bool { return w.ovh.Due(201250001) == 0 }},
		{"invoice pay by treasurer, president approves", bot.Treasurer, "invoice pay FR56098765", bot.President,
			func(w *hostWorld) bool { return w.ovh.Due(201250001) == 0 }},
		{"evolution by board, president approves", bot.Board, `evolution request "Export CSV" 1500 -- Un export CSV des adhérents.`, bot.President,
			func(w *hostWorld) bool { return len(w.smtp.Messages()) == 1 }},
		{"evolution by admin, treasurer approves", bot.Admin, `evolution request "Export CSV" -- Un export.`, bot.Treasurer,
			func(w *hostWorld) bool { return len(w.smtp.Messages()) == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newHostWorld(t, nil, true)
			cr := w.request(t, tt.requester, tt.line)
			if cr.Approvals != 1 || len(cr.Approvers) != 2 {
				t.Fatalf("request needs %d of %v, want 1 of treasurer or president", cr.Approvals, cr.Approvers)
			}
			others := []bot.Person{w.person(tt.requester), {ID: "b-1", Name: "bot", Roles: []bot.Role{bot.Treasurer}, Bot: true},
				{Name: "bridge", Roles: []bot.Role{bot.President}}}
			for _, r := range []bot.Role{bot.Admin, bot.Board, bot.Delegate} {
				others = append(others, w.person(r))
			}
			for _, p := range others {
				if st := w.react(t, cr, p); st != bot.Pending || tt.done(w) {
					t.Fatalf("after ✅ by %s (%v): state %s, done %v; want pending and nothing done", p.Name, p.Roles, st, tt.done(w))
				}
			}
			if st := w.react(t, cr, w.person(tt.approver)); st != bot.Done || !tt.done(w) {
				t.Fatalf("after ✅ by %s: state %s, done %v; want done", tt.approver, st, tt.done(w))
			}
		})
	}
}

// With two approvals configured, the treasurer alone is not enough, and a
// treasurer who requested the payment cannot supply the second vote.
func TestPaymentWithTwoApprovals(t *testing.T) {
	w := newHostWorld(t, map[string]int{"invoice pay": 2}, true)
	cr := w.request(t, bot.Admin, "invoice pay FR56098765")
	if cr.Approvals != 2 {
		t.Fatalf("approvals = %d, want 2", cr.Approvals)
	}
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Pending || w.ovh.Due(201250001) == 0 {
		t.Fatalf("after one approval: %s, want pending and unpaid", st)
	}
	if st := w.react(t, cr, w.person(bot.President)); st != bot.Done || w.ovh.Due(201250001) != 0 {
		t.Fatalf("after two approvals: %s, want done and paid", st)
	}

	w2 := newHostWorld(t, map[string]int{"invoice pay": 2}, true)
	cr = w2.request(t, bot.Treasurer, "invoice pay FR56098765")
	for _, p := range []bot.Person{w2.person(bot.Treasurer), w2.person(bot.President)} {
		w2.react(t, cr, p)
	}
	if got, _ := w2.store.Request(t.Context(), cr.ID); got.State != bot.Pending || w2.ovh.Due(201250001) == 0 {
		t.Errorf("treasurer's own request approved by the president only: %s, want still pending", got.State)
	}
}

// TestPaymentRefusedWhenPreviewDiffers: a payment runs only if the amount
// due is exactly what was approved ("1 14,39 €" approved does not cover
// "14,39 €" due, although one contains the other).
func TestPaymentRefusedWhenPreviewDiffers(t *testing.T) {
	w := newHostWorld(t, nil, true)
	cr := w.request(t, bot.Admin, "invoice pay FR56098765")
	if _, err := w.store.UpdateRequest(t.Context(), cr.ID, func(c *bot.ChangeRequest) error {
		c.Preview = strings.Replace(c.Preview, "14,39", "1 14,39", 1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Stale || w.ovh.Due(201250001) == 0 {
		t.Errorf("after approval of another amount: %s, due %d; want stale and unpaid", st, w.ovh.Due(201250001))
	}
}

// Without a valid means of payment there is nothing to approve: the
// order's link (which holds its password) reaches the requester privately
// with the amount due, and appears nowhere else.
func TestPaymentLinkOnlyInPrivate(t *testing.T) {
	w := newHostWorld(t, nil, false)
	out := w.run(t, hostPeople[bot.Admin], "invoice pay FR56099001") // the requester's own answer
	if !strings.Contains(out, "23,99 €") || !strings.Contains(out, "https://www.ovh.com/cgi-bin/order/display-order.cgi") {
		t.Errorf("answer %q lacks the amount due or the payment link", out)
	}
	if crs, _ := w.store.ListRequests(t.Context()); len(crs) != 0 {
		t.Errorf("requests %+v, want none: nothing to approve", crs)
	}
	audit, _ := w.store.Audit(t.Context(), 50)
	for where, s := range map[string]string{"posts": strings.Join(w.chat.Texts(bottest.Post), "\n"), "audit": fmt.Sprint(audit)} {
		if strings.Contains(s, "orderPassword") {
			t.Errorf("the payment link leaked into the %s", where)
		}
	}
}

// The means of payment is part of the approved request: when the account's
// default method changes after the preview, the payment does not run, and
// the stale outcome names neither link nor password.
func TestPaymentStaleWhenMethodChanges(t *testing.T) {
	for name, change := range map[string]func(w *hostWorld){
		"new default": func(w *hostWorld) { w.ovh.AddPaymentMethod(5151, "CREDIT_CARD", "5131********9876", "VALID", true) },
		"expired": func(w *hostWorld) {
			w.ovh.AddPaymentMethod(ovhtest.DemoPaymentID, "CREDIT_CARD", "4970********1234", "EXPIRED", true)
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := newHostWorld(t, nil, true)
			cr := w.request(t, bot.Admin, "invoice pay FR56098765")
			if !strings.Contains(cr.Preview, "carte 4970…1234") || !strings.Contains(cr.Preview, "14,39 €") {
				t.Errorf("preview %q does not name the card and the amount", cr.Preview)
			}
			change(w)
			if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Stale || w.ovh.Due(201250001) == 0 {
				t.Errorf("after the method changed: %s, due %d; want stale and unpaid", st, w.ovh.Due(201250001))
			}
			got, _ := w.store.Request(t.Context(), cr.ID)
			if strings.Contains(got.Outcome, "orderPassword") || strings.Contains(strings.Join(w.chat.Texts(bottest.Post), "\n"), "orderPassword") {
				t.Errorf("the payment link leaked into the stale outcome %q", got.Outcome)
			}
		})
	}
}

func TestIPBlockCommands(t *testing.T) {
	w := newHostWorld(t, nil, false)
	for _, tt := range []struct{ line, want string }{
		{"host ip block 203.0.113.0/24", "recouvre 203.0.113.7/32"},
		{"host ip block 198.51.100.23", "recouvre 198.51.100.0/24"},
		{"host ip block 10.0.0.0/8", "plage trop large"},
		{"host ip block 192.0.2.0/24", "déjà bloquée"},
		{"host ip unblock 192.0.2.99", "n'est pas bloquée"},
		{"host ip unblock 203.0.113.7", "n'est pas bloquée"}, // protected ranges are refused to block, not to unblock
		{"host ip block 192.0.2.10; rm -rf", "adresse IP invalide"},
	} {
		if got := w.run(t, "u-admin", tt.line); !strings.Contains(got, tt.want) {
			t.Errorf("%s = %q, want %q", tt.line, got, tt.want)
		}
	}
	if crs, _ := w.store.ListRequests(t.Context()); len(crs) != 0 {
		t.Fatalf("refused lines stored %d requests", len(crs))
	}
	cr := w.request(t, bot.Admin, "host ip block 2001:DB8:1::/48 scans répétés")
	if !strings.Contains(cr.Preview, "2001:db8:1::/48") || !strings.Contains(cr.Preview, "scans répétés") {
		t.Errorf("preview %q", cr.Preview)
	}
	w.react(t, cr, w.person(bot.Treasurer))
	if got := w.run(t, "u-board", "host ip list"); !strings.Contains(got, "2001:db8:1::/48") {
		t.Errorf("host ip list = %q", got)
	}
	cr = w.request(t, bot.Admin, "host ip unblock 192.0.2.0/24")
	if st := w.react(t, cr, w.person(bot.President)); st != bot.Done {
		t.Fatalf("unblock: %s", st)
	}
	if strings.Contains(strings.Join(w.cp.Blocked(), " "), "192.0.2.0/24") {
		t.Errorf("blocked = %q", w.cp.Blocked())
	}
}

// A preview names nothing that moves without this change: two blocks
// requested together both run, whichever is approved first, and so do two
// unblocks (the count of blocked addresses is not in the preview).
func TestIPBlocksRequestedTogetherBothRun(t *testing.T) {
	w := newHostWorld(t, nil, false)
	for _, lines := range [][2]string{
		{"host ip block 192.0.2.77", "host ip block 2001:db8:2::/48"},
		{"host ip unblock 192.0.2.77", "host ip unblock 2001:db8:2::/48"},
	} {
		first := w.request(t, bot.Admin, lines[0])
		second := w.request(t, bot.Admin, lines[1])
		if st := w.react(t, second, w.person(bot.Treasurer)); st != bot.Done {
			t.Fatalf("%s: state %s, want done", lines[1], st)
		}
		if st := w.react(t, first, w.person(bot.Treasurer)); st != bot.Done {
			got, _ := w.store.Request(t.Context(), first.ID)
			t.Fatalf("%s approved after %s: state %s (%s), want done", lines[0], lines[1], st, got.Outcome)
		}
	}
	if got := strings.Join(w.cp.Blocked(), " "); strings.Contains(got, "192.0.2.77") || strings.Contains(got, "2001:db8:2::") {
		t.Errorf("blocked = %q, want both unblocked again", got)
	}
}

func TestDNSCommands(t *testing.T) {
	w := newHostWorld(t, nil, false)
	cr := w.request(t, bot.Admin, `host dns set _dmarc TXT "v=DMARC1; p=reject" 1h`)
	want := "Zone anopex.test — _dmarc TXT\nAvant :\n  _dmarc 14400 TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@anopex.test\"\nAprès :\n  _dmarc 3600 TXT \"v=DMARC1; p=reject\""
	if cr.Preview != want {
		t.Errorf("preview:\n%s\nwant:\n%s", cr.Preview, want)
	}
	w.cp.BumpSerial("anopex.test") // an unrelated edit meanwhile: the serial moves, these records do not
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		got, _ := w.store.Request(t.Context(), cr.ID)
		t.Fatalf("state %s (%s), want done", st, got.Outcome)
	}
	if !strings.Contains(strings.Join(w.cp.ZoneRecords("anopex.test"), "\n"), "_dmarc.anopex.test. 3600 TXT v=DMARC1; p=reject") {
		t.Errorf("zone = %q", w.cp.ZoneRecords("anopex.test"))
	}

	// The records change between the request and its approval: nothing runs.
	cr = w.request(t, bot.Admin, `host dns set mail A 203.0.113.9`)
	other := w.request(t, bot.Admin, `host dns set mail A 203.0.113.10`)
	w.react(t, other, w.person(bot.President))
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Stale {
		t.Fatalf("stale request: state %s, want stale", st)
	}
	if got, _ := w.store.Request(t.Context(), cr.ID); !strings.Contains(got.Outcome, "Aperçu approuvé") || !strings.Contains(got.Outcome, "203.0.113.10") {
		t.Errorf("outcome %q, want the approved preview and today's", got.Outcome)
	}
	for _, tt := range []struct{ line, want string }{
		{`host dns set www TXT "a\"b"`, "guillemets"},
		{"host dns set @ CNAME autre.example.", "racine"},
		{"host dns set mail CNAME x.example.", "déjà des enregistrements A"},
		{"host dns set www NS ns.evil.example.", "non géré"},
		{"host dns delete absent A", "Aucun enregistrement"},
		{`host dns set 'w"w' A 1.2.3.4`, "nom DNS invalide"},
		{"host dns set mail A 203.0.113.10", "vaut déjà"},
	} {
		if got := w.run(t, "u-admin", tt.line); !strings.Contains(got, tt.want) {
			t.Errorf("%s = %q, want %q", tt.line, got, tt.want)
		}
	}
	if got := w.run(t, "u-board", "host dns list _dmarc"); !strings.Contains(got, `_dmarc 3600 TXT "v=DMARC1; p=reject"`) {
		t.Errorf("dns list = %q", got)
	}
}

func TestSSLCommand(t *testing.T) {
	w := newHostWorld(t, nil, false)
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	cp := testCPanel(t, w.cp.URL())
	h := Hosting{Server: Server{Certs: cp}, TLS: probe.Prober{Roots: pool, Timeout: 5 * time.Second}, Now: func() time.Time { return hostingNow },
		TLSHosts: []string{strings.TrimPrefix(ts.URL, "https://"), "127.0.0.1:1"}}
	out, err := hostCommands(h).ssl(t.Context(), bot.Call{Locale: bot.FR})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mail.anopex.test — ⚠️ expire le 10/12/2026 (dans 12 j)", "anopex.test — expire le 16/02/2027", "chaîne valide", "127.0.0.1:1 — ⚠️ injoignable"} {
		if !strings.Contains(out.Text, want) {
			t.Errorf("host ssl lacks %q:\n%s", want, out.Text)
		}
	}
}

func TestTicketCommands(t *testing.T) {
	w := newHostWorld(t, nil, false)
	cr := w.request(t, bot.Admin, "ticket open ovh Sauvegarde en échec -- Bonjour,\nla sauvegarde échoue.")
	if !strings.Contains(cr.Preview, "Objet : Sauvegarde en échec") {
		t.Errorf("preview %q", cr.Preview)
	}
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		t.Fatalf("open: %s", st)
	}
	got, _ := w.store.Request(t.Context(), cr.ID)
	ref := strings.Fields(strings.TrimPrefix(got.Outcome, "Ticket "))[0]
	if out := w.run(t, "u-board", "ticket list"); !strings.Contains(out, ref+" — 28/11/2026 — Sauvegarde en échec") || !strings.Contains(out, "OVH : 3 ticket(s)") {
		t.Errorf("ticket list = %q", out)
	}
	cr = w.request(t, bot.Admin, "ticket reply "+ref+" -- Merci pour votre retour.")
	w.react(t, cr, w.person(bot.President))
	if out := w.run(t, "u-treasurer", "ticket show "+ref); !strings.Contains(out, "Merci pour votre retour.") {
		t.Errorf("ticket show = %q", out)
	}

	cr = w.request(t, bot.Admin, "ticket open planethoster Certificat mail -- Le certificat de mail.anopex.test expire.")
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		t.Fatalf("open planethoster: %s", st)
	}
	msgs := w.smtp.Messages()
	if len(msgs) != 1 || msgs[0].Line() != "mail to support@planethoster.test: Certificat mail" || !strings.Contains(msgs[0].Body, "ph-1 ") {
		t.Fatalf("smtp got %+v", msgs)
	}
	if out := w.run(t, "u-admin", "ticket show ph-1"); !strings.Contains(out, "https://my.planethoster.com") {
		t.Errorf("ticket show ph-1 = %q", out)
	}
	// An e-mail refused for good: the ticket is listed as failed, and
	// /ticket resend (a change request) sends it once approved.
	w.smtp.RejectNext("rcpt", 1, 550, "Mailbox unavailable")
	cr = w.request(t, bot.Admin, "ticket open planethoster Sauvegardes -- Les sauvegardes manquent.")
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Failed {
		t.Fatalf("open planethoster with the mail refused: %s", st)
	}
	if out := w.run(t, "u-board", "ticket list planethoster"); !strings.Contains(out, "ph-2 — 28/11/2026 — Sauvegardes — envoi échoué : /ticket resend ph-2") {
		t.Errorf("ticket list with a failed ticket = %q", out)
	}
	if out := w.run(t, "u-admin", "ticket resend ph-1"); !strings.Contains(out, "rien à renvoyer") {
		t.Errorf("ticket resend of an open ticket = %q", out)
	}
	cr = w.request(t, bot.Admin, "ticket resend ph-2")
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		t.Fatalf("resend ph-2: %s", st)
	}
	if msgs := w.smtp.Messages(); len(msgs) != 2 || msgs[1].Subject != "Sauvegardes" || strings.Contains(w.run(t, "u-board", "ticket list"), "échoué") {
		t.Errorf("after the resend: %+v", msgs)
	}
	for _, tt := range []struct{ line, want string }{
		{"ticket show ovh-99", "pas de ticket"},
		{"ticket show aws-1", "numéro de ticket invalide"},
		{"ticket open ovh Sujet", "argument manquant : texte"},
		{"ticket open ovh -- texte", "argument manquant : objet"},
	} {
		if out := w.run(t, "u-admin", tt.line); !strings.Contains(out, tt.want) {
			t.Errorf("%s = %q, want %q", tt.line, out, tt.want)
		}
	}
}

func TestEvolutionLetter(t *testing.T) {
	w := newHostWorld(t, nil, false)
	cr := w.request(t, bot.Board, "evolution request \"Export CSV des adhérents\" -- Un export mensuel.\nbudget : 1 500 €")
	if !strings.Contains(cr.Preview, "Budget : 1 500,00 €") || strings.Contains(cr.Preview, "budget :") {
		t.Errorf("preview %q", cr.Preview)
	}
	if out := w.run(t, "u-treasurer", "evolution list"); !strings.Contains(out, "en attente d'approbation") {
		t.Errorf("evolution list while pending = %q", out)
	}
	w.react(t, cr, w.person(bot.Treasurer))
	msgs := w.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("smtp got %d messages", len(msgs))
	}
	m := msgs[0]
	for _, want := range []string{"référence W751234567", "Référence de la demande : EVO-1", "Date : 28/11/2026", "Demandée par : N-board",
		"Dépense approuvée par : N-treasurer, le 28/11/2026", "Budget : 1 500,00 € TTC au plus", "Un export mensuel."} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("letter lacks %q:\n%s", want, m.Body)
		}
	}
	if m.Subject != "[W751234567] Demande d'évolution EVO-1 : Export CSV des adhérents" || strings.Join(m.To, ",") != "contact@cf2d.test,tresoriere@anopex.test" {
		t.Errorf("letter %q to %q", m.Subject, m.To)
	}
	ev, err := w.store.Evolution(t.Context(), 1)
	if err != nil || ev.State != "sent" || ev.MessageID != m.MessageID || ev.RequestID != cr.ID {
		t.Errorf("stored evolution %+v, %v; want sent with the letter's Message-ID", ev, err)
	}
	if out := w.run(t, "u-board", "evolution close EVO-1"); out != "EVO-1 close." {
		t.Errorf("close = %q", out)
	}
	if out := w.run(t, "u-board", "evolution close 1"); !strings.Contains(out, "déjà close") {
		t.Errorf("second close = %q", out)
	}
	if out := w.run(t, "u-president", "evolution show evo-1"); !strings.Contains(out, "Close par N-board") {
		t.Errorf("show = %q", out)
	}

	// SMTP down: the approved request fails, the evolution stays recorded as failed.
	w.smtp.Close()
	cr = w.request(t, bot.Admin, `evolution request "Autre" -- x`)
	if st := w.react(t, cr, w.person(bot.President)); st != bot.Failed {
		t.Fatalf("with SMTP down: %s, want failed", st)
	}
	if ev, _ := w.store.Evolution(t.Context(), 2); ev.State != "failed" {
		t.Errorf("evolution 2 state %q, want failed", ev.State)
	}
}

func TestInvoiceList(t *testing.T) {
	w := newHostWorld(t, nil, false)
	out := w.run(t, "u-treasurer", "invoice list impayées")
	for _, want := range []string{"2 facture(s) OVH, total dû 38,38 €", "FR56099001 — 25/11/2026 — purchase-web — 23,99 € — reste dû 23,99 €",
		"Factures PlanetHoster : son API n'en donne pas ; elles se lisent et se paient dans son espace client, https://my.planethoster.example » Facturation et paiements » Historique."} {
		if !strings.Contains(out, want) {
			t.Errorf("invoice list unpaid lacks %q:\n%s", want, out)
		}
	}
	if out := w.run(t, "u-admin", "invoice list"); !strings.Contains(out, "FR56012345") || !strings.Contains(out, "payée") {
		t.Errorf("invoice list = %q", out)
	}
	if out := w.run(t, "u-admin", "invoice pay FR56012345"); !strings.Contains(out, "Rien n'est dû") {
		t.Errorf("pay of a paid bill = %q", out)
	}
	if out := w.run(t, "u-board", "invoice pay FR56098765"); !strings.Contains(out, "est réservé à") {
		t.Errorf("board member asking to pay = %q", out)
	}
}

// testCPanel is the cPanel client of the fake at url (account anopex, token tok).
func testCPanel(t *testing.T, url string) *cpanel.Client {
	t.Helper()
	c, err := cpanel.New(cpanel.Options{URL: url, User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
