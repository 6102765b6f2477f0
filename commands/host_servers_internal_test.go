package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

// twoServers is the host world with a second cPanel server, "ovh", seeded
// unlike the first ("planethoster"), every capability on both.
func twoServers(t *testing.T) (*hostWorld, *cpaneltest.Server) {
	t.Helper()
	ovh := cpaneltest.New("anopex", "tok")
	t.Cleanup(ovh.Close)
	ovh.SeedDolibarrDemo("gestion.anopex.test", hostingNow)
	w := newHostWorldWith(t, nil, true, func(w *hostWorld, h *Hosting) {
		cp, oc := testCPanel(t, w.cp.URL()), testCPanel(t, ovh.URL())
		h.Name, h.AutoSSL, h.Files = "planethoster", cp, cp
		h.Others = []Server{{Name: "ovh", Blocks: oc, Certs: oc, AutoSSL: oc, Files: oc, Zones: oc, Zone: "gestion.anopex.test"}}
	})
	return w, ovh
}

func TestHostCommandsOnTwoServers(t *testing.T) {
	w, ovh := twoServers(t)
	for _, tt := range []struct{ name, line, want string }{
		{"the server is required", "host ip list", "argument manquant : serveur (par exemple planethoster, ovh)"},
		{"an unknown server", "host ip list nowhere", "choisissez parmi planethoster, ovh"},
		{"each server its own blocker", "host ip list ovh", "203.0.113.66"},
		{"each server its own zone", "host dns list ovh", "Zone gestion.anopex.test"},
		{"the first server", "host dns list planethoster", "Zone anopex.test"},
		{"ssl on every server", "host ssl list", "1 certificat(s) sur le serveur ovh"},
		{"ssl on one server", "host ssl list planethoster", "2 certificat(s) sur le serveur planethoster"},
		{"files of one server", "host files usage ovh dolibarr_documents", "ovh:~/dolibarr_documents"},
		{"files largest first", "host files usage planethoster", "~/ :\n2,5 Go  public_html/\n1,2 Go  backups/"},
		{"files: .. refused", "host files usage ovh ../../etc", "« .. » n'est pas accepté"},
		{"files: an absent path", "host files usage ovh nowhere", "aucun dossier"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.run(t, "u-admin", tt.line); !strings.Contains(got, tt.want) {
				t.Errorf("%s = %q, want %q in it", tt.line, got, tt.want)
			}
		})
	}
	if got := w.run(t, "u-admin", "host ssl list planethoster"); strings.Contains(got, "gestion.anopex.test") {
		t.Errorf("host ssl list planethoster shows the other server's certificate:\n%s", got)
	}

	// A change names its server in the preview, and runs there only.
	w.run(t, "u-admin", "host ip block ovh 192.0.2.99")
	cr := w.latest(t)
	if !strings.HasPrefix(cr.Preview, "Serveur ovh — Blocage de 192.0.2.99") || cr.Args["serveur"] != "ovh" {
		t.Fatalf("preview = %q, args = %v", cr.Preview, cr.Args)
	}
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		t.Fatalf("block on ovh: %v", st)
	}
	if got := ovh.Blocked(); !strings.Contains(strings.Join(got, " "), "192.0.2.99") || strings.Contains(strings.Join(w.cp.Blocked(), " "), "192.0.2.99") {
		t.Errorf("blocked on ovh %v, on planethoster %v", got, w.cp.Blocked())
	}
}

// host ssl renew previews the AutoSSL problems, starts a check on its server
// once approved, and a second one is refused while it runs.
func TestSSLRenew(t *testing.T) {
	w, ovh := twoServers(t)
	w.cp.AddAutoSSLProblem("mail.anopex.test", "DNS DCV: no local authority", hostingNow.Add(-time.Hour))
	w.run(t, "u-admin", "host ssl renew ovh")
	cr := w.latest(t)
	if !strings.Contains(cr.Preview, "Serveur ovh — Vérification AutoSSL") || !strings.Contains(cr.Preview, "www.gestion.anopex.test") ||
		strings.Contains(cr.Preview, "mail.anopex.test") {
		t.Fatalf("preview = %q", cr.Preview)
	}
	if st := w.react(t, cr, w.person(bot.Treasurer)); st != bot.Done {
		t.Fatalf("renew: %v", st)
	}
	if !ovh.AutoSSLChecks() || w.cp.AutoSSLChecks() {
		t.Fatalf("AutoSSL checks: ovh %v, planethoster %v; want ovh only", ovh.AutoSSLChecks(), w.cp.AutoSSLChecks())
	}
	if got := w.run(t, "u-admin", "host ssl renew ovh"); !strings.Contains(got, "déjà en cours") {
		t.Errorf("renew while a check runs = %q", got)
	}
	ovh.FinishAutoSSL()
	ovh.Disable("SSL/start_autossl_check", "sslinstall")
	w.run(t, "u-admin", "host ssl renew ovh")
	if st := w.react(t, w.latest(t), w.person(bot.Treasurer)); st != bot.Failed {
		t.Errorf("renew refused by cPanel: %v, want failed", st)
	}
}
