package storage

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// request returns a pending request as the engine builds it.
func request(path, platform string) *bot.ChangeRequest {
	return &bot.ChangeRequest{
		Platform: platform, Path: path, Args: bot.Values{"boite": "delegue75@anopex.test"},
		Requester: bot.Person{ID: "u1", Name: "sysadmin", Roles: []bot.Role{bot.Admin}},
		Channel:   "approvals", Preview: "mot de passe de delegue75@anopex.test réinitialisé",
		State: bot.Pending, Approvals: 1, Approvers: []bot.Role{bot.Treasurer, bot.President},
		CreatedAt: t0, ExpiresAt: t0.Add(72 * time.Hour),
	}
}

func create(t *testing.T, db *DB, cr *bot.ChangeRequest) bot.ChangeRequest {
	t.Helper()
	if err := db.CreateRequest(t.Context(), cr); err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	return *cr
}

func TestCreateRequest(t *testing.T) {
	db, c := open(t)
	first := create(t, db, request("mail passwd", "console"))
	c.t = t0.Add(time.Minute)
	second := request("mail delete", "console")
	second.CreatedAt = time.Time{}
	got := create(t, db, second)

	want := *request("mail delete", "console")
	want.ID, want.CreatedAt, want.UpdatedAt = 2, c.t, c.t
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateRequest set (-want +got):\n%s", diff)
	}
	if first.ID != 1 || first.UpdatedAt != t0 {
		t.Errorf("first request ID %d UpdatedAt %v, want 1 and %v", first.ID, first.UpdatedAt, t0)
	}
	for _, cr := range []bot.ChangeRequest{first, got} {
		stored, err := db.Request(t.Context(), cr.ID)
		if err != nil {
			t.Fatalf("Request(%d): %v", cr.ID, err)
		}
		if diff := cmp.Diff(cr, stored); diff != "" {
			t.Errorf("Request(%d) (-want +got):\n%s", cr.ID, diff)
		}
	}
}

func TestNotFound(t *testing.T) {
	db, _ := open(t)
	cr := request("mail passwd", "discord")
	cr.MessageID = "m1"
	create(t, db, cr)
	noop := func(*bot.ChangeRequest) error { return nil }
	tests := []struct {
		name string
		call func() error
	}{
		{"request 0", func() error { _, err := db.Request(t.Context(), 0); return err }},
		{"request -1", func() error { _, err := db.Request(t.Context(), -1); return err }},
		{"request 99", func() error { _, err := db.Request(t.Context(), 99); return err }},
		{"unknown message", func() error { _, err := db.RequestByMessage(t.Context(), "discord", "m2"); return err }},
		{"message on another platform", func() error { _, err := db.RequestByMessage(t.Context(), "mattermost", "m1"); return err }},
		{"empty message", func() error { _, err := db.RequestByMessage(t.Context(), "discord", ""); return err }},
		{"update 99", func() error { _, err := db.UpdateRequest(t.Context(), 99, noop); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, bot.ErrNotFound) || bot.ProviderOf(err) != "storage" {
				t.Errorf("error = %v, want kind not_found from storage", err)
			}
		})
	}
}

func TestRequestByMessage(t *testing.T) {
	db, _ := open(t)
	posted := request("mail passwd", "discord")
	posted.MessageID = "m1"
	create(t, db, posted)                            // 1: indexed at creation
	create(t, db, request("mail create", "discord")) // 2: posted later
	other := request("mail delete", "mattermost")
	other.MessageID = "m1" // same ID, other platform
	create(t, db, other)   // 3

	setMessage := func(id int64, platform, msg string) error {
		_, err := db.UpdateRequest(t.Context(), id, func(c *bot.ChangeRequest) error {
			c.Platform, c.MessageID = platform, msg
			return nil
		})
		return err
	}
	if err := setMessage(2, "discord", "m2"); err != nil {
		t.Fatal(err)
	}
	if err := setMessage(1, "discord", "m1-edited"); err != nil { // moves the index entry
		t.Fatal(err)
	}
	err := setMessage(2, "discord", "m1-edited")
	if bot.KindOf(err) != bot.Conflict {
		t.Errorf("taking request 1's message = %v, want a conflict", err)
	}

	tests := []struct {
		platform, msg string
		want          int64 // 0: not found
	}{
		{"discord", "m1-edited", 1},
		{"discord", "m1", 0},
		{"discord", "m2", 2},
		{"mattermost", "m1", 3},
		{"mattermost", "m2", 0},
	}
	for _, tt := range tests {
		t.Run(tt.platform+"/"+tt.msg, func(t *testing.T) {
			cr, err := db.RequestByMessage(t.Context(), tt.platform, tt.msg)
			switch {
			case tt.want == 0 && bot.KindOf(err) != bot.NotFound:
				t.Errorf("RequestByMessage = %d, %v; want not found", cr.ID, err)
			case tt.want != 0 && (err != nil || cr.ID != tt.want || cr.MessageID != tt.msg):
				t.Errorf("RequestByMessage = %d (%q), %v; want %d", cr.ID, cr.MessageID, err, tt.want)
			}
		})
	}

	// A conflicting creation stores nothing.
	dup := request("mail quota", "discord")
	dup.MessageID = "m2"
	if err := db.CreateRequest(t.Context(), dup); bot.KindOf(err) != bot.Conflict {
		t.Errorf("CreateRequest with request 2's message = %v, want a conflict", err)
	}
	if all, _ := db.ListRequests(t.Context()); len(all) != 3 {
		t.Errorf("%d requests after a refused creation, want 3", len(all))
	}
}

func TestUpdateRequest(t *testing.T) {
	db, c := open(t)
	before := create(t, db, request("mail passwd", "console"))
	c.t = t0.Add(time.Hour)
	vote := bot.Vote{UserID: "u2", Name: "tresoriere", Approve: true, At: c.t}

	got, err := db.UpdateRequest(t.Context(), before.ID, func(cr *bot.ChangeRequest) error {
		cr.Votes = append(cr.Votes, vote)
		cr.State = bot.Approved
		cr.ID = 42 // ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Votes, want.State, want.UpdatedAt = []bot.Vote{vote}, bot.Approved, c.t
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UpdateRequest returned (-want +got):\n%s", diff)
	}
	stored, err := db.Request(t.Context(), before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored after UpdateRequest (-want +got):\n%s", diff)
	}
	if _, err := db.Request(t.Context(), 42); bot.KindOf(err) != bot.NotFound {
		t.Errorf("fn changed the ID: Request(42) = %v", err)
	}
}

var errNotPending = errors.New("not pending")

func TestUpdateRequestErrorSavesNothing(t *testing.T) {
	db, c := open(t)
	before := create(t, db, request("mail passwd", "console"))
	c.t = t0.Add(time.Hour)
	userErr := bot.Userf("non", "no")
	tests := []struct {
		name string
		err  error
	}{
		{"sentinel", errNotPending},
		{"wrapped", fmt.Errorf("vote: %w", errNotPending)},
		{"user error", userErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.UpdateRequest(t.Context(), before.ID, func(cr *bot.ChangeRequest) error {
				cr.State, cr.Outcome, cr.MessageID = bot.Done, "should not be saved", "m9"
				return tt.err
			})
			if err != tt.err {
				t.Errorf("UpdateRequest = %v, want fn's error unchanged", err)
			}
			stored, err := db.Request(t.Context(), before.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, stored); diff != "" {
				t.Errorf("record changed by a failed update (-want +got):\n%s", diff)
			}
			if _, err := db.RequestByMessage(t.Context(), "console", "m9"); bot.KindOf(err) != bot.NotFound {
				t.Errorf("index changed by a failed update: %v", err)
			}
		})
	}
}

// TestUpdateRequestRace is the approval race: many approvers at once, one
// execution.
func TestUpdateRequestRace(t *testing.T) {
	db, _ := open(t)
	cr := create(t, db, request("mail passwd", "console"))
	const n = 20
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
		errs []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := db.UpdateRequest(t.Context(), cr.ID, func(c *bot.ChangeRequest) error {
				if c.State != bot.Pending {
					return errNotPending
				}
				c.State = bot.Executing
				c.Votes = append(c.Votes, bot.Vote{UserID: fmt.Sprint("u", i), Approve: true})
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else {
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d updates moved pending → executing, want exactly 1", wins)
	}
	for _, err := range errs {
		if !errors.Is(err, errNotPending) {
			t.Errorf("losing update = %v, want errNotPending", err)
		}
	}
	got, err := db.Request(t.Context(), cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != bot.Executing || len(got.Votes) != 1 {
		t.Errorf("stored state %s with %d votes, want executing with 1", got.State, len(got.Votes))
	}
}

func TestListRequests(t *testing.T) {
	db, _ := open(t)
	states := []bot.State{bot.Pending, bot.Done, bot.Pending, bot.Executing, bot.Failed}
	for i, s := range states {
		cr := request("mail passwd", "console")
		cr.Args = bot.Values{"boite": fmt.Sprintf("delegue%d@anopex.test", i)} // one pending request per action
		cr.State = s
		create(t, db, cr)
	}
	tests := []struct {
		name   string
		states []bot.State
		want   []int64
	}{
		{"all", nil, []int64{5, 4, 3, 2, 1}},
		{"pending", []bot.State{bot.Pending}, []int64{3, 1}},
		{"approved or executing", []bot.State{bot.Approved, bot.Executing}, []int64{4}},
		{"none matching", []bot.State{bot.Expired}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crs, err := db.ListRequests(t.Context(), tt.states...)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, cr := range crs {
				got = append(got, cr.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ListRequests(%v) IDs (-want +got):\n%s", tt.states, diff)
			}
		})
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	db, c := open(t)
	first := create(t, db, request("mail passwd", "discord"))
	first, err := db.UpdateRequest(t.Context(), first.ID, func(cr *bot.ChangeRequest) error {
		cr.MessageID = "m1"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	second := create(t, db, request("mail delete", "discord"))
	rec := bot.AuditRecord{Kind: "request", RequestID: 1, Platform: "discord", ActorID: "u1", ActorName: "sysadmin"}
	if err := db.AppendAudit(t.Context(), rec); err != nil {
		t.Fatal(err)
	}

	db = reopen(t, db, Options{Now: c.now})
	crs, err := db.ListRequests(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.ChangeRequest{second, first}, crs); diff != "" {
		t.Errorf("requests after reopening (-want +got):\n%s", diff)
	}
	if got, err := db.RequestByMessage(t.Context(), "discord", "m1"); err != nil || got.ID != first.ID {
		t.Errorf("RequestByMessage after reopening = %d, %v", got.ID, err)
	}
	recs, err := db.Audit(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	rec.Seq, rec.At = 1, t0
	if diff := cmp.Diff([]bot.AuditRecord{rec}, recs); diff != "" {
		t.Errorf("audit after reopening (-want +got):\n%s", diff)
	}
	if third := create(t, db, request("mail quota", "discord")); third.ID != 3 {
		t.Errorf("next request after reopening has ID %d, want 3", third.ID)
	}
}

func BenchmarkCreateRequest(b *testing.B) {
	db, err := Open(b.TempDir()+"/opsbot.db", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cr := request("mail passwd", "discord")
	n := 0
	for b.Loop() {
		c := *cr
		n++
		c.Args = bot.Values{"boite": fmt.Sprintf("delegue%d@anopex.test", n)} // one pending request per action
		if err := db.CreateRequest(b.Context(), &c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDuplicatePending: a second pending request with the same action is
// refused with the first one's number and nothing is stored; another
// platform, other arguments, or the same action once the first has ended
// are new requests.
func TestDuplicatePending(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	first := create(t, db, request("mail passwd", "console"))
	var dup *bot.Duplicate
	if err := db.CreateRequest(ctx, request("mail passwd", "console")); !errors.As(err, &dup) || dup.ID != first.ID {
		t.Fatalf("second pending request = %v, want *bot.Duplicate naming %d", err, first.ID)
	}
	other := request("mail passwd", "console")
	other.Args = bot.Values{"boite": "delegue13@anopex.test"}
	if got := create(t, db, other); got.ID != 2 {
		t.Errorf("other arguments: ID %d, want 2", got.ID)
	}
	if got := create(t, db, request("mail passwd", "discord")); got.ID != 3 {
		t.Errorf("other platform: ID %d, want 3", got.ID)
	}
	done := request("mail passwd", "console")
	done.State = bot.Done
	if got := create(t, db, done); got.ID != 4 {
		t.Errorf("an ended request with the same action: ID %d, want 4", got.ID)
	}
	if _, err := db.UpdateRequest(ctx, first.ID, func(cr *bot.ChangeRequest) error { cr.State = bot.Cancelled; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := create(t, db, request("mail passwd", "console")); got.ID != 5 {
		t.Errorf("after the first was cancelled: ID %d, want 5", got.ID)
	}
	if err := db.CreateRequest(ctx, request("mail passwd", "console")); !errors.As(err, &dup) || dup.ID != 5 {
		t.Errorf("again = %v, want *bot.Duplicate naming 5", err)
	}
	if all, _ := db.ListRequests(ctx); len(all) != 5 {
		t.Errorf("%d requests stored, want 5 (the refused ones are not)", len(all))
	}
}
