package brevo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/brevo/brevotest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

var ignoreDates = cmpopts.IgnoreFields(bot.Contact{}, "ModifiedAt")

func seedNewsletter(srv *brevotest.Server) (news, other int) {
	news = srv.AddList("Lettre d'information")
	other = srv.AddList("Adhérents 2025")
	srv.AddContact(brevotest.Contact{Email: "Jeanne.Dupont@Example.org", FirstName: "Jeanne", LastName: "Dupont", ListIDs: []int{news, other}})
	srv.AddContact(brevotest.Contact{Email: "marc@example.org", FirstName: "Marc", LastName: "Martin", Blacklisted: true, ListIDs: []int{news}})
	srv.AddContact(brevotest.Contact{Email: "a+b@example.org", LastName: "Plus", ListIDs: []int{other}})
	srv.AddContact(brevotest.Contact{Email: "solo@example.org", FirstName: "Solo"})
	return news, other
}

func TestListContacts(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	news, other := seedNewsletter(srv)
	empty := srv.AddList("Vide")
	got, err := c.ListContacts(t.Context(), news)
	if err != nil {
		t.Fatalf("ListContacts() = %v", err)
	}
	want := []bot.Contact{
		{ID: 1, Email: "jeanne.dupont@example.org", FirstName: "Jeanne", LastName: "Dupont", ListIDs: []int{news, other}},
		{ID: 2, Email: "marc@example.org", FirstName: "Marc", LastName: "Martin", Blacklisted: true, ListIDs: []int{news}},
	}
	if diff := cmp.Diff(want, got, ignoreDates); diff != "" {
		t.Errorf("ListContacts() (-want +got):\n%s", diff)
	}
	if got[0].ModifiedAt.IsZero() {
		t.Errorf("ModifiedAt not read")
	}
	if got, err := c.ListContacts(t.Context(), empty); err != nil || len(got) != 0 {
		t.Errorf("ListContacts(empty list) = %v, %v; want none, nil", got, err)
	}
	if _, err := c.ListContacts(t.Context(), 99); bot.KindOf(err) != bot.NotFound {
		t.Errorf("ListContacts(unknown list) = %v, want NotFound", err)
	}
	if _, err := c.ListContacts(t.Context(), 0); bot.KindOf(err) != bot.Invalid {
		t.Errorf("ListContacts(0) = %v, want Invalid", err)
	}
}

func TestAllContacts(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	seedNewsletter(srv)
	got, err := c.AllContacts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, ct := range got {
		emails = append(emails, ct.Email)
	}
	want := []string{"jeanne.dupont@example.org", "marc@example.org", "a+b@example.org", "solo@example.org"}
	if diff := cmp.Diff(want, emails); diff != "" {
		t.Errorf("AllContacts() (-want +got):\n%s", diff)
	}
}

// TestPagination: every contact once, in creation order, with exactly
// max(1, ceil(n/size)) requests (the count is known after the first page;
// a list's pages hold 500 at most).
func TestPagination(t *testing.T) {
	cases := []struct{ n, size int }{{0, 10}, {5, 10}, {10, 10}, {11, 10}, {1000, 7}, {300, 1000}, {50, 10}, {1200, 1000}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("n=%d size=%d", tc.n, tc.size), func(t *testing.T) {
			srv, c := setup(t, brevo.Options{PageSize: tc.size})
			l := srv.AddList("L")
			for i := range tc.n {
				srv.AddContact(brevotest.Contact{Email: brevotest.GeneratedEmail(i), ListIDs: []int{l}})
			}
			srv.AddContact(brevotest.Contact{Email: "outside@example.org"})
			before := srv.Requests()
			got, err := c.ListContacts(t.Context(), l)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.n {
				t.Fatalf("ListContacts() = %d contacts, want %d", len(got), tc.n)
			}
			for i, ct := range got {
				if ct.Email != brevotest.GeneratedEmail(i) {
					t.Fatalf("contact %d = %s", i, ct.Email)
				}
			}
			size := min(tc.size, brevo.MaxListContactsPage)
			want := max(1, (tc.n+size-1)/size)
			if n := srv.Requests() - before; n != int64(want) {
				t.Errorf("requests = %d, want %d", n, want)
			}
		})
	}
}

func TestListContactsPartialFailure(t *testing.T) {
	srv, c := setup(t, brevo.Options{PageSize: 10})
	l := srv.AddList("L")
	srv.Generate(l, 200, 3)
	srv.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("offset") == "60" })
	srv.Fault.FailNext(1+rest.Retry.Retries, 503, "") // the retries fail too
	got, err := c.ListContacts(t.Context(), l)
	if bot.KindOf(err) != bot.Unavailable || got != nil {
		t.Fatalf("ListContacts() = %d, %v; want nothing, Unavailable", len(got), err)
	}
	if !strings.Contains(err.Error(), "page 6") {
		t.Errorf("error %q does not name the page", err)
	}
}

func TestContact(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	seedNewsletter(srv)
	cases := []struct {
		email string
		want  string
		kind  bot.Kind
	}{
		{email: "jeanne.dupont@example.org", want: "Dupont"},
		{email: "JEANNE.DUPONT@example.org", want: "Dupont"},
		{email: "a+b@example.org", want: "Plus"}, // a raw + would be read as a space
		{email: "nobody@example.org", kind: bot.NotFound},
		{email: "no-at-sign", kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.email, func(t *testing.T) {
			got, err := c.Contact(t.Context(), tc.email)
			if bot.KindOf(err) != tc.kind || (tc.kind == bot.Internal && err != nil) {
				t.Fatalf("Contact(%q) = %v, want kind %v", tc.email, err, tc.kind)
			}
			if got.LastName != tc.want {
				t.Errorf("Contact(%q).LastName = %q, want %q", tc.email, got.LastName, tc.want)
			}
		})
	}
}

// TestRawPlusIsASpace documents the fake's reading of a raw "+", which is
// why the client escapes it.
func TestRawPlusIsASpace(t *testing.T) {
	srv, _ := setup(t, brevo.Options{})
	srv.AddContact(brevotest.Contact{Email: "a+b@example.org"})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+"/contacts/a+b@example.org", nil)
	req.Header.Set("api-key", testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("raw + answered %d, want 404", resp.StatusCode)
	}
}

func TestNameAttributes(t *testing.T) {
	cases := []struct {
		name              string
		server, client    [2]string
		wantFirst, wantLN string
	}{
		{"french", [2]string{"PRENOM", "NOM"}, [2]string{}, "Jeanne", "Dupont"},
		{"english fallback", [2]string{"FIRSTNAME", "LASTNAME"}, [2]string{}, "Jeanne", "Dupont"},
		{"custom", [2]string{"FNAME", "LNAME"}, [2]string{"FNAME", "LNAME"}, "Jeanne", "Dupont"},
		{"custom not configured", [2]string{"FNAME", "LNAME"}, [2]string{}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, brevo.Options{FirstNameAttribute: tc.client[0], LastNameAttribute: tc.client[1]})
			srv.SetNameAttributes(tc.server[0], tc.server[1])
			srv.AddContact(brevotest.Contact{Email: "j@example.org", FirstName: "Jeanne", LastName: "Dupont"})
			got, err := c.Contact(t.Context(), "j@example.org")
			if err != nil || got.FirstName != tc.wantFirst || got.LastName != tc.wantLN {
				t.Errorf("Contact() = %q %q, %v; want %q %q", got.FirstName, got.LastName, err, tc.wantFirst, tc.wantLN)
			}
		})
	}
}

func TestLists(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	news, _ := seedNewsletter(srv)
	for i := range 120 {
		srv.AddList(fmt.Sprintf("liste %d", i))
	}
	before := srv.Requests()
	got, err := c.Lists(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 122 || got[121].Name != "liste 119" {
		t.Fatalf("Lists() = %d lists, last %+v", len(got), got[len(got)-1])
	}
	if diff := cmp.Diff(bot.ContactList{ID: news, Name: "Lettre d'information", Subscribers: 1, Blacklisted: 1}, got[0]); diff != "" {
		t.Errorf("Lists()[0] (-want +got):\n%s", diff)
	}
	if n := srv.Requests() - before; n != 3 {
		t.Errorf("Lists() made %d requests, want 3 (pages of 50)", n)
	}
}

func TestAddRemove(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	l := srv.AddList("L")
	var emails []string
	for i := range 320 {
		e := brevotest.GeneratedEmail(i)
		srv.AddContact(brevotest.Contact{Email: e})
		emails = append(emails, e)
	}
	srv.AddContact(brevotest.Contact{Email: "already@example.org", ListIDs: []int{l}})
	in := append(emails, "already@example.org", "unknown@example.org", " ")
	before := srv.Requests()
	ch, err := c.AddToList(t.Context(), l, in)
	if err != nil {
		t.Fatalf("AddToList() = %v", err)
	}
	if n := srv.Requests() - before; n != 3 {
		t.Errorf("AddToList(322 addresses) made %d requests, want 3", n)
	}
	if diff := cmp.Diff(bot.ListChange{Done: emails, Failed: []string{"already@example.org", "unknown@example.org"}}, ch); diff != "" {
		t.Errorf("AddToList() (-want +got):\n%s", diff)
	}
	if got := len(srv.ListMembers(l)); got != 321 {
		t.Errorf("list holds %d, want 321", got)
	}
	ch, err = c.RemoveFromList(t.Context(), l, []string{"already@example.org", "solo@example.org", emails[0]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bot.ListChange{Done: []string{"already@example.org", emails[0]}, Failed: []string{"solo@example.org"}}, ch); diff != "" {
		t.Errorf("RemoveFromList() (-want +got):\n%s", diff)
	}
	if _, err := c.AddToList(t.Context(), 99, emails[:1]); bot.KindOf(err) != bot.NotFound {
		t.Errorf("AddToList(unknown list) = %v, want NotFound", err)
	}
	if ch, err := c.AddToList(t.Context(), l, nil); err != nil || len(ch.Done)+len(ch.Failed) != 0 {
		t.Errorf("AddToList(nothing) = %v, %v", ch, err)
	}
}

// TestWritesNotRetried: a failing batch is sent once; the batches before it
// are reported done and the ones after it are not sent.
func TestWritesNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*brevotest.Server)
	}{
		{"503", func(s *brevotest.Server) { s.Fault.FailNext(1, 503, "") }},
		{"429", func(s *brevotest.Server) { s.Fault.RateLimitNext(1, "x-sib-ratelimit-reset", "0") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, brevo.Options{})
			l := srv.AddList("L")
			var emails []string
			for i := range 400 {
				emails = append(emails, brevotest.GeneratedEmail(i))
				srv.AddContact(brevotest.Contact{Email: emails[i]})
			}
			posts := 0
			srv.Fault.Only(func(r *http.Request) bool {
				if r.Method != "POST" {
					return false
				}
				posts++
				return posts == 2
			})
			tc.fault(srv)
			ch, err := c.AddToList(t.Context(), l, emails)
			if err == nil {
				t.Fatal("AddToList() succeeded through a failure")
			}
			if posts != 2 {
				t.Errorf("%d POSTs sent, want 2 (no retry, no batch after the failure)", posts)
			}
			if len(ch.Done) != 150 || len(srv.ListMembers(l)) != 150 {
				t.Errorf("done %d, list %d; want 150 and 150", len(ch.Done), len(srv.ListMembers(l)))
			}
			if !strings.Contains(err.Error(), "batch 2 of 3") {
				t.Errorf("error %q does not name the batch", err)
			}
		})
	}
}

func TestSaveContact(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	news, _ := seedNewsletter(srv)
	cases := []struct {
		name string
		in   bot.Contact
		want brevotest.Contact
	}{
		{name: "create", in: bot.Contact{Email: "New@Example.org", FirstName: "Nina", LastName: "Neuve", ListIDs: []int{news}},
			want: brevotest.Contact{ID: 5, Email: "new@example.org", FirstName: "Nina", LastName: "Neuve", ListIDs: []int{news}}},
		{name: "update keeps the blacklist", in: bot.Contact{Email: "marc@example.org", FirstName: "Marc-Antoine", ListIDs: []int{news}},
			want: brevotest.Contact{ID: 2, Email: "marc@example.org", FirstName: "Marc-Antoine", LastName: "Martin", Blacklisted: true, ListIDs: []int{news}}},
		{name: "add to list", in: bot.Contact{Email: "solo@example.org", ListIDs: []int{news}},
			want: brevotest.Contact{ID: 4, Email: "solo@example.org", FirstName: "Solo", ListIDs: []int{news}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.SaveContact(t.Context(), tc.in); err != nil {
				t.Fatalf("SaveContact() = %v", err)
			}
			got, _ := srv.Contact(tc.in.Email)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
	if err := c.SaveContact(t.Context(), bot.Contact{Email: "x@example.org", ListIDs: []int{99}}); bot.KindOf(err) != bot.NotFound {
		t.Errorf("SaveContact(unknown list) = %v, want NotFound", err)
	}
	if err := c.SaveContact(t.Context(), bot.Contact{Email: "nope"}); bot.KindOf(err) != bot.Invalid {
		t.Errorf("SaveContact(bad address) = %v, want Invalid", err)
	}
}

// TestAbsurdCountRefused: a count far beyond any association is refused
// before the reader allocates it or asks for its pages.
func TestAbsurdCountRefused(t *testing.T) {
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"contacts":[{"email":"a@x.fr","id":1,"emailBlacklisted":false,"modifiedAt":"2026-01-02T10:00:00.000+01:00","listIds":[2],"attributes":{}}],"count":900000000}`))
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, bot.NewSecret(testKey), nil, zerolog.Nop(), brevo.Options{RatePerSecond: -1, PageSize: 1})
	_, err := c.AllContacts(t.Context())
	if bot.KindOf(err) != bot.Internal || !strings.Contains(err.Error(), "900000000") {
		t.Errorf("AllContacts() = %v, want Internal naming the count", err)
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests, want only the first page", requests.Load())
	}
}

// TestPaginationCaps: a server announcing an absurd count, one that repeats
// its first page, and lists beyond the caps end in an Internal error naming
// Brevo after a bounded number of requests, never an out-of-memory.
func TestPaginationCaps(t *testing.T) {
	bogusCount := regexp.MustCompile(`"count":\d+`)
	tests := []struct {
		name     string
		o        brevo.Options
		fault    func(*brevotest.Server)
		read     func(*brevo.Client) error
		requests int64
	}{
		{"absurd contact count", brevo.Options{PageSize: 10}, func(s *brevotest.Server) {
			s.Fault.Rewrite(func(_ http.Header, b []byte) []byte { return bogusCount.ReplaceAll(b, []byte(`"count":1000000000000`)) })
		}, allContacts, 1},
		{"absurd list count", brevo.Options{}, func(s *brevotest.Server) {
			s.Fault.Rewrite(func(_ http.Header, b []byte) []byte { return bogusCount.ReplaceAll(b, []byte(`"count":1000000000000`)) })
		}, lists, 1},
		{"offset ignored", brevo.Options{PageSize: 10}, func(s *brevotest.Server) { s.Fault.IgnoreQuery("offset") }, allContacts, 2},
		{"offset ignored on lists", brevo.Options{}, func(s *brevotest.Server) {
			s.Fault.IgnoreQuery("offset")
			s.Fault.Rewrite(func(_ http.Header, b []byte) []byte { return bogusCount.ReplaceAll(b, []byte(`"count":500`)) })
		}, lists, 2},
		{"more contacts than MaxItems", brevo.Options{PageSize: 10, MaxItems: 25}, nil, allContacts, 1}, // the count tells at once
		{"more pages than MaxPages", brevo.Options{PageSize: 10, MaxPages: 2}, nil, allContacts, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, tt.o)
			for i := range 30 {
				srv.AddContact(brevotest.Contact{Email: brevotest.GeneratedEmail(i)})
			}
			srv.AddList("Lettre")
			if tt.fault != nil {
				tt.fault(srv)
			}
			err := tt.read(c)
			if bot.KindOf(err) != bot.Internal || bot.ProviderOf(err) != "brevo" {
				t.Errorf("read = %v, want an Internal error of brevo", err)
			}
			if n := srv.Requests(); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
		})
	}
}

func allContacts(c *brevo.Client) error {
	_, err := c.AllContacts(context.Background())
	return err
}

func lists(c *brevo.Client) error {
	_, err := c.Lists(context.Background())
	return err
}

// TestNoneChanged: a batch of which nothing can be added or removed gets
// Brevo's 400 invalid_parameter; the client reads each contact, leaves out
// those already as asked, reports the others as failed and goes on with the
// next batch.
func TestNoneChanged(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	l := srv.AddList("L")
	var emails []string
	for i := range brevo.MaxBatch {
		e := brevotest.GeneratedEmail(i)
		srv.AddContact(brevotest.Contact{Email: e, ListIDs: []int{l}})
		emails = append(emails, e)
	}
	srv.AddContact(brevotest.Contact{Email: "new@example.org"})
	in := append(emails[:brevo.MaxBatch-1:brevo.MaxBatch-1], "unknown@example.org", "new@example.org")
	ch, err := c.AddToList(t.Context(), l, in)
	if err != nil {
		t.Fatalf("AddToList(a batch already in) = %v", err)
	}
	if diff := cmp.Diff(bot.ListChange{Done: []string{"new@example.org"}, Failed: []string{"unknown@example.org"}}, ch); diff != "" {
		t.Errorf("AddToList() (-want +got):\n%s", diff)
	}
	if !slices.Contains(srv.ListMembers(l), "new@example.org") {
		t.Errorf("the second batch was not sent: members %v", srv.ListMembers(l))
	}
	srv.AddContact(brevotest.Contact{Email: "out@example.org"})
	ch, err = c.RemoveFromList(t.Context(), l, []string{"out@example.org", "unknown@example.org"})
	if err != nil {
		t.Fatalf("RemoveFromList(none in) = %v", err)
	}
	if diff := cmp.Diff(bot.ListChange{Failed: []string{"unknown@example.org"}}, ch); diff != "" {
		t.Errorf("RemoveFromList() (-want +got):\n%s", diff)
	}
}
