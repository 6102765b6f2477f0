package bot

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ArgType is an argument type: its name in help, an example, and a check
// that normalises a value or returns a *UserError naming what is wrong and
// how to write it.
type ArgType struct {
	Name    string // "email", "quota"
	Example string // "jeanne.martin@anopex.test"
	Check   func(s string) (string, error)
	// Personal marks a member's address or name: the audit log keeps it
	// masked (auditArgs), a member number as it is.
	Personal bool
	// Known marks values taken from a known list (the configured
	// functions): a Rest argument of the type, followed by another one, is
	// cut where Check accepts its words and the next argument the rest;
	// two such cuts are refused as ambiguous.
	Known bool
}

// Arg is one positional argument of a command.
type Arg struct {
	Name     string // "boite": as shown in usage and error messages
	Type     ArgType
	Optional bool
	Rest     bool // takes every remaining word, joined by single spaces
	After    bool // takes the raw text after a lone "--"
	Choices  []string
}

// Values holds validated, normalised arguments by name. Absent optional
// arguments are missing from the map.
type Values map[string]string

// auditArgs returns v with each Personal argument of s masked, so the
// audit log keeps no copy of a member's record: a member number (an ID)
// stays, an address keeps its first letter and its domain ("j…@exemple.fr"),
// a name its first letter.
func (s *Spec) auditArgs(v Values) Values {
	out := maps.Clone(v)
	for _, a := range s.Args {
		val, ok := v[a.Name]
		if !ok || !a.Type.Personal || strings.Trim(val, "0123456789") == "" {
			continue
		}
		local, domain, at := strings.Cut(val, "@")
		r, _ := utf8.DecodeRuneInString(local)
		out[a.Name] = string(r) + "…"
		if at {
			out[a.Name] += "@" + domain
		}
	}
	return out
}

// Get returns the value of name or "".
func (v Values) Get(name string) string { return v[name] }

// Int returns the value of name as an int (validated types guarantee it).
func (v Values) Int(name string) int {
	n, _ := strconv.Atoi(v[name])
	return n
}

// Has reports whether name was given.
func (v Values) Has(name string) bool { _, ok := v[name]; return ok }

// MaxLine is the longest command line the engine accepts.
const MaxLine = 4000

// quotes maps each opening quote to its closing one.
var quotes = map[rune]rune{'"': '"', '“': '”', '«': '»', '\'': '\''}

// Tokenize splits a command line into words. Straight or typographic double
// quotes ("Jean Dupont", “Jean Dupont”, « Jean Dupont ») group words, the
// spaces inside « » trimmed; a backslash escapes the next character inside straight
// double quotes. An apostrophe is a letter ("d'accès"): a single quote groups
// words only when it starts a word and a later one ends a word ('Jean
// Dupont'). A lone "--" ends the words: what follows it is returned verbatim
// (trimmed) as after, and hasAfter is true. Control characters other than
// tab and newline are refused.
func Tokenize(line string) (words []string, after string, hasAfter bool, err error) {
	if len(line) > MaxLine {
		return nil, "", false, Userf("commande trop longue (%d caractères, %d au plus)", "command too long (%d characters, at most %d)", len(line), MaxLine)
	}
	if !utf8.ValidString(line) {
		return nil, "", false, Userf("la commande contient des octets qui ne sont pas de l'UTF-8", "the command holds bytes that are not UTF-8")
	}
	for _, r := range line {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return nil, "", false, Userf("la commande contient un caractère de contrôle (U+%04X) : retirez-le", "the command holds a control character (U+%04X): remove it", r)
		}
	}
	var cur strings.Builder
	inWord := false
	quote, opened, start := rune(0), rune(0), 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case quote != 0:
			switch {
			case r == quote && (quote != '\'' || i+size == len(line) || isSpaceAt(line, i+size)):
				if quote == '»' { // French typography spaces the text inside « »
					w := cur.String()
					cur.Reset()
					cur.WriteString(w[:start] + strings.TrimSpace(w[start:]))
				}
				quote = 0
			case r == '\\' && quote == '"' && i+size < len(line):
				r2, s2 := utf8.DecodeRuneInString(line[i+size:])
				cur.WriteRune(r2)
				i += size + s2
				continue
			default:
				cur.WriteRune(r)
			}
		case quotes[r] != 0 && (r != '\'' || !inWord && closesWord(line[i+size:])):
			quote, opened, start = quotes[r], r, cur.Len()
			inWord = true
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '-' && !inWord && strings.HasPrefix(line[i:], "--") && (i+2 == len(line) || isSpaceAt(line, i+2)):
			return words, strings.TrimSpace(line[i+2:]), true, nil
		default:
			cur.WriteRune(r)
			inWord = true
		}
		i += size
	}
	if quote != 0 {
		return nil, "", false, Userf("guillemet %c non refermé : fermez-le, par exemple \"Jean Dupont\"", "unclosed quote %c: close it, e.g. \"Jean Dupont\"", opened)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, "", false, nil
}

// Quote returns v as one word Tokenize reads back as v: unchanged when it
// is a plain word; else in straight double quotes, or in “ ” when v holds
// a straight double quote or a backslash, since a chat's Markdown eats the
// backslash of \" and \\ in a line shown to be typed again; escaped with
// backslashes only when v holds ” too. An apostrophe inside a word is a
// letter; one starting it may open a quote (Tokenize).
func Quote(v string) string {
	switch {
	case v != "" && v != "--" && !strings.HasPrefix(v, "'") && !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || quotes[r] != 0 && r != '\''
	}):
		return v
	case !strings.ContainsAny(v, `"\`):
		return `"` + v + `"`
	case !strings.Contains(v, "”"):
		return "“" + v + "”"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// closesWord reports whether s holds a single quote that ends a word.
func closesWord(s string) bool {
	for i := strings.IndexByte(s, '\''); i >= 0; i = strings.IndexByte(s, '\'') {
		if i+1 == len(s) || isSpaceAt(s, i+1) {
			return true
		}
		s = s[i+1:]
	}
	return false
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// ParseArgs validates words (and the text after "--") against args. Every
// error is a *UserError that names the argument, what is wrong, and the
// usage line of the command.
func ParseArgs(s *Spec, words []string, after string, hasAfter bool) (Values, error) {
	v := Values{}
	usage := func(e *UserError) error {
		return &UserError{FR: e.FR + "\nUsage : /" + s.Usage(), EN: e.EN + "\nUsage: /" + s.Usage()}
	}
	i := 0
	for k, a := range s.Args {
		var raw string
		var given bool
		switch {
		case a.After:
			raw, given = after, hasAfter && after != ""
			hasAfter = false
		case a.Rest, k > 0 && s.Args[k-1].Rest: // the tail a Rest argument left
			if i < len(words) {
				end, err := restEnd(a, s.Args[k+1:], words, i)
				if err != nil {
					return nil, usage(err)
				}
				raw, given = strings.Join(words[i:end], " "), true
				i = end
			}
		case i < len(words):
			raw, given = words[i], true
			i++
		}
		if !given {
			if a.Optional {
				continue
			}
			return nil, usage(Userf("argument manquant : %s (par exemple %s)", "missing argument: %s (for example %s)", a.Name, cmp.Or(a.Type.Example, strings.Join(a.Choices, ", "))))
		}
		val, err := checkArg(a, raw)
		if err != nil {
			return nil, usage(err)
		}
		v[a.Name] = val
	}
	if i < len(words) {
		return nil, usage(Userf("argument en trop : « %s »", "unexpected argument: %q", words[i]))
	}
	if hasAfter {
		return nil, usage(Userf("cette commande n'accepte pas de texte après « -- »", "this command takes no text after \"--\""))
	}
	return v, nil
}

// restEnd returns where the words of the Rest argument a starting at i
// end: before the longest tail the next argument accepts, if there is one,
// at least one word left. A lone number after several words stays in the
// text ("Refonte 2026"). A Known type is cut where both accept their words
// (knownEnd).
func restEnd(a Arg, next []Arg, words []string, i int) (int, *UserError) {
	if len(next) == 0 || next[0].After || next[0].Type.Check == nil {
		return len(words), nil
	}
	if a.Type.Known && a.Type.Check != nil {
		if end, err := knownEnd(a, next[0], words, i); end > 0 || err != nil {
			return end, err
		}
	}
	for j := i + 1; j < len(words); j++ {
		if j == len(words)-1 && j > i+1 && strings.Trim(words[j], "0123456789") == "" {
			break
		}
		if _, err := next[0].Type.Check(strings.Join(words[j:], " ")); err == nil {
			return j, nil
		}
	}
	return len(words), nil
}

// knownEnd returns the one cut of words[i:] where a's Check accepts the
// words before it and next's the words after (none after, when next is
// optional): "membre du CA jean" is the function « membre du CA » and the
// mailbox jean. It returns 0 when no cut fits (restEnd then cuts as for any
// text, so that the error names the wrong words), and refuses two cuts.
func knownEnd(a, next Arg, words []string, i int) (int, *UserError) {
	var ends []int
	var fr, en []string // each cut, read aloud
	for j := i + 1; j <= len(words); j++ {
		v, err := a.Type.Check(strings.Join(words[i:j], " "))
		if err != nil || j == len(words) && !next.Optional {
			continue
		}
		rFR, rEN := fmt.Sprintf("%s « %s »", a.Name, v), fmt.Sprintf("%s %q", a.Name, v)
		if j < len(words) {
			w, err := next.Type.Check(strings.Join(words[j:], " "))
			if err != nil {
				continue
			}
			rFR += fmt.Sprintf(" et %s « %s »", next.Name, w)
			rEN += fmt.Sprintf(" and %s %q", next.Name, w)
		}
		ends, fr, en = append(ends, j), append(fr, rFR), append(en, rEN)
	}
	switch len(ends) {
	case 0:
		return 0, nil
	case 1:
		return ends[0], nil
	}
	return 0, Userf("« %[1]s » se lit de plusieurs façons : %[2]s. Mettez l'argument %[4]s entre guillemets, ou écrivez l'argument %[5]s en entier.",
		"%[1]q reads in more than one way: %[3]s. Quote the argument %[4]s, or write the argument %[5]s in full.",
		strings.Join(words[i:], " "), strings.Join(fr, " ; ou "), strings.Join(en, "; or "), a.Name, next.Name)
}

func checkArg(a Arg, raw string) (string, *UserError) {
	if len(a.Choices) > 0 {
		if i := slices.IndexFunc(a.Choices, func(c string) bool { return strings.EqualFold(c, raw) }); i >= 0 {
			return a.Choices[i], nil
		}
		return "", Userf("%s : « %s » n'est pas une valeur possible ; choisissez parmi %s", "%s: %q is not allowed; choose one of %s", a.Name, raw, strings.Join(a.Choices, ", "))
	}
	if a.Type.Check == nil {
		return raw, nil
	}
	val, err := a.Type.Check(raw)
	if err != nil {
		ue, ok := err.(*UserError)
		if !ok {
			ue = Userf("valeur invalide", "invalid value")
		}
		return "", &UserError{FR: a.Name + " : " + ue.FR, EN: a.Name + ": " + ue.EN}
	}
	return val, nil
}
