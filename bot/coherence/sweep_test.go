package coherence

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// The sources of these tests: in memory, reading "pages" of 10 records,
// reporting each to the context's bot.Progress, and failing after
// failAfter pages when it is set. The HTTP clients are tested against the
// providers' fakes in adapters/demo.

const pageSize = 10

var errDown = &bot.Error{Provider: "test", Op: "list", Kind: bot.Unavailable, Status: 503}

type pager struct {
	failAfter int // pages read before the error; 0: never fails
	err       error
	requests  atomic.Int64
}

func readPages[T any](ctx context.Context, p *pager, all []T) ([]T, error) {
	var out []T
	for i := 0; i == 0 || i < len(all); i += pageSize {
		p.requests.Add(1)
		if p.failAfter > 0 && i/pageSize == p.failAfter {
			return nil, p.err
		}
		page := all[i:min(i+pageSize, len(all))]
		out = append(out, page...)
		bot.PageRead(ctx, len(page))
	}
	return out, nil
}

type memMembers struct {
	pager
	list []bot.Adherent
}

func (m *memMembers) Adherents(ctx context.Context) ([]bot.Adherent, error) {
	return readPages(ctx, &m.pager, m.list)
}

func (m *memMembers) AdherentsByEmail(_ context.Context, email string) ([]bot.Adherent, error) {
	m.requests.Add(1)
	out := []bot.Adherent{}
	for _, a := range m.list {
		if strings.EqualFold(strings.TrimSpace(a.Email), email) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memMembers) Adherent(_ context.Context, id string) (bot.Adherent, error) {
	m.requests.Add(1)
	for _, a := range m.list {
		if a.ID == id {
			return a, nil
		}
	}
	return bot.Adherent{}, &bot.Error{Provider: "test", Kind: bot.NotFound}
}

type memContacts struct {
	pager
	list []bot.Contact
	down bool // Contact fails
}

func (m *memContacts) ListContacts(ctx context.Context, id int) ([]bot.Contact, error) {
	return nil, errors.New("not used by the checker")
}

func (m *memContacts) AllContacts(ctx context.Context) ([]bot.Contact, error) {
	return readPages(ctx, &m.pager, m.list)
}

func (m *memContacts) Contact(_ context.Context, email string) (bot.Contact, error) {
	m.requests.Add(1)
	if m.down {
		return bot.Contact{}, errDown
	}
	for _, c := range m.list {
		if c.Email == email {
			return c, nil
		}
	}
	return bot.Contact{}, &bot.Error{Provider: "test", Kind: bot.NotFound}
}

func (m *memContacts) Lists(context.Context) ([]bot.ContactList, error) { return nil, nil }

type memWP struct {
	pager
	list []bot.WPUser
}

func (m *memWP) WPUsers(ctx context.Context, role string) ([]bot.WPUser, error) {
	if role != "" {
		return nil, errors.New("the checker reads every account")
	}
	return readPages(ctx, &m.pager, m.list)
}

func (m *memWP) WPUser(context.Context, string) (bot.WPUser, error) {
	return bot.WPUser{}, errors.New("not used by the checker")
}

func (m *memWP) SetWPRole(context.Context, int, string) error {
	return errors.New("not used by the checker")
}

func (m *memWP) WPUserByEmail(_ context.Context, email string) (bot.WPUser, error) {
	m.requests.Add(1)
	for _, u := range m.list {
		if strings.EqualFold(u.Email, email) {
			return u, nil
		}
	}
	return bot.WPUser{}, &bot.Error{Provider: "test", Kind: bot.NotFound}
}

type sources struct {
	m *memMembers
	c *memContacts
	w *memWP
}

func (s sources) checker() *Checker {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	return New(Sources{Members: s.m, Contacts: s.c, WordPress: s.w}, testConfig, func() time.Time { return now })
}

// testSources: 25 members, 23 contacts, 2 accounts, with findings of every code.
func testSources() sources {
	s := sources{m: &memMembers{}, c: &memContacts{}, w: &memWP{}}
	for i := range 20 {
		e := string(rune('a'+i)) + "@x.fr"
		s.m.list = append(s.m.list, active(string(rune('1'+i)), e, "Prénom", "Nom"))
		s.c.list = append(s.c.list, contact(e, "Prénom", "Nom", news))
	}
	s.m.list = append(s.m.list, active("90", "missing@x.fr", "Mia", "Absente"), active("91", "a@x.fr", "Prénom", "Nom"),
		member("92", "gone@x.fr", "Guy", "Parti", bot.AdherentResigned, false),
		active("93", "bl@x.fr", "Bea", "Blanc"), active("94", "nm@x.fr", "Nina", "Petit"))
	bl := contact("bl@x.fr", "Bea", "Blanc", news)
	bl.Blacklisted = true
	s.c.list = append(s.c.list, contact("gone@x.fr", "Guy", "Parti", news), bl, contact("nm@x.fr", "Nina", "Grand", news))
	s.w.list = []bot.WPUser{wpUser("guy", "gone@x.fr", "Guy", "Parti", "adherent"), wpUser("ed", "b@x.fr", "Prénom", "Nom", "editor")}
	return s
}

func TestSweepComplete(t *testing.T) {
	s := testSources()
	r, err := s.checker().Sweep(t.Context())
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if !r.Complete() {
		t.Fatalf("report incomplete: %+v", r.Failed())
	}
	want := map[Code]int{MissingInNewsletter: 1, NotMemberInNewsletter: 1, BlacklistedMember: 1, DuplicateEmail: 1, WPRoleWithoutMembership: 1, NameMismatch: 1}
	if diff := cmp.Diff(want, r.Counts()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	wantSrc := []SourceStatus{
		{Source: Dolibarr, Configured: true, Pages: 3, Records: 25},
		{Source: Brevo, Configured: true, Pages: 3, Records: 23},
		{Source: WordPress, Configured: true, Pages: 1, Records: 2},
	}
	if diff := cmp.Diff(wantSrc, r.Sources, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Elapsed" }, cmp.Ignore())); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}

type failingRecorder struct{ saved int }

func (f *failingRecorder) SaveSweep(context.Context, Summary) error {
	f.saved++
	return &bot.Error{Provider: "storage", Kind: bot.Internal}
}

// A summary the store fails to keep does not fail the sweep: it only feeds
// next month's trend.
func TestSweepSummaryLost(t *testing.T) {
	s := testSources()
	rec := &failingRecorder{}
	c := New(Sources{Members: s.m, Contacts: s.c, WordPress: s.w, Log: rec}, testConfig, nil)
	r, err := c.Sweep(t.Context())
	if err != nil || rec.saved != 1 || r.Counts()[DuplicateEmail] != 1 {
		t.Errorf("Sweep with a failing store = %v (saved %d, counts %v), want the report", err, rec.saved, r.Counts())
	}
}

// TestSweepTooLarge: sources holding more records than the join packs give
// an error, not a panic.
func TestSweepTooLarge(t *testing.T) {
	defer func(l int) { sweepLimit = l }(sweepLimit)
	sweepLimit = 40 // the test sources hold 25 + 23 + 2
	r, err := testSources().checker().Sweep(t.Context())
	if bot.KindOf(err) != bot.Internal || !strings.Contains(err.Error(), "50 records") {
		t.Fatalf("Sweep = %v, want an Internal error naming the 50 records", err)
	}
	if len(r.Findings) != 0 || len(r.Sources) != 3 {
		t.Errorf("report = %d findings, %d sources; want none and the three sources' status", len(r.Findings), len(r.Sources))
	}
}

func TestSweepPartialFailure(t *testing.T) {
	tests := []struct {
		name    string
		fail    func(s sources)
		source  Source
		pages   int
		records int
		kept    []Code // codes still computed
	}{
		{"brevo fails at page 3", func(s sources) { s.c.failAfter, s.c.err = 2, errDown }, Brevo, 2, 20, []Code{DuplicateEmail, WPRoleWithoutMembership}},
		{"dolibarr fails at page 2", func(s sources) { s.m.failAfter, s.m.err = 1, errDown }, Dolibarr, 1, 10, nil},
		{"wordpress fails at page 2", func(s sources) { s.w.failAfter, s.w.err = 1, errDown }, WordPress, 1, 10, []Code{MissingInNewsletter, NameMismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSources()
			for range 12 { // WordPress has several pages
				s.w.list = append(s.w.list, s.w.list[1])
			}
			for i := range s.w.list[2:] {
				s.w.list[2+i].Email = string(rune('k'+i)) + "@x.fr"
			}
			tt.fail(s)
			r, err := s.checker().Sweep(t.Context())
			if !errors.Is(err, ErrIncomplete) {
				t.Fatalf("Sweep error = %v, want an IncompleteError", err)
			}
			if bot.KindOf(err) != bot.Unavailable {
				t.Errorf("KindOf(%v) = %v, want unavailable", err, bot.KindOf(err))
			}
			if r.Complete() {
				t.Fatal("report says complete")
			}
			f := r.Failed()
			if len(f) != 1 || f[0].Source != tt.source || f[0].Pages != tt.pages || f[0].Records != tt.records {
				t.Errorf("failed = %+v, want %s after %d pages, %d records", f, tt.source, tt.pages, tt.records)
			}
			for _, fd := range r.Findings {
				for _, need := range fd.Code.needs() {
					if need == tt.source {
						t.Errorf("finding %s computed without %s", fd.Code, need)
					}
				}
			}
			if tt.kept != nil {
				for _, c := range tt.kept {
					if r.Counts()[c] == 0 {
						t.Errorf("no %s finding although its sources were read", c)
					}
				}
			}
			if _, err := PlanFix(&r, testConfig); bot.KindOf(err) != bot.Invalid {
				t.Errorf("PlanFix on an incomplete report: %v, want a refusal", err)
			} else if ue := (*bot.UserError)(nil); errors.As(err, &ue) && !strings.Contains(ue.FR, tt.source.Label()) {
				t.Errorf("refusal %q does not name %s", ue.FR, tt.source.Label())
			}
		})
	}
}

func TestSweepWithoutWordPress(t *testing.T) {
	s := testSources()
	c := New(Sources{Members: s.m, Contacts: s.c}, testConfig, nil)
	r, err := c.Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Complete() || r.Counts()[WPRoleWithoutMembership] != 0 || r.Counts()[MissingInNewsletter] != 1 {
		t.Errorf("without WordPress: complete %v, counts %v", r.Complete(), r.Counts())
	}
	if diff := cmp.Diff([]Code{WPRoleWithoutMembership}, r.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestMember(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		email    string
		members  int
		contact  bool
		wp       bool
		codes    []Code
		notFound bool
		requests int64
	}{
		{"coherent by address", "C@X.fr", "c@x.fr", 1, true, false, nil, false, 3},
		{"by id", "93", "bl@x.fr", 1, true, false, []Code{BlacklistedMember}, false, 4},
		{"by #id", "#90", "missing@x.fr", 1, false, false, []Code{MissingInNewsletter}, false, 4},
		{"duplicate", "a@x.fr", "a@x.fr", 2, true, false, []Code{DuplicateEmail}, false, 3},
		{"resigned with role", "gone@x.fr", "gone@x.fr", 1, true, true, []Code{NotMemberInNewsletter, WPRoleWithoutMembership}, false, 3},
		{"unknown address", "nobody@x.fr", "nobody@x.fr", 0, false, false, nil, true, 3},
		{"unknown id", "4242", "", 0, false, false, nil, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSources()
			p, err := s.checker().Member(t.Context(), tt.query)
			if err != nil {
				t.Fatalf("Member(%q): %v", tt.query, err)
			}
			var codes []Code
			for _, f := range p.Report.Findings {
				codes = append(codes, f.Code)
			}
			if p.Email != tt.email || len(p.Members) != tt.members || (p.Contact != nil) != tt.contact || (p.WPUser != nil) != tt.wp || p.NotFound != tt.notFound {
				t.Errorf("Member(%q) = email %q, %d members, contact %v, wp %v, not found %v", tt.query, p.Email, len(p.Members), p.Contact != nil, p.WPUser != nil, p.NotFound)
			}
			if diff := cmp.Diff(tt.codes, codes); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
			if n := s.m.requests.Load() + s.c.requests.Load() + s.w.requests.Load(); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestMemberSourceDown(t *testing.T) {
	s := testSources()
	s.c.down = true
	p, err := s.checker().Member(t.Context(), "bl@x.fr")
	if err != nil {
		t.Fatal(err)
	}
	f := p.Report.Failed()
	if len(f) != 1 || f[0].Source != Brevo {
		t.Fatalf("failed = %+v, want brevo", f)
	}
	if len(p.Report.Findings) != 0 || p.NotFound {
		t.Errorf("findings %v, not found %v: want none from the other sources' data", p.Report.Findings, p.NotFound)
	}
}

func TestMemberRefusesGarbage(t *testing.T) {
	s := testSources()
	_, err := s.checker().Member(t.Context(), "pas une adresse")
	if bot.KindOf(err) != bot.Invalid {
		t.Errorf("Member(garbage) = %v, want an invalid-input error", err)
	}
}

func (m *memMembers) AdherentsByName(context.Context, string) ([]bot.Adherent, error) {
	return nil, nil
}
