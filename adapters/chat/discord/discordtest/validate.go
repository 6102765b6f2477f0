package discordtest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// commandName is Discord's rule for command and option names (reference §4.1).
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// locales Discord accepts as localisation keys.
var locales = map[string]bool{
	"id": true, "da": true, "de": true, "en-GB": true, "en-US": true, "es-ES": true, "es-419": true,
	"fr": true, "hr": true, "it": true, "lt": true, "hu": true, "nl": true, "no": true, "pl": true,
	"pt-BR": true, "ro": true, "fi": true, "sv-SE": true, "vi": true, "tr": true, "cs": true, "el": true,
	"bg": true, "ru": true, "uk": true, "hi": true, "th": true, "zh-CN": true, "ja": true, "zh-TW": true, "ko": true,
}

// validateCommands checks a bulk overwrite like Discord does and returns
// the path of the first bad field and why, or "".
func validateCommands(cmds []map[string]any) (string, string) {
	if len(cmds) > 100 {
		return "_root", "Must be 100 or fewer in length."
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		at := fmt.Sprint(i)
		if t, ok := c["type"].(float64); ok && t != 1 {
			return at + ".type", "Only CHAT_INPUT commands are expected."
		}
		name, _ := c["name"].(string)
		if p, msg := checkNameDesc(at, c); msg != "" {
			return p, msg
		}
		if seen[name] {
			return at + ".name", "Application command names must be unique"
		}
		seen[name] = true
		size := utf8.RuneCountInString(name) + utf8.RuneCountInString(str(c["description"]))
		opts, _ := c["options"].([]any)
		n, p, msg := checkOptions(at, opts, 0)
		if msg != "" {
			return p, msg
		}
		if size+n > 8000 {
			return at, "Command exceeds maximum size (8000)"
		}
	}
	return "", ""
}

func str(v any) string { s, _ := v.(string); return s }

func checkNameDesc(at string, o map[string]any) (string, string) {
	name := str(o["name"])
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		return at + ".name", fmt.Sprintf("Invalid name %q: 1-32 lower-case letters, digits, - _ or '.", name)
	}
	if n := utf8.RuneCountInString(str(o["description"])); n < 1 || n > 100 {
		return at + ".description", "Must be between 1 and 100 in length."
	}
	for _, key := range []string{"name_localizations", "description_localizations"} {
		loc, _ := o[key].(map[string]any)
		for l, v := range loc {
			if !locales[l] {
				return at + "." + key + "." + l, "Invalid locale."
			}
			n := utf8.RuneCountInString(str(v))
			if key == "name_localizations" && (!commandName.MatchString(str(v)) || strings.ToLower(str(v)) != str(v)) {
				return at + "." + key + "." + l, "Invalid localized name."
			}
			if n < 1 || n > 100 {
				return at + "." + key + "." + l, "Must be between 1 and 100 in length."
			}
		}
	}
	return "", ""
}

// checkOptions checks the options of a command (depth 0), of a group (1)
// or of a subcommand (2) and returns the characters they count.
func checkOptions(at string, opts []any, depth int) (int, string, string) {
	if len(opts) > 25 {
		return 0, at + ".options", "Must be 25 or fewer in length."
	}
	size := 0
	seen := map[string]bool{}
	sawOptional, sawSub, sawValue := false, false, false
	for j, raw := range opts {
		o, ok := raw.(map[string]any)
		p := fmt.Sprintf("%s.options.%d", at, j)
		if !ok {
			return 0, p, "Must be an object."
		}
		if path, msg := checkNameDesc(p, o); msg != "" {
			return 0, path, msg
		}
		name := str(o["name"])
		if seen[name] {
			return 0, p + ".name", "Option names must be unique"
		}
		seen[name] = true
		size += utf8.RuneCountInString(name) + utf8.RuneCountInString(str(o["description"]))
		t, _ := o["type"].(float64)
		sub, _ := o["options"].([]any)
		switch {
		case t == 1 || t == 2:
			sawSub = true
			if depth >= 2 || (t == 2 && depth == 1) {
				return 0, p + ".type", "Sub-command and sub-command group option types are mutually exclusive to all other types"
			}
			if o["required"] == true {
				return 0, p + ".required", "Sub-commands cannot be required."
			}
			inner := 2
			if t == 2 {
				inner = 1
				for k, so := range sub {
					if m, _ := so.(map[string]any); m == nil || m["type"] != float64(1) {
						return 0, fmt.Sprintf("%s.options.%d.type", p, k), "A sub-command group holds sub-commands only."
					}
				}
			}
			n, path, msg := checkOptions(p, sub, inner)
			if msg != "" {
				return 0, path, msg
			}
			size += n
		case t >= 3 && t <= 11:
			sawValue = true
			if depth == 1 {
				return 0, p + ".type", "A sub-command group holds sub-commands only."
			}
			if len(sub) > 0 {
				return 0, p + ".options", "Only sub-commands and groups have options."
			}
			req := o["required"] == true
			if req && sawOptional {
				return 0, p + ".required", "Required options must be placed before non-required options"
			}
			sawOptional = sawOptional || !req
			choices, _ := o["choices"].([]any)
			if len(choices) > 25 {
				return 0, p + ".choices", "Must be 25 or fewer in length."
			}
			if len(choices) > 0 && o["autocomplete"] == true {
				return 0, p + ".autocomplete", "Autocomplete and choices are mutually exclusive."
			}
			if o["autocomplete"] == true && t != 3 && t != 4 && t != 10 {
				return 0, p + ".autocomplete", "Autocomplete is only for string, integer and number options."
			}
			for k, ch := range choices {
				m, _ := ch.(map[string]any)
				cn := utf8.RuneCountInString(str(m["name"]))
				if cn < 1 || cn > 100 {
					return 0, fmt.Sprintf("%s.choices.%d.name", p, k), "Must be between 1 and 100 in length."
				}
				size += cn + utf8.RuneCountInString(fmt.Sprint(m["value"]))
			}
		default:
			return 0, p + ".type", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}."
		}
	}
	if sawSub && sawValue {
		return 0, at + ".options", "Sub-command and sub-command group option types are mutually exclusive to all other types"
	}
	return size, "", ""
}
