package brevo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

var (
	_ bot.Contacts     = (*Client)(nil)
	_ bot.ContactAdmin = (*Client)(nil)
)

// toBot converts a contact; a malformed date or name is an error.
func (c *Client) toBot(j *contactJSON) (bot.Contact, error) {
	mod, err := parseTimestamp(j.ModifiedAt)
	if err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	out := bot.Contact{ID: j.ID, Email: j.Email, Blacklisted: j.EmailBlacklisted, ListIDs: j.ListIDs,
		Unsubscribed: j.ListUnsubscribed, ModifiedAt: mod}
	if out.FirstName, err = attr(j.Attributes, c.first); err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	if out.LastName, err = attr(j.Attributes, c.last); err != nil {
		return bot.Contact{}, fmt.Errorf("contact %d: %w", j.ID, err)
	}
	return out, nil
}

// attr returns the first of names present in a.
func attr(a map[string]json.RawMessage, names []string) (string, error) {
	for _, n := range names {
		if raw, ok := a[n]; ok {
			return attrText(raw)
		}
	}
	return "", nil
}

// contacts reads every contact of path (GET /contacts or a list's contacts),
// size per page, page after page, sorted by creation ascending so that a contact created
// meanwhile cannot shift the pages. The count of the answers ends the read
// (an empty page too); paging.Read caps it.
func (c *Client) contacts(ctx context.Context, op, path string, size int) ([]bot.Contact, error) {
	all, err := paging.Read(ctx, provider, op, c.limits, func(ctx context.Context, p int) (paging.Page[bot.Contact], error) {
		var pg paging.Page[bot.Contact]
		var page contactsJSON
		resp, err := api.Do(c.r.R().SetContext(ctx).SetQueryParams(map[string]string{
			"limit": strconv.Itoa(size), "offset": strconv.Itoa(p * size), "sort": "asc"}), resty.MethodGet, path, op, &page)
		if err != nil {
			return pg, fmt.Errorf("page %d: %w", p, err)
		}
		if p == 0 && len(page.Contacts) < min(size, page.Count) {
			// The server capped the page size: reading on would skip contacts.
			return pg, bot.Errorf(bot.Internal, provider, op, "page 0 holds %d contacts for limit %d and count %d",
				len(page.Contacts), size, page.Count)
		}
		pg.Items = make([]bot.Contact, len(page.Contacts))
		for i := range page.Contacts {
			if pg.Items[i], err = c.toBot(&page.Contacts[i]); err != nil {
				return pg, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err})
			}
		}
		bot.PageRead(ctx, len(pg.Items)) // so that a sweep that fails can say how far it got
		pg.Body, pg.Total = resp.Body(), page.Count
		pg.Last = len(page.Contacts) == 0 || (p+1)*size >= page.Count
		return pg, nil
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

// ListContacts returns every contact of list listID, 500 a page; an
// unknown list is NotFound. Not GET /contacts?listIds=: its count can be
// the account's, not the list's (reference §5.7, confirmed 2026-12).
// API: GET /contacts/lists/{listId}/contacts?limit=500&offset=…&sort=asc (reference §5.4).
func (c *Client) ListContacts(ctx context.Context, listID int) ([]bot.Contact, error) {
	const op = "list contacts of list"
	if listID <= 0 {
		return nil, bot.Errorf(bot.Invalid, provider, op, "bad list id %d", listID)
	}
	return c.contacts(ctx, op, "/contacts/lists/"+strconv.Itoa(listID)+"/contacts", min(c.o.PageSize, MaxListContactsPage))
}

// AllContacts returns every contact of the account.
// API: GET /contacts?limit=1000&offset=…&sort=asc (reference §5.1).
func (c *Client) AllContacts(ctx context.Context) ([]bot.Contact, error) {
	return c.contacts(ctx, "list contacts", "/contacts", c.o.PageSize)
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
	var j contactJSON
	if _, err := api.Do(c.r.R().SetContext(ctx).SetRawPathParam("identifier", url.QueryEscape(email)),
		resty.MethodGet, "/contacts/{identifier}", op, &j); err != nil {
		return bot.Contact{}, err
	}
	ct, err := c.toBot(&j)
	if err != nil {
		return bot.Contact{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err}
	}
	return ct, nil
}

func (l listJSON) toBot() bot.ContactList {
	return bot.ContactList{ID: l.ID, Name: l.Name, Subscribers: l.TotalSubscribers, Blacklisted: l.TotalBlacklisted}
}

// Lists returns every list, oldest first.
// API: GET /contacts/lists?limit=50&offset=…&sort=asc (reference §5.3).
func (c *Client) Lists(ctx context.Context) ([]bot.ContactList, error) {
	const op = "list lists"
	all, err := paging.Read(ctx, provider, op, c.limits, func(ctx context.Context, p int) (paging.Page[listJSON], error) {
		var out listsJSON
		resp, err := api.Do(c.r.R().SetContext(ctx).SetQueryParams(map[string]string{
			"limit": strconv.Itoa(MaxListsPage), "offset": strconv.Itoa(p * MaxListsPage), "sort": "asc"}),
			resty.MethodGet, "/contacts/lists", op, &out)
		if err != nil {
			return paging.Page[listJSON]{}, fmt.Errorf("page %d: %w", p, err)
		}
		return paging.Page[listJSON]{Items: out.Lists, Body: resp.Body(), Total: out.Count,
			Last: len(out.Lists) == 0 || (p+1)*MaxListsPage >= out.Count}, nil
	})
	if err != nil {
		return nil, err
	}
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
		var ch changeJSON
		_, err := api.Do(c.r.R().SetContext(ctx).SetPathParam("id", strconv.Itoa(listID)).SetBody(map[string][]string{"emails": part}),
			resty.MethodPost, "/contacts/lists/{id}/contacts/"+verb, op, &ch)
		if noneChanged(err) {
			// Nothing of this batch changed: read which addresses were
			// already as asked; the others are real failures.
			ch.Contacts.Success = nil
			ch.Contacts.Failure, err = c.unchanged(ctx, listID, verb == "add", part)
		}
		if err != nil {
			return out, fmt.Errorf("batch %d of %d: %w", i/MaxBatch+1, (len(clean)+MaxBatch-1)/MaxBatch, err)
		}
		out.Done = append(out.Done, ch.Contacts.Success...)
		out.Failed = append(out.Failed, ch.Contacts.Failure...)
	}
	return out, nil
}

// noneChanged reports Brevo's answer when no contact of a batch can be
// added or removed: 400 invalid_parameter "Contact already in list and/or
// does not exist" instead of 201 with failures (reference §5.7, confirmed
// 2026-12 from Brevo's API reference and users' reports).
func noneChanged(err error) bool {
	var be *bot.Error
	return errors.As(err, &be) && be.Status == http.StatusBadRequest &&
		strings.Contains(be.Err.Error(), "invalid_parameter: Contact already in list and/or does not exist")
}

// unchanged reads, after a batch where nothing changed, each address's
// contact and returns the real failures: no such contact, or (add) not in
// the list / (remove) still in it. An address already in the list (add) or
// already out of it (remove) is neither done nor failed.
// API: GET /contacts/{identifier} per address (reference §5.2).
func (c *Client) unchanged(ctx context.Context, listID int, add bool, emails []string) ([]string, error) {
	var failed []string
	for _, e := range emails {
		ct, err := c.Contact(ctx, e)
		if bot.KindOf(err) == bot.NotFound {
			failed = append(failed, e)
			continue
		}
		if err != nil {
			return nil, err
		}
		if ct.InList(listID) != add {
			failed = append(failed, e)
		}
	}
	return failed, nil
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
	_, err := api.Do(c.r.R().SetContext(ctx).SetBody(body), resty.MethodPost, "/contacts", op, nil)
	return err
}
