package discord

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/anopex/opsbot/bot"
)

// Discord's limits on application commands (reference §4.1).
const (
	maxOptions     = 25
	maxChoices     = 25
	maxDescription = 100
	maxCommands    = 100
)

// validName reports whether s is a valid command or option name:
// ^[-_'\p{L}\p{N}]{1,32}$. A loop, not a regexp: compiling that class at
// start-up allocated 1.2 MB, a twentieth of the idle demo's memory.
func validName(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '-' && r != '_' && r != '\'' {
			return false
		}
		n++
	}
	return n >= 1 && n <= 32
}

// autocompleted reports whether an argument gets Discord's autocompletion:
// e-mail arguments when a mailbox source is configured, and roles.
func autocompleted(a bot.Arg, mailboxes bool) bool {
	if len(a.Choices) > 0 {
		return false
	}
	return (a.Type.Name == bot.ArgEmail.Name && mailboxes) || a.Type.Name == "role"
}

// Commands turns the specs into the guild's application commands: paths
// grouped by their first word into commands with subcommands (and a
// subcommand group for a three-word path), one string option per argument.
// mailboxes turns on the autocompletion of e-mail arguments. A path Discord
// cannot express (a bare command that also has subcommands, four words, a
// name it refuses) or a limit exceeded is an error.
func Commands(specs []bot.Spec, mailboxes bool) ([]*discordgo.ApplicationCommand, error) {
	root := &tree{}
	for i := range specs {
		s := &specs[i]
		words := s.Words()
		if len(words) == 0 || len(words) > 3 {
			return nil, fmt.Errorf("discord: command %q: a Discord command has one to three words", s.Path)
		}
		n := root
		for _, w := range words {
			w = strings.ToLower(w)
			if !validName(w) {
				return nil, fmt.Errorf("discord: command %q: %q is not a valid Discord name", s.Path, w)
			}
			if n.spec != nil {
				return nil, fmt.Errorf("discord: command %q has subcommands and cannot be run bare on Discord", n.spec.Path)
			}
			if n.kids == nil {
				n.kids = map[string]*tree{}
			}
			if n.kids[w] == nil {
				n.kids[w] = &tree{}
			}
			n = n.kids[w]
		}
		if len(n.kids) > 0 {
			return nil, fmt.Errorf("discord: command %q has subcommands and cannot be run bare on Discord", s.Path)
		}
		n.spec = s
	}
	if len(root.kids) > maxCommands {
		return nil, fmt.Errorf("discord: %d commands, Discord allows %d", len(root.kids), maxCommands)
	}
	// Each first word is a command, with what its subcommand would hold.
	top, err := root.options("", mailboxes)
	if err != nil {
		return nil, err
	}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	var out []*discordgo.ApplicationCommand
	for _, o := range top {
		out = append(out, &discordgo.ApplicationCommand{Name: o.Name, Type: discordgo.ChatApplicationCommand, Contexts: &guildOnly,
			Description: o.Description, DescriptionLocalizations: &o.DescriptionLocalizations, Options: o.Options})
	}
	return out, nil
}

// tree is a command path's word: a spec, or the next words.
type tree struct {
	spec *bot.Spec
	kids map[string]*tree
}

// describe returns the French and English descriptions of the word: its
// spec's help (its path when it has none), or the list of the next words.
func (n *tree) describe(path string) (fr, en string) {
	if s := n.spec; s != nil {
		fr = cmp.Or(s.Help, "/"+s.Path)
		return truncate(fr), truncate(cmp.Or(s.HelpEN, fr))
	}
	names := strings.Join(slices.Sorted(maps.Keys(n.kids)), ", ")
	return truncate("Commandes " + path + " : " + names), truncate(path + " commands: " + names)
}

// options returns the spec's arguments, or one subcommand (or group) per
// next word, sorted.
func (n *tree) options(path string, mailboxes bool) ([]*discordgo.ApplicationCommandOption, error) {
	if n.spec != nil {
		return options(n.spec, mailboxes)
	}
	if path != "" && len(n.kids) > maxOptions {
		return nil, fmt.Errorf("discord: command %q has %d subcommands, Discord allows %d", path, len(n.kids), maxOptions)
	}
	var out []*discordgo.ApplicationCommandOption
	for _, name := range slices.Sorted(maps.Keys(n.kids)) {
		k, sub := n.kids[name], strings.TrimPrefix(path+" "+name, " ")
		fr, en := k.describe(sub)
		opts, err := k.options(sub, mailboxes)
		if err != nil {
			return nil, err
		}
		typ := discordgo.ApplicationCommandOptionSubCommand
		if k.spec == nil {
			typ = discordgo.ApplicationCommandOptionSubCommandGroup
		}
		out = append(out, &discordgo.ApplicationCommandOption{Type: typ, Name: name,
			Description: fr, DescriptionLocalizations: localized(en), Options: opts})
	}
	return out, nil
}

// options returns one string option per argument, required ones first
// (Discord's rule); the command line is rebuilt in the spec's order anyway.
func options(s *bot.Spec, mailboxes bool) ([]*discordgo.ApplicationCommandOption, error) {
	if len(s.Args) > maxOptions {
		return nil, fmt.Errorf("discord: command %q has %d arguments, Discord allows %d", s.Path, len(s.Args), maxOptions)
	}
	var req, opt []*discordgo.ApplicationCommandOption
	seen := map[string]bool{}
	for _, a := range s.Args {
		name := strings.ToLower(a.Name)
		if !validName(name) || seen[name] {
			return nil, fmt.Errorf("discord: command %q: argument %q is not a valid, unique Discord name", s.Path, a.Name)
		}
		seen[name] = true
		if len(a.Choices) > maxChoices {
			return nil, fmt.Errorf("discord: command %q: argument %q has %d choices, Discord allows %d", s.Path, a.Name, len(a.Choices), maxChoices)
		}
		fr, en := describeArg(a)
		o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
			Description: fr, DescriptionLocalizations: localized(en), Required: !a.Optional,
			Autocomplete: autocompleted(a, mailboxes)}
		for _, c := range a.Choices {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(c), Value: c})
		}
		if o.Required {
			req = append(req, o)
		} else {
			opt = append(opt, o)
		}
	}
	return append(req, opt...), nil
}

// typeLabels names argument types for people, in French and English.
var typeLabels = map[string][2]string{
	"email": {"adresse e-mail", "e-mail address"}, "emails": {"adresses e-mail", "e-mail addresses"}, "quota": {"taille", "size"},
	"count": {"nombre", "number"}, "id": {"numéro", "number"}, "word": {"mot", "word"},
	"text": {"texte", "text"}, "role": {"rôle", "role"}, "domain": {"domaine", "domain"},
}

func describeArg(a bot.Arg) (fr, en string) {
	label, ok := typeLabels[cmp.Or(a.Type.Name, "text")]
	if !ok {
		label = [2]string{a.Type.Name, a.Type.Name}
	}
	fr, en = label[0], label[1]
	if a.Type.Example != "" && len(a.Choices) == 0 {
		fr += ", par exemple " + a.Type.Example
		en += ", e.g. " + a.Type.Example
	}
	if (a.Rest || a.After) && a.Type.Name != bot.ArgText.Name {
		fr += " (texte libre)"
		en += " (free text)"
	}
	return truncate(fr), truncate(en)
}

// localized gives en to both English locales Discord has.
func localized(en string) map[discordgo.Locale]string {
	return map[discordgo.Locale]string{discordgo.EnglishUS: en, discordgo.EnglishGB: en}
}

// truncate cuts s to Discord's 100 characters for descriptions and choices.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= maxDescription {
		return s
	}
	r := []rune(s)
	return string(r[:maxDescription-1]) + "…"
}

// invocationPath reads the command path and the leaf options of an
// interaction: "mail forward add" and the options of "add".
func invocationPath(d discordgo.ApplicationCommandInteractionData) (string, []*discordgo.ApplicationCommandInteractionDataOption) {
	words := []string{d.Name}
	opts := d.Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		words = append(words, opts[0].Name)
		opts = opts[0].Options
	}
	return strings.Join(words, " "), opts
}

// optionValue renders an option's value as the text a person would type.
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(o.Value)
}

// CommandLine rebuilds the engine's command line from a command path and
// the option values: spec.Line, which quotes the values so the tokenizer
// reads them back and writes an After argument after " -- ". A spec of nil
// (a command the engine no longer has) keeps the values in the given order.
// Leaving out an optional argument while giving a later one cannot be
// written positionally: that is a *bot.UserError.
func CommandLine(path string, spec *bot.Spec, values map[string]string, order []string) (string, error) {
	if spec == nil {
		for _, k := range order {
			path += " " + bot.Quote(values[k])
		}
		return path, nil
	}
	args, skipped := bot.Values{}, ""
	for _, a := range spec.Args {
		v, ok := values[strings.ToLower(a.Name)]
		switch {
		case !ok && !a.After:
			skipped = cmp.Or(skipped, a.Name) // the first one left out
		case ok && !a.After && skipped != "":
			return "", bot.Userf("pour donner « %s », donnez aussi « %s »", "to give %q, also give %q", a.Name, skipped)
		case ok:
			args[a.Name] = v
		}
	}
	return spec.Line(args), nil
}
