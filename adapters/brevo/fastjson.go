package brevo

import (
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
			return null || setString(&c.ModifiedAt, raw)
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

// setString stores a JSON string without escapes, of valid UTF-8.
func setString(p *string, raw []byte) bool {
	n := len(raw)
	if n < 2 || raw[0] != '"' {
		return false
	}
	s := raw[1 : n-1]
	for _, c := range s {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	if !utf8.Valid(s) {
		return false
	}
	*p = string(s)
	return true
}

// setInts stores a JSON array of integers, or null (a nil slice).
func setInts(p *[]int, raw []byte) bool {
	if string(raw) == "null" {
		*p = nil
		return true
	}
	if len(raw) < 2 || raw[0] != '[' {
		return false
	}
	out := []int{}
	in := strings.Trim(string(raw[1:len(raw)-1]), " \t\r\n")
	for f := range strings.SplitSeq(in, ",") {
		if in == "" {
			break
		}
		f = strings.Trim(f, " \t\r\n")
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return false
		}
		out = append(out, int(n))
	}
	*p = out
	return true
}
