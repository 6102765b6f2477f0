package commands_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

// previewRows are change lines and whether their preview must say that
// nothing would change (bot.NoChange): the engine then answers privately
// and stores no request. Every preview is also run twice on the same state
// and must give the same text: the engine compares it again before Apply.
type previewRow struct {
	line      string
	unchanged bool
}

func checkPreviews(t *testing.T, specs []bot.Spec, rows []previewRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.line, func(t *testing.T) {
			got, err := bottest.Preview(t.Context(), specs, r.line)
			var nc *bot.NoChange
			if errors.As(err, &nc) != r.unchanged {
				t.Fatalf("Preview(%q) = %q, %v; want NoChange %v", r.line, got, err, r.unchanged)
			}
			if r.unchanged && (nc.FR == "" || nc.EN == "") {
				t.Errorf("Preview(%q): NoChange %+v lacks a sentence", r.line, nc)
			}
			again, err2 := bottest.Preview(t.Context(), specs, r.line)
			if again != got || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
				t.Errorf("Preview(%q) twice on the same state: %q, %v then %q, %v", r.line, got, err, again, err2)
			}
		})
	}
}

func TestMailNothingToChange(t *testing.T) {
	w := newWorld(t)
	checkPreviews(t, w.engine.Specs(), []previewRow{
		{"mail quota delegue75@anopex.test 1G", true},
		{"mail quota delegue75@anopex.test 2G", false},
		{"mail quota delegue75@anopex.test 10M", false}, // refused (over usage), but not "nothing to change"
		{"mail suspend delegue59@anopex.test", true},
		{"mail suspend delegue75@anopex.test", false},
		{"mail unsuspend delegue75@anopex.test", true},
		{"mail unsuspend delegue59@anopex.test", false},
		{"mail forward add delegue75@anopex.test dominique.delegue75@example.org", true},
		{"mail forward add contact@anopex.test sysadmin@anopex.test", false},
		{"mail forward remove contact@anopex.test sysadmin@anopex.test", true},
		{"mail list-add bureau@anopex.test president@anopex.test", true},
		{"mail list-add bureau@anopex.test delegue75@anopex.test", false},
		{"mail list-remove bureau@anopex.test inconnu@x.fr", true},
		{"mail list-remove bureau@anopex.test president@anopex.test", false},
		{"mail delete inconnu@anopex.test", true},
		{"mail delete delegue75@anopex.test", false},
		{"mail create delegue75@anopex.test", false}, // exists: refused, it cannot be created again
		{"mail create nouveau@anopex.test", false},
		{"mail passwd delegue75@anopex.test", false},
	})
	// A preview says what state the change meets: a suspended login shows.
	if got, err := bottest.Preview(t.Context(), w.engine.Specs(), "mail passwd delegue59@anopex.test"); err != nil || !strings.Contains(got, "est suspendue") {
		t.Errorf("passwd preview of a suspended mailbox = %q, %v; want it to say the login is suspended", got, err)
	}
	// Through the engine: a private answer, and no request.
	for line, want := range map[string]string{
		"mail quota delegue75@anopex.test 1G":                    "Le quota de delegue75@anopex.test est déjà de 1 Go.",
		"mail list-add bureau@anopex.test president@anopex.test": "bureau@anopex.test est déjà redirigée vers president@anopex.test.",
	} {
		replies := w.sess.Run(t.Context(), "u-admin", line)
		if len(replies) != 1 || replies[0].InChannel || replies[0].Text != want {
			t.Errorf("%s: %+v, want one private answer %q", line, replies, want)
		}
	}
	if crs, _ := w.store.ListRequests(t.Context()); len(crs) != 0 {
		t.Errorf("%d requests stored for changes that change nothing", len(crs))
	}
}

func TestMembersNothingToChange(t *testing.T) {
	w := newMembersWorld(t)
	checkPreviews(t, w.engine.Specs(), []previewRow{
		{"wp role r.vidal adherent", true},
		{"wp role r.vidal editor", false},
		{"doli user disable a.ancien", true},
		{"doli user disable c.leroy", false},
		{"doli user function d.petit délégué", true},
		{"doli user function d.petit membre du CA", false},
		{"doli user create j.nouveau jean.nouveau@exemple.fr délégué", false},
	})
}

// TestPreviewsDeterministic runs the preview of every change command twice
// on the same provider state: the texts must be equal, since the engine
// recomputes the preview before Apply and refuses a request whose preview
// moved (no clock, no random, no map order in a preview).
func TestPreviewsDeterministic(t *testing.T) {
	mail, members := newWorld(t), newMembersWorld(t)
	for _, specs := range [][]bot.Spec{mail.engine.Specs(), members.engine.Specs()} {
		for _, s := range specs {
			if s.Preview == nil {
				continue
			}
			line := sample(s)
			first, err1 := bottest.Preview(t.Context(), specs, line)
			second, err2 := bottest.Preview(t.Context(), specs, line)
			if first != second || (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
				t.Errorf("%s: %q, %v then %q, %v", line, first, err1, second, err2)
			}
		}
	}
}
