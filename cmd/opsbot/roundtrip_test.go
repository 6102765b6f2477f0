package main

import (
	"maps"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
)

// typed are argument values as people type them, each in a form the
// tokenizer groups: quotes of every kind, apostrophes, backslashes, a
// quoted "--", non-breaking spaces, an empty word.
var typed = []string{`« Disque "plein" »`, `“C:\dir x”`, `'Panne d'accès'`, `"a \"b\" ”c”"`, `"--"`, `""`,
	"l'accès", "un\u00a0mot", "\"x\ny\"", "«a»", `"'x"`, "\\'", "membre du CA", "2 Go"}

// FuzzLineRoundTrip: the arguments of every command, rendered by Spec.Line
// (the request's "ask again: /…"), read back the way the engine reads a
// command: the same spec by the longest path, the same values; and its
// VerifyLine, one word for each argument it names. The seeds
// in testdata/fuzz name a command by its index in the demo's commands.All.
func FuzzLineRoundTrip(f *testing.F) {
	_, a := demoApp(f)
	a.deps.Alerts = (*alerts.Scheduler)(nil)
	specs := commands.All(a.deps)
	for i, s := range specs {
		examples := make([]string, len(s.Args))
		for k, arg := range s.Args {
			examples[k] = arg.Type.Example
			if len(arg.Choices) > 0 {
				examples[k] = arg.Choices[0]
			}
			if arg.After {
				examples[k] = "-- " + examples[k]
			}
		}
		f.Add(uint(i), strings.Join(examples, " "))
		for k, arg := range s.Args {
			for _, v := range typed {
				if arg.After {
					v = "-- " + v
				}
				f.Add(uint(i), strings.Join(append(append(examples[:k:k], v), examples[k+1:]...), " "))
			}
		}
	}
	f.Fuzz(func(t *testing.T, n uint, args string) {
		spec := &specs[n%uint(len(specs))]
		want, err := parse(spec, args)
		if err != nil {
			return
		}
		line := spec.Line(want)
		if len(line) > bot.MaxLine {
			return // what the engine refuses to read, it never renders
		}
		words, _, _, err := bot.Tokenize(line)
		if err != nil {
			t.Fatalf("/%s %s: Line = %q, which does not tokenize: %v", spec.Path, args, line, err)
		}
		var back *bot.Spec
		for i := range specs {
			w := specs[i].Words()
			if len(w) <= len(words) && (back == nil || len(w) > len(back.Words())) && strings.EqualFold(strings.Join(words[:len(w)], " "), specs[i].Path) {
				back = &specs[i]
			}
		}
		if back != spec {
			t.Fatalf("/%s %s: Line = %q, read back as another command", spec.Path, args, line)
		}
		got, err := parse(spec, strings.TrimSpace(line[len(spec.Path):]))
		if err != nil || !maps.Equal(got, want) {
			t.Fatalf("/%s %s: Line = %q, read back as %q, %v; want %q", spec.Path, args, line, got, err, want)
		}
		if words, _, _, err := bot.Tokenize(spec.VerifyLine(want)); err != nil || len(words) != len(strings.Fields(spec.Verify)) {
			t.Fatalf("/%s %s: VerifyLine = %q, read back as %q, %v; want %d words", spec.Path, args, spec.VerifyLine(want), words, err, len(strings.Fields(spec.Verify)))
		}
	})
}

// parse reads args, a command's arguments as typed, as the engine does.
func parse(spec *bot.Spec, args string) (bot.Values, error) {
	words, after, hasAfter, err := bot.Tokenize(args)
	if err != nil {
		return nil, err
	}
	return bot.ParseArgs(spec, words, after, hasAfter)
}
