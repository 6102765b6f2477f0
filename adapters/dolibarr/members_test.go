package dolibarr_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// day truncates to the second, as Dolibarr's Unix timestamps do.
func day(t time.Time) time.Time { return t.Truncate(time.Second).UTC() }

// seedFive stores one member of each kind and returns what the client must read.
func seedFive(srv *dolibarrtest.Server) []bot.Adherent {
	future, past := day(now.AddDate(0, 6, 0)), day(now.AddDate(0, -2, 0))
	seeds := []dolibarrtest.Adherent{
		{Login: "jdupont", FirstName: "Jeanne", LastName: "Dupont", Email: "Jeanne.Dupont@Example.org", End: future},
		{Login: "mmartin", FirstName: "Marc", LastName: "Martin", Email: "marc@example.org", End: past},
		{Login: "hlefevre", FirstName: "Hélène", LastName: "Lefèvre", Email: "helene@example.org", TypeID: dolibarrtest.TypeHonorary},
		{Login: "pdurand", FirstName: "Paul", LastName: "Durand", Email: "paul@example.org", Status: "resiliated", End: past},
		{Login: "draft", FirstName: "Anne", LastName: "Roux", Email: "", Status: "draft"},
		{Login: "excl", FirstName: "Louis", LastName: "Simon", Email: "louis@example.org", Status: "excluded", End: future},
	}
	want := []bot.Adherent{
		{Login: "jdupont", FirstName: "Jeanne", LastName: "Dupont", Email: "Jeanne.Dupont@Example.org", Type: "Membre actif", Status: bot.AdherentActive, NeedSubscription: true, SubscriptionEnd: future, Active: true},
		{Login: "mmartin", FirstName: "Marc", LastName: "Martin", Email: "marc@example.org", Type: "Membre actif", Status: bot.AdherentActive, NeedSubscription: true, SubscriptionEnd: past},
		{Login: "hlefevre", FirstName: "Hélène", LastName: "Lefèvre", Email: "helene@example.org", Type: "Membre d'honneur", Status: bot.AdherentActive, Active: true},
		{Login: "pdurand", FirstName: "Paul", LastName: "Durand", Email: "paul@example.org", Type: "Membre actif", Status: bot.AdherentResigned, NeedSubscription: true, SubscriptionEnd: past},
		{Login: "draft", FirstName: "Anne", LastName: "Roux", Type: "Membre actif", Status: bot.AdherentDraft, NeedSubscription: true},
		{Login: "excl", FirstName: "Louis", LastName: "Simon", Email: "louis@example.org", Type: "Membre actif", Status: bot.AdherentExcluded, NeedSubscription: true, SubscriptionEnd: future},
	}
	for i, s := range seeds {
		id := srv.AddAdherent(s)
		want[i].ID, want[i].Ref = itoa(id), itoa(id)
	}
	return want
}

func TestAdherentsFields(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			srv, c := setup(t, dolibarr.Options{})
			srv.SetLegacy(legacy)
			want := seedFive(srv)
			got, err := c.Adherents(t.Context())
			if err != nil {
				t.Fatalf("Adherents() = %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Adherents() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAdherentsPagination checks that every member comes back once, in
// order, that the pagination ends as the server says, and that the requests
// made are max(1, ceil(n/size)) with a total, floor(n/size)+1 without (the
// read must see a short page).
func TestAdherentsPagination(t *testing.T) {
	cases := []struct {
		name   string
		n      int
		size   int
		legacy bool
	}{
		{name: "empty register", n: 0, size: 3},
		{name: "empty register legacy 404", n: 0, size: 3, legacy: true},
		{name: "one short page", n: 2, size: 3},
		{name: "one short page legacy", n: 2, size: 3, legacy: true},
		{name: "exact multiple", n: 9, size: 3},
		{name: "exact multiple legacy ends on 404", n: 9, size: 3, legacy: true},
		{name: "short last page", n: 10, size: 3},
		{name: "short last page legacy", n: 10, size: 3, legacy: true},
		{name: "many pages", n: 1000, size: 7},
		{name: "many pages legacy", n: 1000, size: 7, legacy: true},
		{name: "sequential", n: 50, size: 10, legacy: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, dolibarr.Options{PageSize: tc.size})
			srv.SetLegacy(tc.legacy)
			srv.Generate(tc.n, 1)
			got, err := c.Adherents(t.Context())
			if err != nil {
				t.Fatalf("Adherents() = %v", err)
			}
			if len(got) != tc.n {
				t.Fatalf("Adherents() returned %d members, want %d", len(got), tc.n)
			}
			for i, a := range got {
				if a.ID != itoa(i+1) || a.Email != dolibarrtest.GeneratedEmail(i) {
					t.Fatalf("member %d = %s %s, want %d %s", i, a.ID, a.Email, i+1, dolibarrtest.GeneratedEmail(i))
				}
			}
			req := max(1, (tc.n+tc.size-1)/tc.size)
			if tc.legacy {
				req = tc.n/tc.size + 1
			}
			if got := int(srv.Fault.Requests()); got != req {
				t.Errorf("requests = %d, want %d", got, req)
			}
		})
	}
}

func TestAdherentsPartialFailure(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{PageSize: 10})
	srv.Generate(100, 1)
	srv.Fault.Only(func(r *http.Request) bool { return r.URL.Query().Get("page") == "4" })
	srv.Fault.FailNext(1+rest.Retry.Retries, http.StatusServiceUnavailable, "") // the retries fail too
	got, err := c.Adherents(t.Context())
	if bot.KindOf(err) != bot.Unavailable || got != nil {
		t.Fatalf("Adherents() = %d members, %v; want nothing and Unavailable", len(got), err)
	}
	if !strings.Contains(err.Error(), "page 4") {
		t.Errorf("error %q does not name the page", err)
	}
}

func TestAdherentsByEmail(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "jeanne@example.org", LastName: "A"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "Jeanne@Example.org", LastName: "B", Status: "resiliated"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "jeanneXexample.org", LastName: "decoy"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "o'brien_x@example.org", LastName: "C"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "o'brienzx@example.org", LastName: "decoy for _"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "a+b@example.org", LastName: "D"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "Jérôme@example.org", LastName: "E"})
	srv.AddAdherent(dolibarrtest.Adherent{Email: " Marc.Martin@Example.org ", LastName: "F"})      // blanks around, as typed
	srv.AddAdherent(dolibarrtest.Adherent{Email: "He\u0301le\u0300ne@example.org", LastName: "G"}) // NFD, as pasted
	cases := []struct {
		email string
		want  []string // last names
	}{
		{email: "jeanne@example.org", want: []string{"A", "B"}},
		{email: "JEANNE@example.org", want: []string{"A", "B"}},
		{email: "o'brien_x@example.org", want: []string{"C"}},
		{email: "a+b@example.org", want: []string{"D"}},
		{email: "jérôme@example.org", want: []string{"E"}},
		{email: "marc.martin@example.org", want: []string{"F"}},
		{email: "hélène@example.org", want: []string{"G"}},
		{email: "je\u0301ro\u0302me@example.org", want: []string{"E"}},
		{email: "nobody@example.org", want: []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.email, func(t *testing.T) {
			before := srv.Fault.Requests()
			got, err := c.AdherentsByEmail(t.Context(), tc.email)
			if err != nil {
				t.Fatalf("AdherentsByEmail(%q) = %v", tc.email, err)
			}
			names := []string{}
			for _, a := range got {
				names = append(names, a.LastName)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("AdherentsByEmail(%q) (-want +got):\n%s", tc.email, diff)
			}
			if n := srv.Fault.Requests() - before; n != 1 {
				t.Errorf("AdherentsByEmail(%q) made %d requests, want 1", tc.email, n)
			}
		})
	}
	t.Run("legacy no match", func(t *testing.T) {
		srv.SetLegacy(true)
		defer srv.SetLegacy(false)
		got, err := c.AdherentsByEmail(t.Context(), "nobody@example.org")
		if err != nil || len(got) != 0 {
			t.Errorf("AdherentsByEmail() = %v, %v; want none, nil (404 No member found is empty)", got, err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		if _, err := c.AdherentsByEmail(t.Context(), " "); bot.KindOf(err) != bot.Invalid {
			t.Errorf("AdherentsByEmail(\" \") = %v, want Invalid", err)
		}
	})
}

func TestAdherent(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	want := seedFive(srv)
	cases := []struct {
		id   string
		want bot.Adherent
		kind bot.Kind
		reqs int64
	}{
		{id: "1", want: want[0], reqs: 1},
		{id: "3", want: want[2], reqs: 1},
		{id: "99", kind: bot.NotFound, reqs: 1},
		{id: "1/../users", kind: bot.Invalid},
		{id: "", kind: bot.Invalid},
		{id: "0", kind: bot.Invalid},
		{id: "-1", kind: bot.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			before := srv.Fault.Requests()
			got, err := c.Adherent(t.Context(), tc.id)
			if tc.kind != bot.Internal { // a failure expected
				if err == nil || bot.KindOf(err) != tc.kind {
					t.Fatalf("Adherent(%q) = %v, want kind %v", tc.id, err, tc.kind)
				}
			} else if err != nil {
				t.Fatalf("Adherent(%q) = %v, want the member", tc.id, err)
			} else if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Adherent(%q) (-want +got):\n%s", tc.id, diff)
			}
			if n := srv.Fault.Requests() - before; n != tc.reqs {
				t.Errorf("Adherent(%q) made %d requests, want %d", tc.id, n, tc.reqs)
			}
		})
	}
}

// TestAdherentActiveFollowsClock reads the same member at two dates.
func TestAdherentActiveFollowsClock(t *testing.T) {
	srv := dolibarrtest.New(testKey)
	defer srv.Close()
	end := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	srv.AddAdherent(dolibarrtest.Adherent{Email: "a@example.org", End: end})
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{{end.Add(-time.Hour), true}, {end, true}, {end.Add(time.Second), false}} {
		c := newClient(t, srv.URL(), bot.NewSecret(testKey), nil, zerolog0(), dolibarr.Options{Now: func() time.Time { return tc.at }})
		a, err := c.Adherent(t.Context(), "1")
		if err != nil || a.Active != tc.want {
			t.Errorf("at %v: Active = %v, %v; want %v", tc.at, a.Active, err, tc.want)
		}
	}
}

// TestCappedPageRefused: a server that gives fewer items than asked while
// its total says more exist would make the read skip members; it is an error.
func TestCappedPageRefused(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"id":"1","statut":"1"},{"id":"2","statut":"1"}],"pagination":{"total":10,"page":0,"page_count":5,"limit":2}}`))
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, bot.NewSecret(testKey), nil, zerolog0(), dolibarr.Options{PageSize: 5})
	if _, err := c.Adherents(t.Context()); bot.KindOf(err) != bot.Internal {
		t.Errorf("Adherents() = %v, want Internal", err)
	}
}

// TestAbsurdTotalRefused: a total far beyond any association is refused
// before the reader allocates it or asks for its pages.
func TestAbsurdTotalRefused(t *testing.T) {
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte(`{"data":[{"id":"1","statut":"1"},{"id":"2","statut":"1"}],"pagination":{"total":900000000,"page":0,"page_count":450000000,"limit":2}}`))
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, bot.NewSecret(testKey), nil, zerolog0(), dolibarr.Options{PageSize: 2})
	_, err := c.Adherents(t.Context())
	if bot.KindOf(err) != bot.Internal || !strings.Contains(err.Error(), "900000000") {
		t.Errorf("Adherents() = %v, want Internal naming the total", err)
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests, want only the first page", requests.Load())
	}
}

// TestPaginationCaps: a server that ignores the page parameter, announces
// an absurd total or never ends is stopped with an Internal error naming
// Dolibarr after a bounded number of requests, never an out-of-memory.
func TestPaginationCaps(t *testing.T) {
	bogusTotal := regexp.MustCompile(`"total":"?\d+"?`)
	tests := []struct {
		name     string
		o        dolibarr.Options
		legacy   bool
		fault    func(*dolibarrtest.Server)
		requests int64
	}{
		{"page ignored", dolibarr.Options{PageSize: 10}, false, func(s *dolibarrtest.Server) { s.Fault.IgnoreQuery("page") }, 2},
		{"page ignored, no total", dolibarr.Options{PageSize: 10}, true, func(s *dolibarrtest.Server) { s.Fault.IgnoreQuery("page") }, 2},
		{"absurd total", dolibarr.Options{PageSize: 10}, false, func(s *dolibarrtest.Server) {
			s.Fault.Rewrite(func(_ http.Header, b []byte) []byte {
				return bogusTotal.ReplaceAll(b, []byte(`"total":"1000000000000"`))
			})
		}, 1},
		{"more pages than MaxPages", dolibarr.Options{PageSize: 10, MaxPages: 3}, true, nil, 3},
		{"more members than MaxItems", dolibarr.Options{PageSize: 10, MaxItems: 25}, true, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, tt.o)
			srv.SetLegacy(tt.legacy)
			srv.Generate(50, 1)
			if tt.fault != nil {
				tt.fault(srv)
			}
			got, err := c.Adherents(t.Context())
			if bot.KindOf(err) != bot.Internal || bot.ProviderOf(err) != "dolibarr" || got != nil {
				t.Errorf("Adherents() = %d members, %v; want nothing and an Internal error of dolibarr", len(got), err)
			}
			if n := srv.Fault.Requests(); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
		})
	}
}

func TestAdherentsByName(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	srv.AddAdherent(dolibarrtest.Adherent{FirstName: "Jeanne", LastName: "Dupont", Email: "a@example.org"})
	srv.AddAdherent(dolibarrtest.Adherent{FirstName: "Paul", LastName: "Dupont", Email: "b@example.org"})
	srv.AddAdherent(dolibarrtest.Adherent{FirstName: "Hélène", LastName: "d'Artagnan (fille)", Email: "c@example.org"})
	for _, tc := range []struct {
		name string
		want int
	}{{"dupont", 2}, {"Jeanne DUPONT", 1}, {"hélène d'artagnan", 1}, {"(fille)", 1}, {"Zébulon", 0}} {
		got, err := c.AdherentsByName(t.Context(), tc.name)
		if err != nil || len(got) != tc.want {
			t.Errorf("AdherentsByName(%q) = %d members, %v; want %d", tc.name, len(got), err, tc.want)
		}
	}
	if _, err := c.AdherentsByName(t.Context(), "' ( )"); bot.KindOf(err) != bot.Invalid {
		t.Errorf("AdherentsByName without a letter: %v, want Invalid", err)
	}
}
