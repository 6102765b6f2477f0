package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot/alerts"
)

func TestHostTranscript(t *testing.T) {
	w := newHostWorld(t, nil, true)
	w.sess.Play(t.Context(), t, `
		u-board: /host ip list
		u-admin: /host ip block 203.0.113.0/24
		u-admin: /host ip block 10.0.0.0/8
		u-admin: /host ip block 192.0.2.0/24
		u-admin: /host ip block 2001:DB8:1::/48 scans répétés
		u-treasurer: approve
		u-admin: /host ip unblock 192.0.2.99
		u-admin: /host ip unblock 192.0.2.0/24
		u-president: approve
		u-board: /host ip list
		u-board: /host ssl list
		u-board: /host dns list mail
		u-admin: /host dns set _dmarc TXT "v=DMARC1; p=reject" 1h
		u-treasurer: approve
		u-admin: /host dns set @ CNAME autre.example.
		u-admin: /host dns set mail A 203.0.113.10
		u-treasurer: approve
		u-admin: /host dns set mail A 203.0.113.10
		u-admin: /host dns delete absent A
		u-admin: /host dns delete _dmarc TXT
		u-treasurer: approve
		u-board: /host dns list _dmarc
	`)
	golden(t, "host", w.chat)
}

func TestTicketTranscript(t *testing.T) {
	w := newHostWorld(t, nil, true)
	w.sess.Play(t.Context(), t, `
		u-board: /ticket list
		u-admin: /ticket open ovh Sauvegarde en échec -- Bonjour,\nla sauvegarde échoue.
		u-treasurer: approve
		u-admin: /ticket open planethoster Certificat mail -- Le certificat de mail.anopex.test expire.
		u-treasurer: approve
		u-board: /ticket list planethoster
		u-admin: /ticket show ph-1
		u-admin: /ticket reply ph-1 -- Merci pour votre retour.
		u-president: approve
		u-admin: /ticket show ph-1
		u-admin: /ticket show ovh-99
		u-admin: /ticket show aws-1
		u-admin: /ticket open ovh Sujet
	`)
	golden(t, "ticket", w.chat)
}

func TestInvoiceTranscript(t *testing.T) {
	w := newHostWorld(t, nil, true)
	w.sess.Play(t.Context(), t, `
		u-treasurer: /invoice list impayées
		u-admin: /invoice list
		u-admin: /invoice pay FR56012345
		u-board: /invoice pay FR56098765
		u-admin: /invoice pay FR56098765
		# the requester's own vote and a board member's do not count
		u-admin: approve
		u-board: approve
		u-treasurer: approve
		u-treasurer: /invoice list impayées
	`)
	golden(t, "invoice", w.chat)
}

func TestEvolutionTranscript(t *testing.T) {
	w := newHostWorld(t, nil, true)
	w.sess.Play(t.Context(), t, `
		u-board: /evolution list
		u-board: /evolution request "Export CSV des adhérents" -- Un export mensuel.\nbudget : 1 500 €
		u-treasurer: /evolution list
		u-treasurer: approve
		u-president: /evolution show evo-1
		u-board: /evolution close EVO-1
		u-board: /evolution close 1
		u-board: /evolution show 9
		u-board: /evolution list
	`)
	golden(t, "evolution", w.chat)
}

// TestAlertTicketTranscript follows alarms that become tickets: 🎫 on the
// OVH server's site down prepares an OVH ticket for the admin (a board
// member's 🎫 is refused), the treasurer approves, the ticket is opened and
// linked both ways; the recovery is posted in the request's thread and its
// 🎫 prepares the closing reply. A WordPress error goes to CF2D as an
// incident, approved by the board, and closed from its recovery.
func TestAlertTicketTranscript(t *testing.T) {
	w := newHostWorld(t, nil, true)
	ctx := t.Context()
	report := func(check string, firing ...alerts.Alert) {
		t.Helper()
		if err := w.alerts.Report(ctx, check, firing); err != nil {
			t.Fatal(err)
		}
	}
	site := alerts.Alert{Key: "http:https://gestion.anopex.test/", Severity: alerts.Critical, Server: "ovh",
		Title: "https://gestion.anopex.test/ ne répond pas", Detail: "connexion refusée"}
	report("http", site)
	down := w.chat.LastID()
	w.sess.Play(ctx, t, `
		u-board: react `+down+` 🎫
		u-admin: react `+down+` :ticket:
		u-treasurer: approve
		u-admin: react `+down+` 🎫
		u-board: /alerts list
	`)
	linked, _, err := w.alerts.Alert(ctx, site.Key)
	if err != nil || !strings.HasPrefix(linked.Ticket, "ovh-") {
		t.Fatalf("alert after approval = %+v, %v; want an OVH ticket", linked, err)
	}
	w.sess.Play(ctx, t, "u-board: /ticket show "+linked.Ticket)
	w.clock.Add(2 * time.Hour)
	report("http")
	w.sess.Play(ctx, t, `
		u-admin: react `+w.chat.LastID()+` 🎫
		u-president: approve
	`)
	plugin := alerts.Alert{Key: "wp:plugin:contact-form-7", Severity: alerts.Warning, Title: "extension contact-form-7 en retard : 5.9 → 6.0"}
	report("versions", plugin)
	w.sess.Play(ctx, t, `
		u-admin: react `+w.chat.LastID()+` 🎫
		u-board: approve
		u-board: /evolution show INC-1
	`)
	report("versions")
	w.sess.Play(ctx, t, `
		u-admin: react `+w.chat.LastID()+` 🎫
		u-admin: /evolution list
	`)
	dns := alerts.Alert{Key: "dns:anopex.test:MX", Severity: alerts.Critical, Title: "MX absent"}
	report("dns", dns)
	w.sess.Play(ctx, t, `
		# an alert no rule sends anywhere
		u-admin: react `+w.chat.LastID()+` 🎫
		u-admin: /ticket alert dns:anopex.test:MX -- Bonjour
	`)
	golden(t, "alert_ticket", w.chat)
}
