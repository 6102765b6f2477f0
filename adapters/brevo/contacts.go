package brevo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

var (
	_ bot.Contacts     = (*Client)(nil)
	_ bot.ContactAdmin = (*Client)(nil)
)

// stampMemo remembers the last date parsed: contacts imported together
// share their modification date, and parsing it is a good part of
// converting a contact.
type stampMemo struct {
	s  string
	t  time.Time
	ok bool
}

func (m *stampMemo) parse(s string) (time.Time, error) {
	if m == nil {
		return parseTimestamp(s)
	}
	if m.ok && m.s == s {
		return m.t, nil
	}
	t, err := parseTimestamp(s)
	if err == nil {
		m.s, m.t, m.ok = s, t, true
	}
	return t, err
}

// toBot converts a contact; a malformed date or name is an error. memo may
// be nil.
func toBot[A attrs](c *Client, j *contactJSON[A], memo *stampMemo) (bot.Contact, error) {
	mod, err := memo.parse(j.ModifiedAt)
	if err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	out := bot.Contact{ID: j.ID, Email: j.Email, Blacklisted: j.EmailBlacklisted, ListIDs: j.ListIDs,
		Unsubscribed: j.ListUnsubscribed, ModifiedAt: mod}
	if out.FirstName, err = attr(&j.Attributes, c.first); err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	if out.LastName, err = attr(&j.Attributes, c.last); err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	return out, nil
}

// attr returns the first of names present in a.
func attr[A attrs](a *A, names []string) (string, error) {
	for _, n := range names {
		if raw, ok := (*a).get(n); ok {
			return attrText(raw)
		}
	}
	return "", nil
}

// knownNames reports whether the configured name attributes are among those
// knownAttrs decodes without a map.
func (c *Client) knownNames() bool {
	known := func(n string) bool { return n == "PRENOM" || n == "NOM" || n == "FIRSTNAME" || n == "LASTNAME" }
	return known(c.o.FirstNameAttribute) && known(c.o.LastNameAttribute)
}

func (c *Client) contacts(ctx context.Context, op string, q map[string]string) ([]bot.Contact, error) {
	if c.knownNames() {
		return readContacts[knownAttrs](ctx, c, op, q)
	}
	return readContacts[anyAttrs](ctx, c, op, q)
}

// readContacts reads every contact of GET /contacts with extra query params,
// sorted by creation ascending so that a contact created meanwhile cannot
// shift the pages. Once the first page has told the count, the others are
// fetched Concurrency at a time and decoded while the next ones are in flight.
func readContacts[A attrs](ctx context.Context, c *Client, op string, q map[string]string) ([]bot.Contact, error) {
	size := c.o.PageSize
	raw := func(ctx context.Context, p int) ([]byte, error) {
		req := c.r.R().SetContext(ctx).SetQueryParams(q).SetQueryParams(map[string]string{
			"limit": strconv.Itoa(size), "offset": strconv.Itoa(p * size), "sort": "asc"})
		resp, err := req.Get("/contacts")
		if err := check(resp, err, op); err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		return resp.Body(), nil
	}
	// decode reads a page and converts it: the conversion runs on the
	// pipeline's workers too, not after the last page.
	// decode decodes page p into into when it holds len(into) contacts (a
	// new slice otherwise, or with into nil).
	decode := func(p int, body []byte, into []bot.Contact) (contactsJSON[A], []bot.Contact, error) {
		var page contactsJSON[A]
		if !fastPage(body, &page, max(len(into), size)) {
			if err := json.Unmarshal(body, &page); err != nil {
				return page, nil, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal,
					Err: fmt.Errorf("decode answer: %w", err)})
			}
		}
		out := into
		if len(page.Contacts) != len(into) {
			out = make([]bot.Contact, len(page.Contacts))
		}
		var memo stampMemo
		for i := range page.Contacts {
			ct, err := toBot(c, &page.Contacts[i], &memo)
			if err != nil {
				return page, nil, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err})
			}
			out[i] = ct
		}
		bot.PageRead(ctx, len(out)) // so that a sweep that fails can say how far it got
		return page, out, nil
	}
	body, err := raw(ctx, 0)
	if err != nil {
		return nil, err
	}
	first, firstOut, err := decode(0, body, nil)
	if err != nil {
		return nil, err
	}
	if len(first.Contacts) < min(size, first.Count) {
		// The server capped the page size: reading on would skip contacts.
		return nil, bot.Errorf(bot.Internal, provider, op, "page 0 holds %d contacts for limit %d and count %d",
			len(first.Contacts), size, first.Count)
	}
	if first.Count > maxContacts {
		return nil, bot.Errorf(bot.Internal, provider, op, "the account says it holds %d contacts, beyond the %d opsbot reads", first.Count, maxContacts)
	}
	all, err := paging.Into(ctx, firstOut, first.Count, size, c.o.Concurrency, runtime.GOMAXPROCS(0), raw,
		func(p int, body []byte, into []bot.Contact) ([]bot.Contact, error) {
			_, out, err := decode(p, body, into)
			return out, err
		})
	if err != nil {
		return nil, err
	}
	// Pages are in creation order and ids grow with creation: an id not
	// above the previous one is a contact seen twice because a deletion
	// meanwhile shifted it onto the next page.
	out := all[:0]
	var last int64
	for _, ct := range all {
		if ct.ID <= last {
			continue
		}
		last = ct.ID
		out = append(out, ct)
	}
	return out, nil
}

// maxContacts bounds the count a server may announce (the reader allocates
// it at once): far beyond any association, short of a bogus count
// exhausting the memory.
const maxContacts = 5_000_000

// ListContacts returns every contact of list listID. It reads GET /contacts
// filtered by listIds, whose pages hold 1000 contacts (twice the 500 of
// /contacts/lists/{id}/contacts); an empty answer is checked against
// GET /contacts/lists/{id} so that an unknown list is NotFound.
// API: GET /contacts?listIds=…&limit=1000&offset=…&sort=asc (reference §5.1).
func (c *Client) ListContacts(ctx context.Context, listID int) ([]bot.Contact, error) {
	const op = "list contacts of list"
	if listID <= 0 {
		return nil, bot.Errorf(bot.Invalid, provider, op, "bad list id %d", listID)
	}
	out, err := c.contacts(ctx, op, map[string]string{"listIds": strconv.Itoa(listID)})
	if err != nil || len(out) > 0 {
		return out, err
	}
	if _, err := c.list(ctx, listID); err != nil {
		return nil, err
	}
	return out, nil
}

// AllContacts returns every contact of the account.
// API: GET /contacts?limit=1000&offset=…&sort=asc (reference §5.1).
func (c *Client) AllContacts(ctx context.Context) ([]bot.Contact, error) {
	return c.contacts(ctx, "list contacts", nil)
}

// Contact returns the contact whose address is email.
// API: GET /contacts/{identifier} (reference §5.2), the address escaped
// whole (@ as %40, + as %2B); 404 document_not_found is NotFound.
func (c *Client) Contact(ctx context.Context, email string) (bot.Contact, error) {
	const op = "get contact"
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") {
		return bot.Contact{}, bot.Errorf(bot.Invalid, provider, op, "not an address")
	}
	resp, err := c.r.R().SetContext(ctx).SetRawPathParam("identifier", url.QueryEscape(email)).
		Get("/contacts/{identifier}")
	if err := check(resp, err, op); err != nil {
		return bot.Contact{}, err
	}
	var ct bot.Contact
	if c.knownNames() {
		var j contactJSON[knownAttrs]
		if err := decode(resp, &j, op); err != nil {
			return bot.Contact{}, err
		}
		ct, err = toBot(c, &j, nil)
	} else {
		var j contactJSON[anyAttrs]
		if err := decode(resp, &j, op); err != nil {
			return bot.Contact{}, err
		}
		ct, err = toBot(c, &j, nil)
	}
	if err != nil {
		return bot.Contact{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err}
	}
	return ct, nil
}

// list reads one list. API: GET /contacts/lists/{listId}.
func (c *Client) list(ctx context.Context, id int) (bot.ContactList, error) {
	const op = "get list"
	resp, err := c.r.R().SetContext(ctx).SetPathParam("id", strconv.Itoa(id)).Get("/contacts/lists/{id}")
	if err := check(resp, err, op); err != nil {
		return bot.ContactList{}, err
	}
	var l listJSON
	if err := decode(resp, &l, op); err != nil {
		return bot.ContactList{}, err
	}
	return l.toBot(), nil
}

func (l listJSON) toBot() bot.ContactList {
	return bot.ContactList{ID: l.ID, Name: l.Name, Subscribers: l.TotalSubscribers, Blacklisted: l.TotalBlacklisted}
}

// Lists returns every list, oldest first.
// API: GET /contacts/lists?limit=50&offset=…&sort=asc (reference §5.3).
func (c *Client) Lists(ctx context.Context) ([]bot.ContactList, error) {
	const op = "list lists"
	page := func(ctx context.Context, p int) (listsJSON, error) {
		resp, err := c.r.R().SetContext(ctx).SetQueryParams(map[string]string{
			"limit": strconv.Itoa(MaxListsPage), "offset": strconv.Itoa(p * MaxListsPage), "sort": "asc"}).
			Get("/contacts/lists")
		if err := check(resp, err, op); err != nil {
			return listsJSON{}, fmt.Errorf("page %d: %w", p, err)
		}
		var out listsJSON
		return out, decode(resp, &out, op)
	}
	first, err := page(ctx, 0)
	if err != nil {
		return nil, err
	}
	rest, err := paging.Known(ctx, 1, (first.Count+MaxListsPage-1)/MaxListsPage, c.o.Concurrency,
		func(ctx context.Context, p int) ([]listJSON, error) {
			out, err := page(ctx, p)
			return out.Lists, err
		})
	if err != nil {
		return nil, err
	}
	all := paging.Concat(first.Lists, rest)
	out := make([]bot.ContactList, len(all))
	for i, l := range all {
		out[i] = l.toBot()
	}
	return out, nil
}

// AddToList adds existing contacts to list listID, MaxBatch addresses per
// request, one request after the other.
// API: POST /contacts/lists/{listId}/contacts/add (reference §5.7).
func (c *Client) AddToList(ctx context.Context, listID int, emails []string) (bot.ListChange, error) {
	return c.batch(ctx, "add contacts to list", "add", listID, emails)
}

// RemoveFromList removes contacts from list listID in batches like AddToList.
// API: POST /contacts/lists/{listId}/contacts/remove (reference §5.8).
func (c *Client) RemoveFromList(ctx context.Context, listID int, emails []string) (bot.ListChange, error) {
	return c.batch(ctx, "remove contacts from list", "remove", listID, emails)
}

func (c *Client) batch(ctx context.Context, op, verb string, listID int, emails []string) (bot.ListChange, error) {
	var out bot.ListChange
	if listID <= 0 {
		return out, bot.Errorf(bot.Invalid, provider, op, "bad list id %d", listID)
	}
	clean := make([]string, 0, len(emails))
	for _, e := range emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			clean = append(clean, e)
		}
	}
	for i := 0; i < len(clean); i += MaxBatch {
		part := clean[i:min(i+MaxBatch, len(clean))]
		resp, err := c.w.R().SetContext(ctx).SetPathParam("id", strconv.Itoa(listID)).
			SetBody(map[string][]string{"emails": part}).Post("/contacts/lists/{id}/contacts/" + verb)
		if err := check(resp, err, op); err != nil {
			return out, fmt.Errorf("batch %d of %d: %w", i/MaxBatch+1, (len(clean)+MaxBatch-1)/MaxBatch, err)
		}
		var ch changeJSON
		if err := decode(resp, &ch, op); err != nil {
			return out, err
		}
		out.Done = append(out.Done, ch.Contacts.Success...)
		out.Failed = append(out.Failed, ch.Contacts.Failure...)
	}
	return out, nil
}

// SaveContact creates the contact or updates the one with that address:
// its names (in the configured attributes) and the lists in ct.ListIDs are
// added; the blacklist flag is never sent, so an unsubscribed person stays so.
// API: POST /contacts with updateEnabled=true (reference §5.5): 201 created,
// 204 updated. Never retried.
func (c *Client) SaveContact(ctx context.Context, ct bot.Contact) error {
	const op = "save contact"
	email := strings.ToLower(strings.TrimSpace(ct.Email))
	if email == "" || !strings.Contains(email, "@") {
		return bot.Errorf(bot.Invalid, provider, op, "not an address")
	}
	attrs := map[string]string{}
	if ct.FirstName != "" {
		attrs[c.o.FirstNameAttribute] = ct.FirstName
	}
	if ct.LastName != "" {
		attrs[c.o.LastNameAttribute] = ct.LastName
	}
	body := map[string]any{"email": email, "updateEnabled": true}
	if len(attrs) > 0 {
		body["attributes"] = attrs
	}
	if len(ct.ListIDs) > 0 {
		body["listIds"] = ct.ListIDs
	}
	resp, err := c.w.R().SetContext(ctx).SetBody(body).Post("/contacts")
	return check(resp, err, op)
}
