package bottest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// Session types commands and reactions into an engine as the people of a
// policy, and records them in Chat with everything the bot says back. Give
// the engine the same Chat, so that its posts and private messages land in
// the same transcript.
type Session struct {
	Engine   *bot.Engine
	Policy   *bot.Policy
	Chat     *Chat
	Platform string // the policy's platform ("test" when empty)
	Channel  string // where commands are typed

	n int // invocations so far: their IDs are inv1, inv2… so that "réf." is stable
}

func (s *Session) platform() string {
	if s.Platform == "" {
		return "test"
	}
	return s.Platform
}

// Person returns the policy's person for user on the session's platform.
func (s *Session) Person(user string) bot.Person {
	return s.Policy.Person(s.platform(), user, user, nil, false)
}

// Run types line as user and returns the answers to it.
func (s *Session) Run(ctx context.Context, user, line string) []bot.Reply {
	s.n++
	s.Chat.add(Message{Kind: Input, To: user, Text: "/" + strings.TrimPrefix(line, "/")})
	var got []bot.Reply
	rec := s.Chat.Responder(user)
	s.Engine.Handle(ctx, bot.Invocation{ID: fmt.Sprintf("inv%d", s.n), Platform: s.platform(), Caller: s.Person(user),
		Channel: s.Channel, Text: line,
		Respond: bot.ResponderFunc(func(ctx context.Context, r bot.Reply) error {
			got = append(got, r)
			return rec.Respond(ctx, r)
		})})
	return got
}

// Text types line as user and returns the texts of the answers, joined by
// new lines.
func (s *Session) Text(ctx context.Context, user, line string) string {
	var texts []string
	for _, r := range s.Run(ctx, user, line) {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

// React has user react with emoji on message id.
func (s *Session) React(ctx context.Context, user, id, emoji string) {
	s.ReactAs(ctx, s.Person(user), id, emoji)
}

// ReactAs has p, who may be no one of the policy (a bot, a bridge), react
// with emoji on message id.
func (s *Session) ReactAs(ctx context.Context, p bot.Person, id, emoji string) {
	who := p.ID
	if who == "" {
		who = "(" + p.Name + ")"
	}
	s.Chat.add(Message{Kind: Input, To: who, Text: "react " + id + " " + emoji})
	s.Engine.React(ctx, bot.Reaction{Platform: s.platform(), MessageID: id, User: p, Emoji: emoji})
}

// Approve has user react ✅ on the latest change-request post; it returns
// false when there is none.
func (s *Session) Approve(ctx context.Context, user string) bool {
	id := s.Chat.LastApproval()
	if id == "" {
		return false
	}
	s.React(ctx, user, id, "✅")
	return true
}

// Play runs a script, one step a line: "USER: /command args", "USER:
// approve" (✅ on the latest change-request post), "USER: react ID EMOJI",
// or "# comment", which goes into the transcript. Blank lines are skipped;
// "\\n" in a command stands for a new line.
func (s *Session) Play(ctx context.Context, t testing.TB, script string) {
	t.Helper()
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if c, ok := strings.CutPrefix(line, "#"); ok {
			s.Note(strings.TrimSpace(c))
			continue
		}
		user, step, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("script line %q: want USER: STEP", line)
		}
		switch f := strings.Fields(step); {
		case step == "approve":
			if !s.Approve(ctx, user) {
				t.Fatalf("script line %q: no change request to approve", line)
			}
		case f[0] == "react" && len(f) == 3:
			s.React(ctx, user, f[1], f[2])
		default:
			s.Run(ctx, user, strings.ReplaceAll(step, `\n`, "\n"))
		}
	}
}

// Note writes a comment line in the transcript, to say what the next steps show.
func (s *Session) Note(text string) { s.Chat.add(Message{Kind: Note, Text: text}) }

// Golden compares got with the golden file at path; with update it writes
// got there instead. The failure shows the difference (-want +got).
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update accepts it):\n%s", path, diff)
	}
}

// Preview runs, for the change line asks for ("mail quota a@b.fr 2G"),
// what the engine runs before it stores a request: it finds the spec among
// specs, parses and checks the arguments, and calls the spec's Preview.
func Preview(ctx context.Context, specs []bot.Spec, line string) (string, error) {
	words, after, hasAfter, err := bot.Tokenize(line)
	if err != nil {
		return "", err
	}
	var spec *bot.Spec
	n := 0
	for i := range specs {
		w := specs[i].Words()
		if len(w) > n && len(w) <= len(words) && strings.EqualFold(strings.Join(words[:len(w)], " "), specs[i].Path) {
			spec, n = &specs[i], len(w)
		}
	}
	if spec == nil || spec.Preview == nil {
		return "", fmt.Errorf("preview %q: no change command", line)
	}
	args, err := bot.ParseArgs(spec, words[n:], after, hasAfter)
	if err != nil {
		return "", err
	}
	return spec.Preview(ctx, bot.Call{Invocation: "preview", Platform: "test", Args: args, Locale: bot.FR})
}
