package commands_test

import (
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
)

// The golden transcripts hold what people read, command by command, one
// file per family (testdata/<family>.golden): review their diff like code.

func TestCoreTranscript(t *testing.T) {
	w := newWorld(t)
	w.sess.Play(t.Context(), t, `
		u-delegate: /help
		u-delegate: /whoami
		u-admin: /help mail forward
		u-admin: /help inconnue
		u-admin: /mail quota delegue75@anopex.test 2G
		u-board: /approvals list
		# a delegate sees only their own pending requests
		u-delegate: /approvals list
		u-board: /approvals show 1
		u-board: /approvals show 9
		# only the requester or an administrator may withdraw a request, at once
		u-delegate: /approvals cancel 1
		u-admin: /approvals cancel 1
		u-admin: /approvals cancel 1
		u-admin: /approvals show 1
		u-admin: /mail suspend delegue75@anopex.test
		u-treasurer: approve
		u-treasurer: /approvals show 2
		u-treasurer: /audit 6
		u-delegate: /audit
	`)
	commands.Golden(t, "core", w.chat)
}

func TestMailTranscript(t *testing.T) {
	w := newWorld(t)
	w.sess.Play(t.Context(), t, `
		u-board: /mail list delegue
		u-board: /mail show delegue75@anopex.test
		u-delegate: /mail show delegue75@anopex.test
		u-delegate: /mail show bureau@anopex.test
		u-admin: /mail create nouveau@anopex.test 500M
		u-treasurer: approve
		u-admin: /mail create nouveau@anopex.test
		# a delegate resets their own password at once; it arrives privately
		u-delegate: /mail passwd delegue75@anopex.test
		u-admin: /mail passwd inconnu@anopex.test
		u-admin: /mail quota delegue75@anopex.test 10M
		u-admin: /mail quota delegue75@anopex.test 2G
		u-president: approve
		u-admin: /mail unsuspend delegue75@anopex.test
		u-admin: /mail suspend delegue75@anopex.test
		u-treasurer: approve
		u-admin: /mail suspend delegue75@anopex.test
		u-admin: /mail unsuspend delegue75@anopex.test
		u-treasurer: approve
		u-board: /mail forward list bureau@anopex.test
		u-admin: /mail forward add contact@anopex.test sysadmin@anopex.test
		u-treasurer: approve
		u-admin: /mail forward add contact@anopex.test contact@anopex.test
		u-admin: /mail forward remove contact@anopex.test sysadmin@anopex.test
		u-treasurer: approve
		u-board: /mail list-members bureau@anopex.test
		u-board: /mail list-members contact@anopex.test
		u-admin: /mail list-add bureau@anopex.test president@anopex.test
		u-admin: /mail list-add bureau@anopex.test delegue75@anopex.test
		u-treasurer: approve
		u-admin: /mail list-remove bureau@anopex.test inconnu@x.fr
		u-admin: /mail list-remove bureau@anopex.test delegue75@anopex.test
		u-treasurer: approve
		u-board: /mail lists
		u-admin: /mail list-add bureau@anopex.test president@anopex.test, delegue75@anopex.test delegue13@anopex.test
		u-treasurer: approve
		u-admin: /mail list-add bureau@anopex.test president@anopex.test pas-une-adresse@
		u-admin: /mail list-remove bureau@anopex.test delegue75@anopex.test inconnu@x.fr delegue13@anopex.test
		u-treasurer: approve
		u-admin: /mail list-add benevoles@anopex.test delegue06@anopex.test delegue29@anopex.test
		u-treasurer: approve
		u-board: /mail lists
		u-admin: /mail delete nouveau@anopex.test
		u-treasurer: approve
		u-board: /mail list nouveau
		u-delegate: /mail show delegue75
		u-board: /mail show delegue75@gmail.com
		u-admin: /mail quota delegue75 1,5 Go
		u-admin: /mail forward add contact sysadmin
	`)
	commands.Golden(t, "mail", w.chat)
}

func TestDoliTranscript(t *testing.T) {
	w := newMembersWorld(t)
	w.sess.Play(t.Context(), t, `
		u-board: /doli users
		u-admin: /doli member double.fiche@exemple.fr
		u-admin: /doli member #1
		u-admin: /doli member 9999
		u-delegate: /doli member delegue75@anopex.test
		u-delegate: /doli member jeanne.dupont@exemple.fr
		u-admin: /doli user create j.nouveau jean.nouveau@exemple.fr Délégué
		u-treasurer: approve
		u-admin: /doli user create j.nouveau x@exemple.fr délégué
		u-admin: /doli user function d.petit membre du CA
		u-treasurer: approve
		u-admin: /doli user function d.petit pape
		u-admin: /doli user disable a.ancien
		u-admin: /doli user disable c.leroy
		u-treasurer: approve
		u-admin: /doli user disable personne
		u-admin: /doli user disable jean;dupont
		u-admin: /doli user enable a.ancien
		u-treasurer: approve
		u-admin: /doli user enable a.ancien
		u-admin: /doli user passwd a.ancien
		u-treasurer: approve
		u-admin: /doli user passwd personne
		u-board: /doli users
		u-admin: /doli member durand
		u-admin: /doli member Mauricette Durand
		u-admin: /doli member Zébulon
	`)
	commands.Golden(t, "doli", w.chat)
}

func TestWPTranscript(t *testing.T) {
	w := newMembersWorld(t)
	w.sess.Play(t.Context(), t, `
		u-board: /wp users
		u-board: /wp users adherent
		u-admin: /wp role r.vidal rédacteur
		u-treasurer: approve
		u-admin: /wp role r.vidal editor
		u-admin: /wp role r.vidal pape
		u-admin: /wp role personne editor
		u-admin: /wp role edmond.expire@exemple.fr subscriber
		u-board: /wp role r.vidal author
		u-admin: /wp user create j.nouveau jean.nouveau@anopex.test auteur
		u-treasurer: approve
		u-admin: /wp user create j.nouveau autre@anopex.test author
		u-admin: /wp user create j.autre delegue75@anopex.test author
		u-admin: /wp user create j.x x@anopex.test pape
		u-admin: /wp user disable j.nouveau
		u-treasurer: approve
		u-admin: /wp user disable j.nouveau
		u-board: /wp users editor
		# WordPress mails the link itself: no password goes privately
		u-admin: /wp user create l.lien lucie.lien@anopex.test author mail
		u-treasurer: approve
	`)
	commands.Golden(t, "wp", w.chat)
}

// TestWPUserCreateByMail: with mail, no password goes privately, and the
// outcome says what WordPress did with its mail: sent; refused (the site
// cannot send mail: failed, the account created); or no answer (unknown).
func TestWPUserCreateByMail(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *membersWorld)
		state bot.State
		says  []string
		mails int
	}{
		{name: "sent", state: bot.Done, mails: 1, says: []string{"Compte WordPress l.lien créé, rôle author ; WordPress a envoyé à lucie.lien@anopex.test le lien"}},
		{name: "site cannot send mail", state: bot.Done, setup: func(w *membersWorld) { w.env.WordPress.SetMailBroken(true) },
			says: []string{"Compte WordPress l.lien créé, rôle author\n⚠️ WordPress n'a pas envoyé le mail pour choisir son mot de passe (son site n'envoie sans doute pas de courrier)"}},
		{name: "no answer", state: bot.Unknown, setup: func(w *membersWorld) {
			w.env.WordPress.Fault.Only(match("POST", "/wp-login.php", 1))
			w.env.WordPress.Fault.FailNext(1, 502, "<html>Bad Gateway</html>")
		}, says: []string{"le mail pour choisir son mot de passe est peut-être parti", "vérifiez avec /wp users"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newMembersWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			preview := w.run(t, rolePeople[bot.Admin], "wp user create l.lien lucie.lien@anopex.test author mail").Text
			contains(t, "preview", preview, "WordPress enverra lui-même à lucie.lien@anopex.test le lien")
			cr := w.approve(t)
			if cr.State != tc.state {
				t.Fatalf("state %s, want %s: %s", cr.State, tc.state, cr.Outcome)
			}
			contains(t, "outcome", cr.Outcome, tc.says...)
			for _, m := range w.chat.Messages(bottest.Post) {
				if strings.Contains(m.Msg.Text, "réessayer") && strings.Contains(m.Msg.Text, "wp user create") {
					t.Errorf("a post asks to try again a creation that happened: %q", m.Msg.Text)
				}
			}
			if _, ok := w.env.WordPress.UserByLogin("l.lien"); !ok {
				t.Error("the account was not created")
			}
			if n := len(w.env.WordPress.Mails()); n != tc.mails {
				t.Errorf("%d mails sent, want %d", n, tc.mails)
			}
			for _, m := range w.chat.Messages(bottest.Direct) {
				if !m.Msg.Secret.Empty() || strings.Contains(m.Msg.Text, "🔑") {
					t.Errorf("a password announced or sent privately: %q", m.Msg.Text)
				}
			}
		})
	}
}

func TestCoherenceTranscript(t *testing.T) {
	w := newMembersWorld(t)
	w.sess.Play(t.Context(), t, `
		u-admin: /coherence member Robert.Vidal@exemple.fr
		u-board: /coherence member jeanne.dupont@exemple.fr
		u-admin: /coherence member 47
		u-admin: /coherence member personne@exemple.fr
		u-delegate: /coherence member delegue75@anopex.test
		u-board: /coherence sweep
		u-admin: /coherence fix
		u-treasurer: approve
		u-admin: /coherence fix
	`)
	commands.Golden(t, "coherence", w.chat)
}

// TestRequesterCancelsOwnRequest: approvals cancel is an act, not a change
// request: a requester who is no administrator withdraws their own request
// at once, without approval, and nobody else but an administrator may.
func TestRequesterCancelsOwnRequest(t *testing.T) {
	w := newMembersWorld(t)
	board, delegate := rolePeople[bot.Board], rolePeople[bot.Delegate]
	if !strings.Contains(w.run(t, board, "wp role r.vidal author").Text, "réservé") {
		t.Fatal("the board may not change roles: pick another request")
	}
	w.run(t, board, "coherence fix")
	if w.pending(t) != 1 {
		t.Fatalf("%d pending requests, want the board's fix", w.pending(t))
	}
	if got := w.run(t, delegate, "approvals cancel 1").Text; !strings.Contains(got, "Seul·e l'auteur·e") {
		t.Errorf("a delegate cancelling the board's request: %q", got)
	}
	if got := w.run(t, board, "approvals cancel 1").Text; got != "Demande n°1 annulée." {
		t.Errorf("the requester cancelling: %q", got)
	}
	if cr, err := w.store.Request(t.Context(), 1); err != nil || cr.State != bot.Cancelled {
		t.Fatalf("request 1: %s, %v; want cancelled", cr.State, err)
	}
	if w.pending(t) != 0 {
		t.Errorf("%d pending requests after the cancel", w.pending(t))
	}
	audit, err := w.store.Audit(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	acts := 0
	for _, r := range audit {
		if r.Kind == "act" && r.Command == "approvals cancel" {
			acts++
			if r.ActorID != board {
				t.Errorf("act recorded for %s, want %s", r.ActorID, board)
			}
		}
	}
	if acts != 1 { // the delegate's refused attempt did not act
		t.Errorf("%d act records for approvals cancel, want 1: %+v", acts, audit)
	}
}
