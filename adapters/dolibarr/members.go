package dolibarr

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/anopex/opsbot/bot"
)

var _ bot.Adherents = (*Client)(nil)

// memberProps are the only fields a list asks for (Dolibarr's properties
// parameter; a version without it sends whole objects, which decode the same).
const memberProps = "id,ref,login,firstname,lastname,email,statut,status,type,need_subscription,datefin"

// memberJSON mirrors the fields of a Dolibarr member the bot reads.
type memberJSON struct {
	ID               str      `json:"id"`
	Ref              str      `json:"ref"`
	Login            str      `json:"login"`
	FirstName        str      `json:"firstname"`
	LastName         str      `json:"lastname"`
	Email            str      `json:"email"`
	Statut           str      `json:"statut"`
	Status           str      `json:"status"`
	Type             str      `json:"type"`
	NeedSubscription str      `json:"need_subscription"`
	DateFin          unixTime `json:"datefin"`
}

// toBot converts one member; now decides Active. A member whose statut is
// none of the four known values is an error (an unexpected answer).
func (m memberJSON) toBot(now time.Time) (bot.Adherent, error) {
	st, err := parseStatus(string(cmp.Or(m.Statut, m.Status)))
	if err != nil {
		return bot.Adherent{}, fmt.Errorf("member %s: %w", m.ID, err)
	}
	a := bot.Adherent{
		ID:               string(m.ID),
		Ref:              string(m.Ref),
		Login:            string(m.Login),
		FirstName:        strings.TrimSpace(string(m.FirstName)),
		LastName:         strings.TrimSpace(string(m.LastName)),
		Email:            strings.TrimSpace(string(m.Email)),
		Type:             string(m.Type),
		Status:           st,
		NeedSubscription: flag(m.NeedSubscription, true),
		SubscriptionEnd:  time.Time(m.DateFin),
	}
	a.Active = a.ActiveAt(now)
	return a, nil
}

func (c *Client) members(ctx context.Context, op string, q map[string]string) ([]bot.Adherent, error) {
	q["properties"] = memberProps
	now := c.now()
	return readAllAs(ctx, c, op, "/members", q, func(m memberJSON) (bot.Adherent, error) { return m.toBot(now) })
}

// Adherents returns every member, whatever their status, in id order.
// API: GET /members?sortfield=t.rowid&limit=…&page=…&pagination_data=true
// (reference §4, §5.1).
func (c *Client) Adherents(ctx context.Context) ([]bot.Adherent, error) {
	return c.members(ctx, "list members", map[string]string{})
}

// AdherentsByEmail returns the members whose e-mail is email (bot.SameEmail:
// trimmed, lower-cased, NFC on both sides; several means a duplicate, none
// an empty slice). One request: a sqlfilters like pattern wide enough for
// what the server's own comparison would miss (see doc.go), the exact match
// being made here.
// API: GET /members?sqlfilters=(t.email:like:'%…%') (reference §4).
func (c *Client) AdherentsByEmail(ctx context.Context, email string) ([]bot.Adherent, error) {
	const op = "find member by email"
	email = strings.TrimSpace(email)
	if email == "" || len(email) > 254 {
		return nil, invalid(op, "empty or too long address")
	}
	all, err := c.members(ctx, op, map[string]string{"sqlfilters": emailFilter(email)})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if bot.SameEmail(a.Email, email) {
			out = append(out, a)
		}
	}
	return out, nil
}

// emailFilter returns a sqlfilters like pattern that every spelling of email
// matches (see likePattern).
func emailFilter(email string) string { return "(t.email:like:'" + likePattern(email) + "')" }

// likePattern returns a like pattern every spelling of s matches: blanks
// around it and any run of characters the filter syntax cannot carry
// (' ( ) : % _, and every non-ASCII one, whose NFC and NFD forms differ in
// length; s is put in NFC first, so that an accented letter is one "%")
// are "%".
func likePattern(s string) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, ch := range norm.NFC.String(strings.ToLower(s)) {
		switch {
		case ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '@' || ch == '-' || ch == '+':
			b.WriteRune(ch)
		case !strings.HasSuffix(b.String(), "%"):
			b.WriteByte('%')
		}
	}
	if !strings.HasSuffix(b.String(), "%") {
		b.WriteByte('%')
	}
	return b.String()
}

// AdherentsByName returns the members whose first or last name holds each
// word of name as the server's like compares them (likePattern): a wide
// match, which the caller narrows. One request.
// API: GET /members?sqlfilters=((t.lastname:like:'%dup%') or (t.firstname:like:'%dup%')) and … (reference §4).
func (c *Client) AdherentsByName(ctx context.Context, name string) ([]bot.Adherent, error) {
	const op = "find member by name"
	var terms []string
	for _, w := range strings.Fields(name) {
		if p := likePattern(w); p != "%" {
			terms = append(terms, "((t.lastname:like:'"+p+"') or (t.firstname:like:'"+p+"'))")
		}
	}
	if len(terms) == 0 || len(name) > 200 {
		return nil, invalid(op, "a name needs a letter and at most 200 bytes")
	}
	return c.members(ctx, op, map[string]string{"sqlfilters": strings.Join(terms, " and ")})
}

// Adherent returns the member with register id id.
// API: GET /members/{id} (reference §5.2); 404 "member not found" is NotFound.
func (c *Client) Adherent(ctx context.Context, id string) (bot.Adherent, error) {
	const op = "get member"
	if !isID(id) {
		return bot.Adherent{}, invalid(op, "member id %.20q is not a number", id)
	}
	var m memberJSON
	if _, err := call(c.r.R().SetContext(ctx).SetPathParam("id", id), resty.MethodGet, "/members/{id}", op, &m); err != nil {
		return bot.Adherent{}, err
	}
	a, err := m.toBot(c.now())
	if err != nil {
		return bot.Adherent{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err}
	}
	return a, nil
}

// isID reports whether s is a positive decimal id of at most 18 digits.
func isID(s string) bool {
	return s != "" && len(s) <= 18 && s[0] != '0' && strings.Trim(s, "0123456789") == ""
}
