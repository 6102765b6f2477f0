package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/demo"
	"github.com/anopex/opsbot/storage"
)

// membersWorld is the engine on a bbolt store with the doli, wp and
// coherence commands on real clients talking to the three fakes, seeded
// with the demo association.
type membersWorld struct {
	engine *bot.Engine
	policy *bot.Policy
	store  *storage.DB
	env    *demo.Env
	chat   *bottest.Chat
	sess   *bottest.Session
}

var membersNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func newMembersWorld(t *testing.T) *membersWorld {
	t.Helper()
	policy, db := rolePolicy(t), tempStore(t)
	env := demo.Start(membersNow)
	t.Cleanup(env.Close)
	env.Seed()
	w := &membersWorld{policy: policy, store: db, env: env, chat: &bottest.Chat{}}
	var err error
	w.engine, err = bot.NewEngine(bot.EngineConfig{Chat: w.chat, Store: db, Policy: policy, Platform: "test",
		ApprovalsChannel: "approbations", Log: zerolog.Nop(), Now: func() time.Time { return membersNow }})
	if err != nil {
		t.Fatal(err)
	}
	m := commands.Members{
		Adherents: env.Members, Staff: env.Members, StaffAdmin: env.Members,
		Contacts: env.Contacts, ContactAdmin: env.Contacts, WPUsers: env.WPClient, WPAdmin: env.WPClient, WPLogin: demo.WPUser,
		Coherence: env.Config, Functions: demo.Functions, Now: func() time.Time { return membersNow }, Sweeps: db,
	}
	if err := w.engine.Register(commands.All(commands.Deps{Engine: w.engine, Audit: db, Members: m})...); err != nil {
		t.Fatal(err)
	}
	w.sess = &bottest.Session{Engine: w.engine, Policy: policy, Chat: w.chat, Channel: "général"}
	return w
}

// run invokes line as user and returns the one reply.
func (w *membersWorld) run(t *testing.T, user, line string) bot.Reply {
	t.Helper()
	out := w.sess.Run(t.Context(), user, line)
	if len(out) != 1 {
		t.Fatalf("%s %q: %d replies, want 1", user, line, len(out))
	}
	return out[0]
}

// approve has the treasurer approve the pending request and returns its outcome.
func (w *membersWorld) approve(t *testing.T) bot.ChangeRequest {
	t.Helper()
	pending, err := w.store.ListRequests(t.Context(), bot.Pending)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending requests: %d, %v; want 1", len(pending), err)
	}
	w.sess.React(context.Background(), rolePeople[bot.Treasurer], pending[0].MessageID, "✅")
	cr, err := w.store.Request(t.Context(), pending[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

func (w *membersWorld) pending(t *testing.T) int {
	t.Helper()
	p, err := w.store.ListRequests(t.Context(), bot.Pending)
	if err != nil {
		t.Fatal(err)
	}
	return len(p)
}

func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, text)
		}
	}
}

func TestCoherenceSweepCommand(t *testing.T) {
	w := newMembersWorld(t)
	r := w.run(t, rolePeople[bot.Board], "coherence sweep")
	if r.InChannel || len(r.Attachments) != 1 {
		t.Fatalf("sweep reply: in channel %v, %d attachments; want private with the CSV (members' personal data)", r.InChannel, len(r.Attachments))
	}
	for code, n := range demo.Findings {
		contains(t, "summary", r.Text, string(code)+" : "+string(rune('0'+n)))
	}
	a := r.Attachments[0]
	if !strings.HasSuffix(a.Name, ".csv") || !strings.HasPrefix(a.ContentType, "text/csv") {
		t.Errorf("attachment %q (%s)", a.Name, a.ContentType)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.Data, []byte("\ufeff"))))
	cr.Comma = coherence.CSVComma
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range demo.Findings {
		total += n
	}
	if len(rows) != total+1 {
		t.Errorf("CSV has %d rows, want %d findings and a header", len(rows), total)
	}
	// The sweep's summary is stored for /report month: its counts, and
	// none of the people the CSV names (address, names, login).
	sums, err := w.store.Sweeps(t.Context())
	if err != nil || len(sums) != 1 || sums[0].Total() != total || sums[0].Counts[coherence.NameMismatch] != demo.Findings[coherence.NameMismatch] {
		t.Fatalf("stored sweeps = %+v, %v; want one with the findings' counts", sums, err)
	}
	file, err := os.ReadFile(w.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for _, cell := range []string{row[1], row[3], row[4], row[5], row[6]} {
			if cell = strings.TrimSpace(cell); len(cell) > 2 && bytes.Contains(file, []byte(cell)) {
				t.Errorf("the data file holds %q of a finding", cell)
			}
		}
	}
	if got := w.run(t, rolePeople[bot.Delegate], "coherence sweep").Text; !strings.Contains(got, "réservé") {
		t.Errorf("a delegate ran the sweep: %s", got)
	}
}

func TestCoherenceMemberCommand(t *testing.T) {
	w := newMembersWorld(t)
	tests := []struct {
		name, user, line string
		want             []string
	}{
		{"mismatch on WordPress", rolePeople[bot.Admin], "coherence member Robert.Vidal@exemple.fr",
			[]string{"robert.vidal@exemple.fr", "Dolibarr : n°", "Robert Vidal", "dans la lettre", "compte", "name_mismatch", "Bob Ledoux"}},
		{"coherent", rolePeople[bot.Board], "coherence member jeanne.dupont@exemple.fr", []string{"✅ Aucune incohérence"}},
		{"by number", rolePeople[bot.Admin], "coherence member 1", []string{"jeanne.dupont@exemple.fr", "n°1 Jeanne Dupont"}},
		{"unknown", rolePeople[bot.Admin], "coherence member personne@exemple.fr", []string{"n'est connue ni de Dolibarr"}},
		{"member without address", rolePeople[bot.Admin], "coherence member 47", []string{"adhérent sans adresse", "n°47 Sans Adresse"}},
		{"unknown number", rolePeople[bot.Admin], "coherence member 9999", []string{"Il n'y a pas d'adhérent n°9999"}},
		{"delegate on their own mailbox", rolePeople[bot.Delegate], "coherence member delegue75@anopex.test", []string{"Dominique Petit"}},
		{"delegate on another address", rolePeople[bot.Delegate], "coherence member jeanne.dupont@exemple.fr", []string{"que pour votre propre boîte"}},
		{"bad argument", rolePeople[bot.Admin], "coherence member ---", []string{"ni une adresse e-mail ni un numéro d'adhérent", "Usage"}},
		{"by name", rolePeople[bot.Admin], "coherence member Jeanne Dupont", []string{"jeanne.dupont@exemple.fr", "n°1 Jeanne Dupont"}},
		{"by name without accents", rolePeople[bot.Admin], "coherence member robert VIDAL", []string{"robert.vidal@exemple.fr", "Robert Vidal"}},
		{"by a name several have", rolePeople[bot.Admin], "coherence member durand", []string{"2 adhérents correspondent à « durand »", "/coherence member NUMÉRO", "n°4 — Louis Durand", "n°59 — Mauricette Durand"}},
		{"by a name nobody has", rolePeople[bot.Admin], "coherence member Zébulon", []string{"Aucun adhérent ne s'appelle « Zébulon »"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			contains(t, tt.line, w.run(t, tt.user, tt.line).Text, tt.want...)
		})
	}
}

func TestCoherenceFixCommand(t *testing.T) {
	w := newMembersWorld(t)
	list := w.env.Config.NewsletterList
	r := w.run(t, rolePeople[bot.Admin], "coherence fix")
	contains(t, "request", r.Text, "1 ajout(s)", "3 contact(s) créé(s)", "5 retrait(s)", "Empreinte")
	// The people are in the plan kept with the request, not in any post.
	if cr, err := w.store.Request(t.Context(), 1); err != nil || !strings.Contains(string(cr.Plan), "edmond.expire@exemple.fr") {
		t.Errorf("kept plan %s (%v) lacks edmond.expire@exemple.fr", cr.Plan, err)
	}
	cr := w.approve(t)
	if cr.State != bot.Done {
		t.Fatalf("request %s: %s", cr.State, cr.Outcome)
	}
	contains(t, "outcome", cr.Outcome, "identique à l'aperçu", "5 retrait(s), 1 ajout(s), 3 contact(s) créé(s)")
	members := w.env.Brevo.ListMembers(list)
	for _, in := range []string{"irene.horsliste@exemple.fr", "nouvelle.adherente@exemple.fr", "marcel.oublie@exemple.fr", "honore.dhonneur@exemple.fr"} {
		if !slices.Contains(members, in) {
			t.Errorf("%s is not in the list after the fix", in)
		}
	}
	for _, out := range []string{"edmond.expire@exemple.fr", "rose.resiliee@exemple.fr", "inconnu.delaliste@exemple.fr"} {
		if slices.Contains(members, out) {
			t.Errorf("%s is still in the list after the fix", out)
		}
	}
	rep, err := w.env.Checker().Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Counts()[coherence.MissingInNewsletter] + rep.Counts()[coherence.NotMemberInNewsletter]; n != 0 {
		t.Errorf("after the fix, %d newsletter findings remain: %v", n, rep.Counts())
	}
	contains(t, "second fix", w.run(t, rolePeople[bot.Admin], "coherence fix").Text, "rien à corriger")
	if n := w.pending(t); n != 0 {
		t.Errorf("%d requests stored for a fix that changes nothing", n)
	}
	for _, p := range w.chat.Texts(bottest.Post) {
		if strings.Contains(p, "@exemple.fr") {
			t.Errorf("a channel post names a member's address:\n%s", p)
		}
	}
}

// TestCoherenceFixStale changes Dolibarr between the preview and the
// approval: the approved plan is no longer the one the data call for, so
// nothing runs (it never executes a recomputed plan), and the outcome shows
// both plans' counts.
func TestCoherenceFixStale(t *testing.T) {
	w := newMembersWorld(t)
	w.run(t, rolePeople[bot.Admin], "coherence fix")
	before := w.env.Brevo.ListMembers(w.env.Config.NewsletterList)
	w.env.Dolibarr.UpdateAdherent(1, func(a *dolibarrtest.Adherent) { a.Status = "resiliated" })
	cr := w.approve(t)
	if cr.State != bot.Stale {
		t.Fatalf("request %s, want stale: %s", cr.State, cr.Outcome)
	}
	contains(t, "outcome", cr.Outcome, "5 retrait(s)", "6 retrait(s)")
	if after := w.env.Brevo.ListMembers(w.env.Config.NewsletterList); !slices.Equal(before, after) {
		t.Errorf("the list changed: %q → %q", before, after)
	}
}

// TestCoherenceFixSameCountsOtherPeople: a plan with the same counts but
// other people is not the approved one (the preview shows only counts).
func TestCoherenceFixSameCountsOtherPeople(t *testing.T) {
	w := newMembersWorld(t)
	w.run(t, rolePeople[bot.Admin], "coherence fix")
	pending, err := w.store.ListRequests(t.Context(), bot.Pending)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %d, %v", len(pending), err)
	}
	if _, err := w.store.UpdateRequest(t.Context(), pending[0].ID, func(c *bot.ChangeRequest) error {
		c.Plan = []byte(strings.Replace(string(c.Plan), "edmond.expire@exemple.fr", "jeanne.dupont@exemple.fr", 1))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if cr := w.approve(t); cr.State != bot.Stale {
		t.Fatalf("request %s, want stale: %s", cr.State, cr.Outcome)
	}
	if !slices.Contains(w.env.Brevo.ListMembers(w.env.Config.NewsletterList), "jeanne.dupont@exemple.fr") {
		t.Error("a plan other than the one computed from the data ran")
	}
}

func TestCoherenceFixRefusedWhenIncomplete(t *testing.T) {
	w := newMembersWorld(t)
	w.env.Brevo.Fault.FailNext(1000, http.StatusServiceUnavailable, "")
	r := w.run(t, rolePeople[bot.Admin], "coherence fix")
	contains(t, "refusal", r.Text, "incomplet", "Brevo", "page(s)")
	if n := w.pending(t); n != 0 {
		t.Errorf("%d requests stored from an incomplete sweep", n)
	}
	s := w.run(t, rolePeople[bot.Admin], "coherence sweep")
	contains(t, "incomplete sweep", s.Text, "⚠️ Brevo : échec après 0 page(s)", "non vérifié", "/coherence fix est refusé")
	if sums, err := w.store.Sweeps(t.Context()); err != nil || len(sums) != 0 {
		t.Errorf("stored sweeps = %+v, %v; want none of an incomplete sweep (its counts leave codes out)", sums, err)
	}
}

func TestDoliCommands(t *testing.T) {
	w := newMembersWorld(t)
	admin := rolePeople[bot.Admin]
	contains(t, "doli users", w.run(t, rolePeople[bot.Board], "doli users").Text, "t.martin — Thérèse Martin", "a.ancien — Albert Ancien — désactivé", "Trésorerie")
	contains(t, "doli member", w.run(t, admin, "doli member double.fiche@exemple.fr").Text, "2 adhérents partagent cette adresse", "résilié", "actif, cotisation jusqu'au")
	contains(t, "doli member by id", w.run(t, admin, "doli member #1").Text, "Adhérent n°1 — Jeanne Dupont")

	r := w.run(t, admin, "doli user create j.nouveau jean.nouveau@exemple.fr Délégué")
	contains(t, "create preview", r.Text, "Création du compte Dolibarr j.nouveau (jean.nouveau@exemple.fr), fonction délégué → groupes : Délégués")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("create: %s %s", cr.State, cr.Outcome)
	}
	if u, ok := w.env.Dolibarr.User("j.nouveau"); !ok || !slices.Contains(u.Groups, "Délégués") {
		t.Errorf("j.nouveau after creation: %+v, %v", u, ok)
	}
	contains(t, "create again", w.run(t, admin, "doli user create j.nouveau x@exemple.fr délégué").Text, "existe déjà")

	r = w.run(t, admin, "doli user function d.petit membre du CA")
	contains(t, "function preview", r.Text, "groupes : [Délégués] → [Délégués, Conseil d'administration]", "À retirer à la main", "Délégués")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("function: %s %s", cr.State, cr.Outcome)
	}
	if u, _ := w.env.Dolibarr.User("d.petit"); !slices.Contains(u.Groups, "Conseil d'administration") {
		t.Errorf("d.petit groups after the change: %v", u.Groups)
	}
	contains(t, "unknown function", w.run(t, admin, "doli user function d.petit pape").Text, "fonction inconnue", "délégué")

	contains(t, "disable disabled", w.run(t, admin, "doli user disable a.ancien").Text, "déjà désactivé")
	contains(t, "disable preview", w.run(t, admin, "doli user disable c.leroy").Text, "c.leroy (Camille Leroy) : actif → désactivé")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("disable: %s %s", cr.State, cr.Outcome)
	}
	if u, _ := w.env.Dolibarr.User("c.leroy"); !u.Disabled {
		t.Error("c.leroy is still enabled")
	}
	contains(t, "unknown login", w.run(t, admin, "doli user disable personne").Text, "pas de compte Dolibarr")
	contains(t, "bad login", w.run(t, admin, "doli user disable jean;dupont").Text, "identifiant invalide")
}

func TestWPCommands(t *testing.T) {
	w := newMembersWorld(t)
	admin := rolePeople[bot.Admin]
	contains(t, "wp users", w.run(t, rolePeople[bot.Board], "wp users adherent").Text, "r.vidal — Bob Ledoux <robert.vidal@exemple.fr> — adherent")
	if got := w.run(t, rolePeople[bot.Board], "wp users editor").Text; !strings.Contains(got, "t.martin") || strings.Contains(got, "r.vidal") {
		t.Errorf("wp users editor:\n%s", got)
	}
	contains(t, "role preview", w.run(t, admin, "wp role r.vidal rédacteur").Text, "rôle de r.vidal : adherent → editor")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("wp role: %s %s", cr.State, cr.Outcome)
	}
	if u, ok := w.env.WordPress.UserByLogin("r.vidal"); !ok || !slices.Equal(u.Roles, []string{"editor"}) {
		t.Errorf("r.vidal after the change: %+v", u)
	}
	contains(t, "same role", w.run(t, admin, "wp role r.vidal editor").Text, "a déjà le rôle editor")
	contains(t, "unknown role", w.run(t, admin, "wp role r.vidal pape").Text, "rôle inconnu")
	contains(t, "unknown account", w.run(t, admin, "wp role personne editor").Text, "pas de compte WordPress")
	contains(t, "by address", w.run(t, admin, "wp role edmond.expire@exemple.fr subscriber").Text, "rôle de e.expire : adherent → subscriber")
	contains(t, "board may not change roles", w.run(t, rolePeople[bot.Board], "wp role r.vidal author").Text, "réservé")
	before := w.pending(t)
	contains(t, "the bot's own account", w.run(t, admin, "wp role "+demo.WPUser+" editor").Text, "compte WordPress d'opsbot")
	if n := w.pending(t); n != before {
		t.Errorf("%d pending requests after the refusal, want %d: nothing to approve", n, before)
	}
}

// TestCoherenceFixInterrupted makes Brevo fail the creations after the
// removals and additions went through: the outcome says what was done and
// what is not confirmed. A 500 may have been applied: unknown, with the read
// command to check and no invitation to run again; a refusal (400) is
// failed, and only then is trying again suggested.
func TestCoherenceFixInterrupted(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
		state  bot.State
		want   []string
		not    string
	}{
		{http.StatusInternalServerError, `{"code":"internal","message":"boom"}`, bot.Unknown,
			[]string{"peut-être été appliqué", "vérifiez avec /coherence sweep"}, "essayez"},
		{http.StatusBadRequest, `{"code":"invalid_parameter","message":"bad"}`, bot.Failed,
			[]string{"a refusé la demande"}, "peut-être"},
	} {
		t.Run(string(tt.state), func(t *testing.T) {
			w := newMembersWorld(t)
			w.run(t, rolePeople[bot.Admin], "coherence fix")
			w.env.Brevo.Fault.Only(func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/v3/contacts" })
			w.env.Brevo.Fault.FailNext(100, tt.status, tt.body)
			cr := w.approve(t)
			if cr.State != tt.state {
				t.Fatalf("request %s, want %s", cr.State, tt.state)
			}
			contains(t, "outcome", cr.Outcome, append(tt.want, "Brevo",
				"Correction interrompue pendant les créations : 5 retrait(s), 1 ajout(s), 0 création(s) faits ; non confirmés : 0 retrait(s), 0 ajout(s), 3 création(s).")...)
			if strings.Contains(cr.Outcome, tt.not) {
				t.Errorf("outcome says %q:\n%s", tt.not, cr.Outcome)
			}
			thread := w.chat.Texts(bottest.Post)
			if last := thread[len(thread)-1]; (tt.state == bot.Failed) != strings.Contains(last, "réessayer : /coherence fix") {
				t.Errorf("%s thread post and its invitation to try again:\n%s", tt.state, last)
			}
		})
	}
}

func TestMemberStatuses(t *testing.T) {
	w := newMembersWorld(t)
	for addr, want := range map[string]string{
		"xavier.exclu@exemple.fr":      "exclu",
		"lucie.brouillon@exemple.fr":   "brouillon (jamais validé)",
		"rose.resiliee@exemple.fr":     "résilié",
		"edmond.expire@exemple.fr":     "cotisation expirée le 28/08/2026",
		"genevieve.st-eloi@exemple.fr": "actif (sans cotisation)",
		"jeanne.dupont@exemple.fr":     "actif, cotisation jusqu'au 28/07/2027",
	} {
		contains(t, addr, w.run(t, rolePeople[bot.Board], "doli member "+addr).Text, want)
	}
	contains(t, "blocked contact", w.run(t, rolePeople[bot.Board], "coherence member berenice.bloquee@exemple.fr").Text, "contact bloqué", "blacklisted_member")
	contains(t, "outside the list", w.run(t, rolePeople[bot.Board], "coherence member irene.horsliste@exemple.fr").Text, "contact hors de la lettre", "missing_in_newsletter")
}
