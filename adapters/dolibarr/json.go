package dolibarr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Dolibarr serialises PHP properties as they are: the same field may be a
// string ("12"), a number (12), a boolean or null depending on the code path
// and the version. These types accept every form.

// str is a scalar decoded as its text: "12" and 12 both give "12", null
// gives "", true and false give "1" and "0".
type str string

// UnmarshalJSON accepts a JSON string, number, boolean or null.
func (s *str) UnmarshalJSON(b []byte) error {
	v, err := parseScalar(b)
	*s = str(v)
	return err
}

// parseScalar returns the text of a JSON scalar; objects and arrays are refused.
// A number is its literal text (as json.Number gives it). It decodes no more
// than a string itself: it runs for every field of every member read.
func parseScalar(b []byte) (string, error) {
	b = bytes.Trim(b, " \t\r\n") // JSON's white space
	if !json.Valid(b) {
		return "", fmt.Errorf("not one JSON value: %.20q", b)
	}
	switch c := b[0]; {
	case c == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case c == '-' || c >= '0' && c <= '9':
		return string(b), nil
	case c == 't':
		return "1", nil
	case c == 'f':
		return "0", nil
	case c == 'n':
		return "", nil
	}
	return "", fmt.Errorf("want a string, number, boolean or null, got %.20q", b)
}

// unixTime is a Dolibarr date: Unix seconds as a number or a string of
// digits; "" , null, 0 and "0" mean no date.
type unixTime time.Time

// UnmarshalJSON accepts every form parseTime does.
func (t *unixTime) UnmarshalJSON(b []byte) error {
	v, err := parseTime(b)
	*t = unixTime(v)
	return err
}

// maxUnix bounds accepted timestamps to years −1200…5000, far beyond any
// membership, so that garbage is refused rather than turned into a date.
const maxUnix = 1e11

// parseTime decodes a Dolibarr date: Unix seconds as a JSON number (a
// fraction is dropped) or a string of them; "", null, false, 0 and "0" are no
// date (the zero time). Older code paths sometimes give a SQL date
// ("2025-12-31" or "2025-12-31 23:59:59"), read in UTC.
func parseTime(b []byte) (time.Time, error) {
	s, err := parseScalar(b)
	if err != nil {
		return time.Time{}, err
	}
	s = strings.TrimSpace(s)
	switch s {
	case "", "0":
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil { // the usual form, exactly
		if n <= -maxUnix || n >= maxUnix {
			return time.Time{}, fmt.Errorf("date out of range: %.30q", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.Abs(f) >= maxUnix || strings.ContainsAny(s, "eExXnNiI") {
			return time.Time{}, fmt.Errorf("date out of range: %.30q", s)
		}
		if f == 0 {
			return time.Time{}, nil
		}
		return time.Unix(int64(f), 0).UTC(), nil
	}
	for _, layout := range []string{time.DateOnly, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			if math.Abs(float64(t.Unix())) >= maxUnix {
				return time.Time{}, fmt.Errorf("date out of range: %.30q", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %.30q", s)
}

// parseStatus maps a member's statut (-1 draft, 1 validated, 0 resiliated,
// -2 excluded) to the bot's words.
func parseStatus(s string) (bot.AdherentStatus, error) {
	switch strings.TrimSpace(s) {
	case "1":
		return bot.AdherentActive, nil
	case "-1":
		return bot.AdherentDraft, nil
	case "0":
		return bot.AdherentResigned, nil
	case "-2":
		return bot.AdherentExcluded, nil
	}
	return "", fmt.Errorf("unknown member statut %.20q", s)
}

// flag reads a Dolibarr boolean ("1", 1, true); def is used for "" and null.
func flag(s str, def bool) bool {
	switch strings.TrimSpace(string(s)) {
	case "":
		return def
	case "0", "false":
		return false
	}
	return true
}

// usersJSON is a group's members: Dolibarr may give an array or an object
// keyed by user id (PHP arrays with non-sequential keys).
type usersJSON []userJSON

// UnmarshalJSON accepts an array, an object of users, or null.
func (u *usersJSON) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '{':
		var m map[string]userJSON
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		*u = make(usersJSON, 0, len(m))
		for k, v := range m {
			if v.ID == "" {
				v.ID = str(k)
			}
			*u = append(*u, v)
		}
		return nil
	case string(b) == "null":
		*u = nil
		return nil
	}
	return json.Unmarshal(b, (*[]userJSON)(u))
}
