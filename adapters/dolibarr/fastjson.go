package dolibarr

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/adapters/internal/jsonscan"
)

// memberFields are memberJSON's keys, as encoding/json matches them.
var memberFields = [...]string{"id", "ref", "login", "firstname", "lastname", "email", "statut", "status", "type", "need_subscription", "datefin"}

// field returns the member's field for key k, nil for an unknown key; fold
// is true when k is not a key but matches one case-insensitively (which
// encoding/json would accept: left to it).
func (m *memberJSON) field(k []byte) (u json.Unmarshaler, fold bool) {
	switch string(k) {
	case "id":
		return &m.ID, false
	case "ref":
		return &m.Ref, false
	case "login":
		return &m.Login, false
	case "firstname":
		return &m.FirstName, false
	case "lastname":
		return &m.LastName, false
	case "email":
		return &m.Email, false
	case "statut":
		return &m.Statut, false
	case "status":
		return &m.Status, false
	case "type":
		return &m.Type, false
	case "need_subscription":
		return &m.NeedSubscription, false
	case "datefin":
		return &m.DateFin, false
	}
	for _, f := range memberFields {
		if len(f) == len(k) && strings.EqualFold(f, string(k)) {
			return nil, true
		}
	}
	return nil, false
}

// fastMembers decodes a page of members without reflection, as decodeList
// does with encoding/json; ok is false when it cannot tell (an unusual
// shape, a value a field refuses), and the caller then uses encoding/json.
func fastMembers(b []byte, hint int) (l listJSON[memberJSON], ok bool) {
	items := make([]memberJSON, 0, max(hint, 0))
	var m *memberJSON
	start := func(int) {
		items = append(items, memberJSON{})
		m = &items[len(items)-1]
	}
	member := func(k, raw []byte) bool {
		u, fold := m.field(k)
		if fold {
			return false
		}
		return u == nil || u.UnmarshalJSON(raw) == nil
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i < len(b) && b[i] == '[' {
		if !jsonscan.Objects(b, start, member) {
			return l, false
		}
		if items == nil {
			items = []memberJSON{}
		}
		return listJSON[memberJSON]{Items: items}, true
	}
	var seenData, seenPag bool
	top := func(k, raw []byte) bool {
		switch string(k) {
		case "data":
			// ObjectWith has walked the array with start and member.
			if seenData || len(raw) == 0 || raw[0] != '[' {
				return false
			}
			seenData = true
			return true
		case "pagination":
			if seenPag || len(raw) == 0 || raw[0] != '{' {
				return false
			}
			seenPag = true
			var p struct {
				Total str `json:"total"`
			}
			if json.Unmarshal(raw, &p) != nil {
				return false
			}
			n, err := strconv.Atoi(string(p.Total))
			if err != nil || n < 0 {
				return false
			}
			l.Total, l.TotalKnown = n, true
			return true
		}
		return !strings.EqualFold(string(k), "data") && !strings.EqualFold(string(k), "pagination")
	}
	if !jsonscan.ObjectWith(b, "data", start, member, top) {
		return listJSON[memberJSON]{}, false
	}
	if seenData { // no "data" member: no items, as encoding/json leaves them
		l.Items = items
	}
	return l, true
}
