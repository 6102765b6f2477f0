package console

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// echo is a bot.Handler that answers, posts and reacts in known ways.
type echo struct {
	chat      *Console
	reactions []bot.Reaction
	callers   []string
}

func (e *echo) Handle(ctx context.Context, inv bot.Invocation) {
	e.callers = append(e.callers, inv.Caller.ID+":"+strings.Join(roleNames(inv.Caller.Roles), ","))
	switch inv.Text {
	case "ask":
		e.chat.Post(ctx, "approbations", bot.Message{Text: "Demande n°1\nsur deux lignes", Approval: true})
		inv.Respond.Respond(ctx, bot.Reply{Text: "Demande enregistrée"})
	case "report":
		inv.Respond.Respond(ctx, bot.Reply{Text: "Rapport", InChannel: true, Attachments: []bot.Attachment{{Name: "../rapport.csv", Data: []byte("a,b\n")}}})
	case "secret":
		e.chat.Direct(ctx, "delegue75", bot.Message{Text: "Mot de passe :", Secret: bot.NewSecret("pw-123")})
	default:
		inv.Respond.Respond(ctx, bot.Reply{Text: "vous avez dit " + inv.Text})
	}
}

func (e *echo) React(_ context.Context, r bot.Reaction) { e.reactions = append(e.reactions, r) }

func roleNames(rs []bot.Role) []string {
	var s []string
	for _, r := range rs {
		s = append(s, string(r))
	}
	return s
}

func TestConsoleScript(t *testing.T) {
	policy, err := bot.NewPolicy([]bot.Member{
		{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}},
		{Name: "Thérèse", Roles: []bot.Role{bot.Treasurer}, IDs: map[string]string{Platform: "tresoriere"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	script := `# a comment
/help me
/ask
/as tresoriere
react last ✅
unreact 1 :x:
react 99 ✅
/as nobody
/report
/secret
hello
/quit
/never reached
`
	var out bytes.Buffer
	dir := t.TempDir()
	c := New(strings.NewReader(script), &out, policy, "sysadmin", dir)
	h := &echo{chat: c}
	if err := c.Run(t.Context(), h); err != nil {
		t.Fatal(err)
	}
	want := `[1] ~sysadmin: vous avez dit help me
[2] #approbations: Demande n°1
    sur deux lignes
[3] ~sysadmin: Demande enregistrée
-- vous êtes maintenant tresoriere
-- message inconnu « 99 » : donnez le numéro entre crochets, ou last
-- personne inconnue « nobody » ; choisissez parmi : sysadmin, tresoriere
[4] #console: Rapport
    📎 ` + dir + `/4-rapport.csv
[5] @delegue75: Mot de passe :
    
    pw-123
-- ligne non comprise : commencez par /commande, /as NOM ou react ID EMOJI (/help pour l'aide)
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
	wantReactions := []bot.Reaction{
		{Platform: Platform, Channel: "console", MessageID: "2", User: bot.Person{ID: "tresoriere", Name: "Thérèse", Roles: []bot.Role{bot.Treasurer}}, Emoji: "✅"},
		{Platform: Platform, Channel: "console", MessageID: "1", User: bot.Person{ID: "tresoriere", Name: "Thérèse", Roles: []bot.Role{bot.Treasurer}}, Emoji: ":x:", Removed: true},
	}
	if diff := cmp.Diff(wantReactions, h.reactions); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sysadmin:admin", "sysadmin:admin", "tresoriere:treasurer", "tresoriere:treasurer"}, h.callers); diff != "" {
		t.Errorf("callers (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile(dir + "/4-rapport.csv")
	if err != nil || string(data) != "a,b\n" {
		t.Errorf("attachment = %q, %v", data, err)
	}
}

func TestConsoleEndsWithContext(t *testing.T) {
	policy, _ := bot.NewPolicy(nil, nil)
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	c := New(r, &bytes.Buffer{}, policy, "x", t.TempDir())
	done := make(chan error)
	go func() { done <- c.Run(ctx, &echo{chat: c}) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConsoleEnglishNotes(t *testing.T) {
	policy, _ := bot.NewPolicy([]bot.Member{{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}}}, nil)
	var out bytes.Buffer
	c := New(strings.NewReader("/as nobody\nreact 9 ✅\nhello\n"), &out, policy, "sysadmin", t.TempDir())
	c.SetLocale(bot.EN)
	if err := c.Run(t.Context(), &echo{chat: c}); err != nil {
		t.Fatal(err)
	}
	want := "-- unknown person \"nobody\"; choose one of: sysadmin\n-- unknown message \"9\": give the number in brackets, or last\n-- line not understood: start with /command, /as NAME or react ID EMOJI (/help for help)\n"
	if out.String() != want {
		t.Errorf("English notes:\n%s\nwant:\n%s", out.String(), want)
	}
}

// Continue numbers the session's messages after the IDs an earlier session
// left in the data file (non-numbers ignored), and a reaction may still name
// one of those older messages.
func TestConsoleContinue(t *testing.T) {
	policy, _ := bot.NewPolicy([]bot.Member{{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}}}, nil)
	var out bytes.Buffer
	c := New(strings.NewReader("/hello\nreact 7 ✅\n"), &out, policy, "sysadmin", t.TempDir())
	c.Continue([]string{"3", "12", "7", "x"})
	h := &echo{chat: c}
	if err := c.Run(t.Context(), h); err != nil {
		t.Fatal(err)
	}
	if want := "[13] ~sysadmin: vous avez dit hello\n"; out.String() != want {
		t.Errorf("transcript %q, want %q", out.String(), want)
	}
	if len(h.reactions) != 1 || h.reactions[0].MessageID != "7" {
		t.Errorf("reactions = %+v, want one on message 7", h.reactions)
	}
}

// A reply of more than maxLines lines is written to a file, and the console
// prints its first line, a note and the file's path.
func TestConsoleLongReplyIsAFile(t *testing.T) {
	policy, _ := bot.NewPolicy([]bot.Member{{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}}}, nil)
	var out bytes.Buffer
	dir := t.TempDir()
	c := New(strings.NewReader("/long\n"), &out, policy, "sysadmin", dir)
	long := "Liste :" + strings.Repeat("\nune ligne", 500)
	if err := c.Run(t.Context(), answer(long)); err != nil {
		t.Fatal(err)
	}
	want := "[1] ~sysadmin: Liste :\n    (réponse complète en pièce jointe : 501 lignes)\n    📎 " + dir + "/1-reponse.txt\n"
	if out.String() != want {
		t.Errorf("transcript %q, want %q", out.String(), want)
	}
	if data, err := os.ReadFile(dir + "/1-reponse.txt"); err != nil || string(data) != long {
		t.Errorf("file: %v, %d bytes", err, len(data))
	}
}

// answer is a handler that answers every command with its text.
type answer string

func (a answer) Handle(ctx context.Context, inv bot.Invocation) {
	inv.Respond.Respond(ctx, bot.Reply{Text: string(a)})
}
func (answer) React(context.Context, bot.Reaction) {}
