package brevo

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/anopex/opsbot/adapters/internal/jsonscan"
)

// fastPage decodes a page with fastContacts when A is knownAttrs; false
// leaves the page to encoding/json.
func fastPage[A any](b []byte, page *contactsJSON[A], hint int) bool {
	p, ok := any(page).(*contactsJSON[knownAttrs])
	if !ok {
		return false
	}
	f, ok := fastContacts(b, hint)
	if ok {
		*p = f
	}
	return ok
}

// fastContacts decodes a page of contacts with the usual attribute names
// without reflection, as encoding/json does; ok is false when it cannot tell
// (an unusual shape or value: escaped strings, keys in another case, a
// number that is not an integer…), and the caller then uses encoding/json.
func fastContacts(b []byte, hint int) (page contactsJSON[knownAttrs], ok bool) {
	items := make([]contactJSON[knownAttrs], 0, max(hint, 0))
	var (
		lastMod    []byte // the previous contact's raw modifiedAt
		lastModStr string
	)
	var c *contactJSON[knownAttrs]
	start := func(int) {
		items = append(items, contactJSON[knownAttrs]{})
		c = &items[len(items)-1]
	}
	attr := func(k, raw []byte) bool {
		switch string(k) {
		case "PRENOM":
			c.Attributes.PRENOM = raw
		case "NOM":
			c.Attributes.NOM = raw
		case "FIRSTNAME":
			c.Attributes.FIRSTNAME = raw
		case "LASTNAME":
			c.Attributes.LASTNAME = raw
		default:
			return !folds(k, "PRENOM", "NOM", "FIRSTNAME", "LASTNAME")
		}
		return true
	}
	contact := func(k, raw []byte) bool {
		null := string(raw) == "null"
		switch string(k) {
		case "id":
			return null || setInt(&c.ID, raw)
		case "email":
			return null || setString(&c.Email, raw)
		case "emailBlacklisted":
			switch string(raw) {
			case "true":
				c.EmailBlacklisted = true
			case "false":
				c.EmailBlacklisted = false
			default:
				return null
			}
			return true
		case "modifiedAt":
			// Contacts imported together share their date: one string for
			// the run (which toBot's stampMemo then parses once).
			if len(lastMod) > 0 && bytes.Equal(raw, lastMod) {
				c.ModifiedAt = lastModStr
				return true
			}
			if null || !setString(&c.ModifiedAt, raw) {
				return null
			}
			lastMod, lastModStr = raw, c.ModifiedAt
			return true
		case "listIds":
			return setInts(&c.ListIDs, raw)
		case "listUnsubscribed":
			return setInts(&c.ListUnsubscribed, raw)
		case "attributes":
			return null || jsonscan.Object(raw, attr)
		}
		return !folds(k, "id", "email", "emailBlacklisted", "modifiedAt", "listIds", "listUnsubscribed", "attributes")
	}
	var seen [2]bool
	top := func(k, raw []byte) bool {
		switch string(k) {
		case "contacts":
			// ObjectWith has walked the array with start and contact.
			if seen[0] || len(raw) == 0 || raw[0] != '[' {
				return false
			}
			seen[0] = true
			page.Contacts = items
			return true
		case "count":
			var n int64
			if seen[1] || !setInt(&n, raw) {
				return false
			}
			seen[1] = true
			page.Count = int(n)
			return true
		}
		return !folds(k, "contacts", "count")
	}
	if !jsonscan.ObjectWith(b, "contacts", start, contact, top) {
		return contactsJSON[knownAttrs]{}, false
	}
	return page, true
}

// folds tells whether k matches one of names case-insensitively (and so
// would be taken by encoding/json).
func folds(k []byte, names ...string) bool {
	for _, n := range names {
		if len(n) == len(k) && strings.EqualFold(n, string(k)) {
			return true
		}
	}
	return false
}

// setInt stores a JSON integer as encoding/json does into an int64.
func setInt(p *int64, raw []byte) bool {
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return false
	}
	*p = n
	return true
}

// setString stores a JSON string without escapes, of valid UTF-8. raw is
// a string jsonscan has validated (no control character, no bare quote).
func setString(p *string, raw []byte) bool {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return false
	}
	s := raw[1 : n-1]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return false
	}
	*p = string(s)
	return true
}

// setInts stores a JSON array of integers, or null (a nil slice). raw is
// a value jsonscan has validated; anything but plain integers of up to 18
// digits is left to encoding/json (false).
func setInts(p *[]int, raw []byte) bool {
	if string(raw) == "null" {
		*p = nil
		return true
	}
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return false
	}
	in := raw[1 : len(raw)-1]
	out := make([]int, 0, bytes.Count(in, []byte{','})+1)
	i := skipSpace(in, 0)
	if i == len(in) {
		*p = out
		return true
	}
	for {
		neg := i < len(in) && in[i] == '-'
		if neg {
			i++
		}
		j := i
		var n int
		for j < len(in) && in[j] >= '0' && in[j] <= '9' {
			n = n*10 + int(in[j]-'0')
			j++
		}
		if j == i || j-i > 18 {
			return false
		}
		if neg {
			n = -n
		}
		out = append(out, n)
		i = skipSpace(in, j)
		if i == len(in) {
			*p = out
			return true
		}
		if in[i] != ',' {
			return false
		}
		i = skipSpace(in, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
