package discord

import (
	"fmt"
	"sort"
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

// English localisations are given for both English locales Discord has.
var englishLocales = []discordgo.Locale{discordgo.EnglishUS, discordgo.EnglishGB}

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
	type node struct {
		spec     *bot.Spec
		children map[string]*node
		order    []string
	}
	root := &node{children: map[string]*node{}}
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
			child := n.children[w]
			if child == nil {
				child = &node{children: map[string]*node{}}
				n.children[w] = child
				n.order = append(n.order, w)
			}
			n = child
		}
		n.spec = s
	}
	var out []*discordgo.ApplicationCommand
	sort.Strings(root.order)
	if len(root.order) > maxCommands {
		return nil, fmt.Errorf("discord: %d commands, Discord allows %d", len(root.order), maxCommands)
	}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	for _, name := range root.order {
		top := root.children[name]
		cmd := &discordgo.ApplicationCommand{Name: name, Type: discordgo.ChatApplicationCommand, Contexts: &guildOnly}
		if top.spec != nil {
			if len(top.children) > 0 {
				return nil, fmt.Errorf("discord: command %q has subcommands and cannot be run bare on Discord", top.spec.Path)
			}
			fr, en := describe(top.spec)
			cmd.Description, cmd.DescriptionLocalizations = fr, localized(en)
			opts, err := options(top.spec, mailboxes)
			if err != nil {
				return nil, err
			}
			cmd.Options = opts
			out = append(out, cmd)
			continue
		}
		sort.Strings(top.order)
		cmd.Description = truncate("Commandes " + name + " : " + strings.Join(top.order, ", "))
		cmd.DescriptionLocalizations = localized(truncate(name + " commands: " + strings.Join(top.order, ", ")))
		if len(top.order) > maxOptions {
			return nil, fmt.Errorf("discord: command %q has %d subcommands, Discord allows %d", name, len(top.order), maxOptions)
		}
		for _, sub := range top.order {
			n := top.children[sub]
			if n.spec != nil && len(n.children) > 0 {
				return nil, fmt.Errorf("discord: command %q has subcommands and cannot be run bare on Discord", n.spec.Path)
			}
			if n.spec != nil {
				o, err := subcommand(sub, n.spec, mailboxes)
				if err != nil {
					return nil, err
				}
				cmd.Options = append(cmd.Options, o)
				continue
			}
			sort.Strings(n.order)
			if len(n.order) > maxOptions {
				return nil, fmt.Errorf("discord: group %q %q has %d subcommands, Discord allows %d", name, sub, len(n.order), maxOptions)
			}
			group := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: sub,
				Description:              truncate("Commandes " + name + " " + sub + " : " + strings.Join(n.order, ", ")),
				DescriptionLocalizations: *localized(truncate(name + " " + sub + " commands: " + strings.Join(n.order, ", ")))}
			for _, leaf := range n.order {
				o, err := subcommand(leaf, n.children[leaf].spec, mailboxes)
				if err != nil {
					return nil, err
				}
				group.Options = append(group.Options, o)
			}
			cmd.Options = append(cmd.Options, group)
		}
		out = append(out, cmd)
	}
	return out, nil
}

func subcommand(name string, s *bot.Spec, mailboxes bool) (*discordgo.ApplicationCommandOption, error) {
	opts, err := options(s, mailboxes)
	if err != nil {
		return nil, err
	}
	fr, en := describe(s)
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name,
		Description: fr, DescriptionLocalizations: *localized(en), Options: opts}, nil
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
			Description: fr, DescriptionLocalizations: *localized(en), Required: !a.Optional,
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

func describe(s *bot.Spec) (fr, en string) {
	fr = s.Help
	if fr == "" {
		fr = "/" + s.Path
	}
	en = s.HelpEN
	if en == "" {
		en = fr
	}
	return truncate(fr), truncate(en)
}

// typeLabels names argument types for people, in French and English.
var typeLabels = map[string][2]string{
	"email": {"adresse e-mail", "e-mail address"}, "quota": {"taille", "size"},
	"count": {"nombre", "number"}, "id": {"numéro", "number"}, "word": {"mot", "word"},
	"text": {"texte", "text"}, "role": {"rôle", "role"}, "domain": {"domaine", "domain"},
}

func describeArg(a bot.Arg) (fr, en string) {
	label, ok := typeLabels[a.Type.Name]
	switch {
	case ok:
	case a.Type.Name != "":
		label = [2]string{a.Type.Name, a.Type.Name}
	default:
		label = [2]string{"texte", "text"}
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

func localized(en string) *map[discordgo.Locale]string {
	m := map[discordgo.Locale]string{}
	for _, l := range englishLocales {
		m[l] = en
	}
	return &m
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
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// CommandLine rebuilds the engine's command line from a command path and
// the option values, in the spec's argument order: values are quoted when
// the tokenizer would split or change them, and an After argument follows
// " -- ". A spec of nil (a command the engine no longer has) keeps the
// values in the given order. Leaving out an optional argument while giving
// a later one cannot be written positionally: that is a *bot.UserError.
func CommandLine(path string, spec *bot.Spec, values map[string]string, order []string) (string, error) {
	var b strings.Builder
	b.WriteString(path)
	if spec == nil {
		for _, k := range order {
			b.WriteByte(' ')
			b.WriteString(Quote(values[k]))
		}
		return b.String(), nil
	}
	skipped := ""
	after, hasAfter := "", false
	for _, a := range spec.Args {
		v, ok := values[strings.ToLower(a.Name)]
		if a.After {
			after, hasAfter = v, ok
			continue
		}
		if !ok {
			if skipped == "" {
				skipped = a.Name
			}
			continue
		}
		if skipped != "" {
			return "", bot.Userf("pour donner « %s », donnez aussi « %s »", "to give %q, also give %q", a.Name, skipped)
		}
		b.WriteByte(' ')
		b.WriteString(Quote(v))
	}
	if hasAfter {
		b.WriteString(" -- ")
		b.WriteString(after)
	}
	return b.String(), nil
}

// Quote returns v as one word of bot.Tokenize: unchanged when it is a plain
// word, else in double quotes with backslashes and double quotes escaped.
func Quote(v string) string {
	plain := v != "" && v != "--" && !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '\'' || r == '«' || r == '»' || r == '\\'
	})
	if plain {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}
