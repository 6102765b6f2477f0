package dolibarrtest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Dolibarr's Universal Search Filter (reference §4): criteria
// (t.field:operator:value) joined by "and" / "or", parentheses allowed.
// Strings and dates are in single quotes; comparisons follow MySQL's usual
// case-insensitive collation.

// filter is a parsed sqlfilters expression.
type filter interface {
	eval(r row) bool
}

// row gives a column's value: a string, an int64, or nil for NULL. ok is
// false for a column the table does not have.
type row interface {
	col(name string) (v any, ok bool)
}

type andFilter []filter
type orFilter []filter

func (a andFilter) eval(r row) bool {
	for _, f := range a {
		if !f.eval(r) {
			return false
		}
	}
	return true
}

func (o orFilter) eval(r row) bool {
	for _, f := range o {
		if f.eval(r) {
			return true
		}
	}
	return false
}

type criterion struct {
	field string
	op    string
	str   string // unquoted value
	quote bool   // the value was quoted
	null  bool   // the value is null
}

// errUnknownColumn marks a filter naming a column the table lacks: Dolibarr
// then fails in SQL (503), not in validation (400).
var errUnknownColumn = errors.New("unknown column")

var operators = map[string]bool{"=": true, "!=": true, "<>": true, "<": true, ">": true, "<=": true, ">=": true,
	"like": true, "notlike": true, "is": true, "isnot": true, "in": true, "notin": true}

// parseFilter parses a sqlfilters string. The error says what is wrong.
func parseFilter(s string) (filter, error) {
	p := &parser{s: s}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.rest(), p.i)
	}
	return f, nil
}

type parser struct {
	s     string
	i     int
	depth int
}

func (p *parser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20]
	}
	return r
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// word consumes kw (case-insensitive) followed by a space or "(".
func (p *parser) word(kw string) bool {
	p.space()
	if len(p.s)-p.i < len(kw) || !strings.EqualFold(p.s[p.i:p.i+len(kw)], kw) {
		return false
	}
	j := p.i + len(kw)
	if j < len(p.s) && p.s[j] != ' ' && p.s[j] != '(' {
		return false
	}
	p.i = j
	return true
}

func (p *parser) or() (filter, error) {
	var terms orFilter
	for {
		t, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		if !p.word("or") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *parser) and() (filter, error) {
	var terms andFilter
	for {
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		if !p.word("and") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *parser) term() (filter, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return nil, fmt.Errorf("want ( at %d", p.i)
	}
	if c, n, ok := p.criterion(); ok {
		p.i += n
		return c, nil
	}
	p.depth++
	if p.depth > 20 {
		return nil, fmt.Errorf("too deep")
	}
	p.i++
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != ')' {
		return nil, fmt.Errorf("want ) at %d", p.i)
	}
	p.i++
	p.depth--
	return f, nil
}

// criterion tries to read "(field:op:value)" at p.i and returns it with its length.
func (p *parser) criterion() (criterion, int, bool) {
	s := p.s[p.i+1:]
	j := 0
	for j < len(s) && (s[j] == '.' || s[j] == '_' || s[j] < unicode.MaxASCII && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])))) {
		j++
	}
	if j == 0 || j >= len(s) || s[j] != ':' {
		return criterion{}, 0, false
	}
	c := criterion{field: strings.ToLower(s[:j])}
	k := j + 1
	for k < len(s) && s[k] != ':' && s[k] != ')' {
		k++
	}
	if k >= len(s) || s[k] != ':' {
		return criterion{}, 0, false
	}
	c.op = strings.ToLower(s[j+1 : k])
	if !operators[c.op] {
		return criterion{}, 0, false
	}
	v := s[k+1:]
	var n int
	if strings.HasPrefix(v, "'") {
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 || len(v) < end+3 || v[end+2] != ')' {
			return criterion{}, 0, false
		}
		c.str, c.quote, n = v[1:end+1], true, end+3
		if strings.ContainsAny(c.str, "()") { // Dolibarr's criterion is [^()]+
			return criterion{}, 0, false
		}
	} else {
		end := strings.IndexByte(v, ')')
		if end <= 0 {
			return criterion{}, 0, false
		}
		c.str, n = strings.TrimSpace(v[:end]), end+1
		if strings.EqualFold(c.str, "null") {
			c.null = true
		} else if _, err := strconv.ParseFloat(c.str, 64); err != nil && c.op != "in" && c.op != "notin" {
			return criterion{}, 0, false
		}
	}
	if (c.op == "is" || c.op == "isnot") != c.null {
		return criterion{}, 0, false
	}
	return c, 1 + k + 1 + n, true
}

// check returns errUnknownColumn if the filter names a column r lacks.
func check(f filter, r row) error {
	switch f := f.(type) {
	case andFilter:
		for _, g := range f {
			if err := check(g, r); err != nil {
				return err
			}
		}
	case orFilter:
		for _, g := range f {
			if err := check(g, r); err != nil {
				return err
			}
		}
	case criterion:
		if _, ok := r.col(f.field); !ok {
			return fmt.Errorf("%w %s", errUnknownColumn, f.field)
		}
	}
	return nil
}

func (c criterion) eval(r row) bool {
	v, _ := r.col(c.field)
	if c.null {
		return (v == nil) == (c.op == "is")
	}
	if v == nil {
		return false
	}
	switch c.op {
	case "in", "notin":
		found := false
		for _, item := range strings.Split(c.str, ",") {
			item = strings.Trim(strings.TrimSpace(item), "'")
			if compare(v, item, false) == 0 {
				found = true
			}
		}
		return found == (c.op == "in")
	case "like", "notlike":
		s := fmt.Sprint(v)
		return like(strings.ToLower(s), strings.ToLower(c.str)) == (c.op == "like")
	}
	n := compare(v, c.str, c.quote)
	switch c.op {
	case "=":
		return n == 0
	case "!=", "<>":
		return n != 0
	case "<":
		return n < 0
	case ">":
		return n > 0
	case "<=":
		return n <= 0
	case ">=":
		return n >= 0
	}
	return false
}

// compare compares a column value with a literal: numbers numerically,
// dates (int64 Unix seconds against 'YYYY-MM-DD[ HH:MM:SS]') as dates, text
// case-insensitively.
func compare(v any, lit string, quoted bool) int {
	switch v := v.(type) {
	case int64:
		if quoted {
			for _, layout := range []string{time.DateOnly, time.DateTime} {
				if t, err := time.Parse(layout, lit); err == nil {
					return cmpInt(v, t.Unix())
				}
			}
		}
		n, err := strconv.ParseInt(lit, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(lit, 64)
			return cmpInt(v, int64(f))
		}
		return cmpInt(v, n)
	case string:
		return strings.Compare(strings.ToLower(v), strings.ToLower(lit))
	}
	return -1
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// like reports whether s matches the SQL LIKE pattern p (% any run, _ any
// one character, \ escapes), both already lower-cased.
func like(s, p string) bool {
	sr, pr := []rune(s), []rune(p)
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && pr[pi] == '\\' && pi+1 < len(pr) && pr[pi+1] == sr[si]:
			si, pi = si+1, pi+2
		case pi < len(pr) && (pr[pi] == '_' || pr[pi] == sr[si] && pr[pi] != '%' && pr[pi] != '\\'):
			si, pi = si+1, pi+1
		case pi < len(pr) && pr[pi] == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '%' {
		pi++
	}
	return pi == len(pr)
}
