package commands_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

// approve has the treasurer approve the latest pending change request.
func (w *world) approve(t *testing.T) {
	t.Helper()
	pending, err := w.store.ListRequests(t.Context(), bot.Pending)
	if err != nil || len(pending) == 0 {
		t.Fatalf("no pending request to approve: %v", err)
	}
	w.sess.React(context.Background(), "u-treasurer", pending[0].MessageID, "✅")
}

func (w *world) box(t *testing.T, addr string) (cpaneltest.Mailbox, bool) {
	t.Helper()
	for _, b := range w.cpanel.Mailboxes() {
		if b.Address == addr {
			return b, true
		}
	}
	return cpaneltest.Mailbox{}, false
}

func (w *world) forwards(addr string) []string {
	var d []string
	for _, f := range w.cpanel.Forwarders() {
		if f.Address == addr {
			d = append(d, f.Dest)
		}
	}
	return d
}

func (w *world) lastOutcome(t *testing.T) bot.ChangeRequest {
	t.Helper()
	crs, err := w.store.ListRequests(t.Context())
	if err != nil || len(crs) == 0 {
		t.Fatalf("no request: %v", err)
	}
	return crs[0]
}

func TestMailChanges(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		preview string // held by the request's preview
		check   func(t *testing.T, w *world)
	}{
		{"create", "mail create nouveau@anopex.test 500M", "Création de la boîte nouveau@anopex.test (quota : 500 Mo)", func(t *testing.T, w *world) {
			b, ok := w.box(t, "nouveau@anopex.test")
			if !ok || b.QuotaMB != 500 || len(w.cpanel.Password("nouveau@anopex.test")) != bot.PasswordLength {
				t.Errorf("mailbox %+v %v", b, ok)
			}
		}},
		{"quota", "mail quota delegue75@anopex.test 2G", "1 Go → 2 Go", func(t *testing.T, w *world) {
			if b, _ := w.box(t, "delegue75@anopex.test"); b.QuotaMB != 2048 {
				t.Errorf("quota %d", b.QuotaMB)
			}
		}},
		{"suspend", "mail suspend delegue75@anopex.test", "active → suspendue", func(t *testing.T, w *world) {
			if b, _ := w.box(t, "delegue75@anopex.test"); !b.SuspendedLogin {
				t.Error("login not suspended")
			}
		}},
		{"delete", "mail delete delegue75@anopex.test", "Suppression de la boîte delegue75@anopex.test", func(t *testing.T, w *world) {
			if _, ok := w.box(t, "delegue75@anopex.test"); ok {
				t.Error("mailbox still there")
			}
		}},
		{"forward add", "mail forward add contact@anopex.test sysadmin@anopex.test", "[] → [sysadmin@anopex.test]", func(t *testing.T, w *world) {
			if d := w.forwards("contact@anopex.test"); !slices.Contains(d, "sysadmin@anopex.test") {
				t.Errorf("forwards %q", d)
			}
		}},
		{"list add", "mail list-add bureau@anopex.test delegue75@anopex.test", "→ [delegue75@anopex.test, president@anopex.test, secretaire@anopex.test, tresoriere@anopex.test]", func(t *testing.T, w *world) {
			if d := w.forwards("bureau@anopex.test"); len(d) != 4 {
				t.Errorf("list %q", d)
			}
		}},
		{"list remove", "mail list-remove bureau@anopex.test secretaire@anopex.test", "→ [president@anopex.test, tresoriere@anopex.test]", func(t *testing.T, w *world) {
			if d := w.forwards("bureau@anopex.test"); slices.Contains(d, "secretaire@anopex.test") || len(d) != 2 {
				t.Errorf("list %q", d)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if got := w.run(t, "u-admin", tt.line); !strings.Contains(got, "Demande n°1") {
				t.Fatalf("%q: %q", tt.line, got)
			}
			if cr := w.lastOutcome(t); !strings.Contains(cr.Preview, tt.preview) {
				t.Errorf("preview %q, want it to hold %q", cr.Preview, tt.preview)
			}
			w.approve(t)
			if cr := w.lastOutcome(t); cr.State != bot.Done {
				t.Fatalf("state %s outcome %q", cr.State, cr.Outcome)
			}
			tt.check(t, w)
		})
	}
}

// Mail arriving between the request and its approval does not make a
// delete stale: the preview shows no usage.
func TestMailDeleteRunsAfterUsageMoved(t *testing.T) {
	w := newWorld(t)
	if got := w.run(t, "u-admin", "mail delete delegue75@anopex.test"); !strings.Contains(got, "Demande n°1") {
		t.Fatalf("mail delete: %q", got)
	}
	if !w.cpanel.SetUsage("delegue75@anopex.test", 777.5) {
		t.Fatal("SetUsage: no such mailbox")
	}
	w.approve(t)
	if cr := w.lastOutcome(t); cr.State != bot.Done {
		t.Fatalf("state %s outcome %q, want done", cr.State, cr.Outcome)
	}
	if _, ok := w.box(t, "delegue75@anopex.test"); ok {
		t.Error("mailbox still there")
	}
}

// Refused at preview time: nothing is stored, the person reads why.
func TestMailPreviewRefusals(t *testing.T) {
	w := newWorld(t)
	tests := map[string]string{
		"mail create delegue75@anopex.test":                      "existe déjà",
		"mail passwd inconnu@anopex.test":                        "Il n'y a pas de boîte inconnu@anopex.test",
		"mail quota delegue75@anopex.test 10M":                   "serait dépassé",
		"mail unsuspend delegue75@anopex.test":                   "n'est pas suspendue",
		"mail forward add bureau@anopex.test bureau@anopex.test": "vers elle-même",
		"mail list-add bureau@anopex.test president@anopex.test": "déjà redirigée",
		"mail list-remove bureau@anopex.test inconnu@x.fr":       "n'est pas redirigée",
	}
	for line, want := range tests {
		if got := w.run(t, "u-admin", line); !strings.Contains(got, want) {
			t.Errorf("%q = %q, want it to hold %q", line, got, want)
		}
	}
	if crs, _ := w.store.ListRequests(t.Context()); len(crs) != 0 {
		t.Errorf("%d requests stored", len(crs))
	}
}

func TestMailReads(t *testing.T) {
	w := newWorld(t)
	tests := map[string][]string{
		"mail list delegue":                     {"delegue75@anopex.test — 517 Mo / 1 Go (51 %)"},
		"mail show delegue75@anopex.test":       {"Occupation : 517 Mo / 1 Go", "Redirigée aussi vers"},
		"mail forward list bureau@anopex.test":  {"bureau@anopex.test → president@anopex.test"},
		"mail list-members bureau@anopex.test":  {"3 membre(s)", "tresoriere@anopex.test"},
		"mail list-members contact@anopex.test": {"n'est pas une liste de diffusion"},
	}
	for line, wants := range tests {
		got := w.run(t, "u-board", line)
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%q = %q, want it to hold %q", line, got, want)
			}
		}
	}
}

// A provider failure during execution says which provider, without its
// raw message: a write answered 5xx may have been applied (unknown), a
// refused one changed nothing (failed).
func TestMailProviderDown(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		state  bot.State
		want   string
	}{
		{"server error", 503, bot.Unknown, "cPanel ne répond pas"},
		{"refused", 403, bot.Failed, "cPanel a refusé l'accès"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.run(t, "u-admin", "mail quota delegue75@anopex.test 2G")
			w.cpanel.Fault.Only(func(r *http.Request) bool { return r.Method == http.MethodPost }) // the write, not the preview's read
			w.cpanel.Fault.FailNext(1, tt.status, "<html>Service Unavailable</html>")
			w.approve(t)
			cr := w.lastOutcome(t)
			if cr.State != tt.state || !strings.Contains(cr.Outcome, tt.want) || strings.Contains(cr.Outcome, "html") {
				t.Errorf("state %s outcome %q, want %s with %q", cr.State, cr.Outcome, tt.state, tt.want)
			}
		})
	}
}

// TestMailWriteConnectionDropped: cPanel applies the quota but the
// connection drops before its answer: the request is unknown, never failed,
// and the thread names the read command that shows the truth.
func TestMailWriteConnectionDropped(t *testing.T) {
	w := newWorld(t)
	w.run(t, "u-admin", "mail quota delegue75@anopex.test 2G")
	w.cpanel.Fault.Only(func(r *http.Request) bool { return r.Method == http.MethodPost })
	w.cpanel.Fault.DropNext(1)
	w.approve(t)
	cr := w.lastOutcome(t)
	if cr.State != bot.Unknown || !strings.Contains(cr.Outcome, "/mail show delegue75@anopex.test") {
		t.Errorf("state %s outcome %q, want unknown naming /mail show", cr.State, cr.Outcome)
	}
	quota := -1
	for _, mb := range w.cpanel.Mailboxes() {
		if mb.Address == "delegue75@anopex.test" {
			quota = mb.QuotaMB
		}
	}
	if quota != 2048 {
		t.Errorf("quota %d: the fake did not apply the write before dropping", quota)
	}
}
