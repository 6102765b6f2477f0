package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
)

// verb matches a printf verb with its flags, width and argument index.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs returns the sorted printf verbs of s, %% left out; %q counts as %s
// (French quotes « %s » where English writes %q).
func verbs(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		if q, ok := strings.CutSuffix(v, "q"); ok {
			v = q + "s"
		}
		if v != "%%" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Every message people read exists in both languages: each French/English
// pair in the code (Call.T, Locale.Pick, the console's tr, bot.Userf) has
// both texts, and the two format the same arguments (the same printf verbs;
// Userf's indexed verbs may pick a language's own argument), and every
// command of every family has its French and English help.
func TestEveryMessageInBothLocales(t *testing.T) {
	fset := token.NewFileSet()
	pairs := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if name != "T" && name != "Pick" && name != "tr" && name != "Userf" {
				return true
			}
			fr, ok1 := literal(call.Args[0])
			en, ok2 := literal(call.Args[1])
			if !ok1 || !ok2 {
				return true
			}
			pairs++
			at := fset.Position(call.Pos())
			switch {
			case strings.TrimSpace(fr) == "" || strings.TrimSpace(en) == "":
				t.Errorf("%s: %s(%q, %q): a language is missing", at, name, fr, en)
			case name != "Userf" && !slices.Equal(verbs(fr), verbs(en)):
				t.Errorf("%s: %s: French %v and English %v format different arguments:\n  %q\n  %q", at, name, verbs(fr), verbs(en), fr, en)
			case name == "Userf" && len(verbs(fr)) != len(verbs(en)):
				t.Errorf("%s: Userf: French has %d verbs, English %d:\n  %q\n  %q", at, len(verbs(fr)), len(verbs(en)), fr, en)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pairs < 300 {
		t.Errorf("only %d message pairs found: is the walk reading the code?", pairs)
	}

	_, a := demoApp(t)
	a.deps.Alerts = (*alerts.Scheduler)(nil)
	for _, s := range commands.All(a.deps) {
		if s.Help == "" || s.HelpEN == "" || s.Help == s.HelpEN {
			t.Errorf("/%s: help %q, English help %q", s.Path, s.Help, s.HelpEN)
		}
	}
}

// literal returns the value of a string literal (or a concatenation of them).
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		l, ok1 := literal(e.X)
		r, ok2 := literal(e.Y)
		return l + r, ok1 && ok2 && e.Op == token.ADD
	}
	return "", false
}

// The whole demo script played in English shows no French sentence: every
// answer, preview, outcome and alert the script reaches is translated (the
// members' names, the providers' ticket subjects and the letters opsbot
// writes to French providers, in French on purpose, are data, not text).
func TestDemoInEnglishHasNoFrench(t *testing.T) {
	script, err := os.ReadFile("testdata/demo.script")
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := playDemoIn(t, "en", string(script))
	french := regexp.MustCompile(`(?i)\b(demande|approuvée?|aperçu|réservée?|rien n'a|mot de passe|privé|échouée?|refaites|boîte|adhérent|vérifie[rz]?|aujourd'hui|n°)\b`)
	for i, line := range strings.Split(out, "\n") {
		if m := french.FindString(line); m != "" && !strings.Contains(line, "] mail to ") {
			t.Errorf("line %d in English holds French %q: %s", i+1, m, line)
		}
	}
}
