package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// specsOnly lists the mail commands without a mail server: the specs are
// only read, never run.
type specsOnly struct{ bot.Mail }

// TestRegisteredCommandsGolden registers the real catalogue with the fake
// and compares what discordgo sent with testdata/commands.golden.
func TestRegisteredCommandsGolden(t *testing.T) {
	t.Parallel()
	specs := commands.All(commands.Deps{Mail: specsOnly{}, MailDomain: "anopex.test"})
	h := newRecorder()
	h.specs = specs
	f := start(t, h, func(_ *discordtest.Options, c *Config) {
		c.Mailboxes = func(context.Context, string) []string { return nil }
	})
	var out bytes.Buffer
	if err := json.Indent(&out, f.srv.Commands(), "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	golden := filepath.Join("testdata", "commands.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("registered commands (-want +got):\n%s", diff)
	}
	// Every spec can be run through the registered structure.
	for _, s := range specs {
		var opts []discordtest.Option
		for _, a := range s.Args {
			if !a.Optional {
				v := a.Type.Example
				if len(a.Choices) > 0 {
					v = a.Choices[0]
				}
				opts = append(opts, discordtest.Option{Name: a.Name, Value: v})
			}
		}
		if _, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, s.Path, opts...); err != nil {
			t.Errorf("%s: %v", s.Path, err)
		}
	}
}

func TestCommandsRefusesWhatDiscordCannotExpress(t *testing.T) {
	read := func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{}, nil }
	many := make([]bot.Arg, 26)
	for i := range many {
		many[i] = bot.Arg{Name: "a" + string(rune('a'+i)), Type: bot.ArgWord}
	}
	tests := []struct {
		name  string
		specs []bot.Spec
	}{
		{"bare and sub", []bot.Spec{{Path: "mail", Read: read}, {Path: "mail list", Read: read}}},
		{"four words", []bot.Spec{{Path: "a b c d", Read: read}}},
		{"bad name", []bot.Spec{{Path: "mail Liste!", Read: read}}},
		{"too many options", []bot.Spec{{Path: "x", Args: many, Read: read}}},
		{"duplicate argument", []bot.Spec{{Path: "x", Args: []bot.Arg{{Name: "a"}, {Name: "A"}}, Read: read}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Commands(tt.specs, false); err == nil {
				t.Error("Commands succeeded, want an error")
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	spec := &bot.Spec{Path: "x", Args: []bot.Arg{
		{Name: "a"}, {Name: "b", Optional: true}, {Name: "c", Optional: true}, {Name: "body", After: true}}}
	tests := []struct {
		name   string
		spec   *bot.Spec
		values map[string]string
		want   string
		user   bool // a *bot.UserError
	}{
		{"spec order", spec, map[string]string{"b": "2", "a": "1"}, "x 1 2", false},
		{"quotes", spec, map[string]string{"a": `dit "oui"`, "b": `c:\dir`}, `x “dit "oui"” c:\dir`, false},
		{"dashes and empty", spec, map[string]string{"a": "--", "b": ""}, `x "--" ""`, false},
		{"after", spec, map[string]string{"a": "1", "body": "texte -- libre"}, "x 1 -- texte -- libre", false},
		{"skipped optional", spec, map[string]string{"a": "1", "c": "3"}, "", true},
		{"unknown spec", nil, map[string]string{"z": "un deux"}, `x "un deux"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var order []string
			for k := range tt.values {
				order = append(order, k)
			}
			got, err := CommandLine("x", tt.spec, tt.values, order)
			var ue *bot.UserError
			if tt.user != errors.As(err, &ue) {
				t.Fatalf("CommandLine error = %v, want user error %v", err, tt.user)
			}
			if got != tt.want {
				t.Errorf("CommandLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzSplit checks the pieces of a long text: each within the limit and,
// when the text is valid UTF-8, valid too and together the whole text.
func FuzzSplit(f *testing.F) {
	f.Add("", 10)
	f.Add("une ligne\nune autre ligne\net une troisième", 12)
	f.Add(strings.Repeat("é", 50), 7)
	f.Add("motsanspaceaucun motsanspaceaucun", 5)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 1 || limit > 5000 {
			t.Skip()
		}
		parts := split(text, limit)
		var rebuilt strings.Builder
		for i, p := range parts {
			if n := utf8.RuneCountInString(p); n > limit {
				t.Fatalf("piece %d has %d characters, limit %d", i, n, limit)
			}
			if utf8.ValidString(text) && !utf8.ValidString(p) {
				t.Fatalf("piece %d is not valid UTF-8", i)
			}
			rebuilt.WriteString(p)
		}
		if utf8.ValidString(text) && strip(rebuilt.String()) != strip(text) {
			t.Fatalf("split(%q, %d) = %q: text lost", text, limit, parts)
		}
	})
}

// strip removes what split may cut on: line breaks and spaces.
func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xa0 || r == 0x1680 ||
			(r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000 {
			return -1
		}
		return r
	}, s)
}
