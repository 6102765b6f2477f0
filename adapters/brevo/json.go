package brevo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// contactJSON mirrors a Brevo contact (reference §4). Attributes stay raw:
// only the name attributes are decoded.
type contactJSON struct {
	ID               int64                      `json:"id"`
	Email            string                     `json:"email"`
	EmailBlacklisted bool                       `json:"emailBlacklisted"`
	ModifiedAt       string                     `json:"modifiedAt"`
	ListIDs          []int                      `json:"listIds"`
	ListUnsubscribed []int                      `json:"listUnsubscribed"`
	Attributes       map[string]json.RawMessage `json:"attributes"`
}

// contactsJSON is a page of contacts with the total count.
type contactsJSON struct {
	Contacts []contactJSON `json:"contacts"`
	Count    int           `json:"count"`
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
	if len(b) == 0 {
		return "", nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case float64, bool:
		return string(b), nil
	}
	return "", fmt.Errorf("attribute is not a scalar")
}
