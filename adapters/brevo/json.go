package brevo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// contactJSON mirrors a Brevo contact (reference §4). Attributes stay raw:
// only the name attributes are decoded. A is the attributes' shape: the
// struct knownAttrs for the usual names (no map per contact: a page holds a
// thousand), or a map when the account uses other names.
type contactJSON[A any] struct {
	ID               int64  `json:"id"`
	Email            string `json:"email"`
	EmailBlacklisted bool   `json:"emailBlacklisted"`
	ModifiedAt       string `json:"modifiedAt"`
	ListIDs          []int  `json:"listIds"`
	ListUnsubscribed []int  `json:"listUnsubscribed"`
	Attributes       A      `json:"attributes"`
}

// knownAttrs holds the name attributes of French and English accounts.
type knownAttrs struct {
	PRENOM    json.RawMessage `json:"PRENOM"`
	NOM       json.RawMessage `json:"NOM"`
	FIRSTNAME json.RawMessage `json:"FIRSTNAME"`
	LASTNAME  json.RawMessage `json:"LASTNAME"`
}

// get returns the raw value of attribute name, if the struct holds it.
func (k knownAttrs) get(name string) (json.RawMessage, bool) {
	switch name {
	case "PRENOM":
		return k.PRENOM, k.PRENOM != nil
	case "NOM":
		return k.NOM, k.NOM != nil
	case "FIRSTNAME":
		return k.FIRSTNAME, k.FIRSTNAME != nil
	case "LASTNAME":
		return k.LASTNAME, k.LASTNAME != nil
	}
	return nil, false
}

// anyAttrs holds every attribute of an account with other names.
type anyAttrs map[string]json.RawMessage

func (a anyAttrs) get(name string) (json.RawMessage, bool) {
	v, ok := a[name]
	return v, ok
}

// attrs is what contactJSON's attributes offer.
type attrs interface {
	get(name string) (json.RawMessage, bool)
}

// contactsJSON is a page of contacts with the total count.
type contactsJSON[A any] struct {
	Contacts []contactJSON[A] `json:"contacts"`
	Count    int              `json:"count"`
}

// listJSON mirrors a list (reference §5.3).
type listJSON struct {
	ID               int    `json:"id"`
	Name             string `json:"name"`
	TotalSubscribers int    `json:"totalSubscribers"`
	TotalBlacklisted int    `json:"totalBlacklisted"`
}

type listsJSON struct {
	Lists []listJSON `json:"lists"`
	Count int        `json:"count"`
}

// changeJSON is the answer of /add and /remove (reference §5.7).
type changeJSON struct {
	Contacts struct {
		Success []string `json:"success"`
		Failure []string `json:"failure"`
	} `json:"contacts"`
}

// parseTimestamp reads Brevo's date-times: RFC 3339 with or without
// fractions and with Z or an offset ("2024-09-14T10:22:31.478+02:00"); ""
// is no date. The result is in UTC.
func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 date: %.40q", s)
	}
	return t.UTC(), nil
}

// attrText returns an attribute value as text: a string as is, a number or
// a boolean as written, null as "". Objects and arrays are refused.
func attrText(raw json.RawMessage) (string, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if s, ok := plainString(b); ok {
		return strings.TrimSpace(s), nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case '{', '[':
		return "", fmt.Errorf("attribute is not a scalar")
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case float64:
		return string(b), nil
	case bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("attribute is not a scalar")
}

// plainString decodes without reflection a JSON string holding no escape,
// no control and no non-UTF-8 byte: nearly every name.
func plainString(b []byte) (string, bool) {
	n := len(b)
	if n < 2 || b[0] != '"' || b[n-1] != '"' {
		return "", false
	}
	for _, c := range b[1 : n-1] {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(b[1 : n-1]) {
		return "", false
	}
	return string(b[1 : n-1]), true
}
