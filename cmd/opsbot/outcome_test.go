package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
)

// Every change names the read command that shows whether it happened (for
// an unknown outcome): a read command of the catalogue, whose placeholders
// are arguments of the change; the password changes name their recipient.
func TestChangesNameTheirVerification(t *testing.T) {
	_, a := demoApp(t)
	specs := commands.All(a.deps)
	reads := map[string]bool{}
	for _, s := range specs {
		if s.Read != nil {
			reads[s.Path] = true
		}
	}
	placeholder := regexp.MustCompile(`\{([^}]*)\}`)
	for _, s := range specs {
		if !s.IsChange() {
			if s.Verify != "" || s.Recipient != "" {
				t.Errorf("/%s is no change but names Verify %q / Recipient %q", s.Path, s.Verify, s.Recipient)
			}
			continue
		}
		line := placeholder.ReplaceAllString(s.Verify, "")
		words := strings.Fields(line)
		found := false
		for n := len(words); n > 0 && !found; n-- {
			found = reads[strings.Join(words[:n], " ")]
		}
		if !found {
			t.Errorf("/%s: Verify %q is not a read command", s.Path, s.Verify)
		}
		for _, m := range placeholder.FindAllStringSubmatch(s.Verify, -1) {
			if !slices.ContainsFunc(s.Args, func(a bot.Arg) bool { return a.Name == m[1] }) {
				t.Errorf("/%s: Verify %q names {%s}, which is not one of its arguments", s.Path, s.Verify, m[1])
			}
		}
	}
	for _, path := range []string{"mail passwd", "mail create"} {
		i := slices.IndexFunc(specs, func(s bot.Spec) bool { return s.Path == path })
		if i < 0 || specs[i].Recipient != "boite" {
			t.Errorf("/%s does not name its password's recipient", path)
		}
	}
}
