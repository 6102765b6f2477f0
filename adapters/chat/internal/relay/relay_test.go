package relay

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// The engine tells the adapters which requests are pending: if it stopped
// matching pendingLister, Resync would silently re-read every watched message.
var _ pendingLister = (*bot.Engine)(nil)

func TestQueueKeepsOrderPerKey(t *testing.T) {
	var q Queue
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string][]int{}
	for i := range 100 {
		key := strconv.Itoa(i % 3)
		q.Do(&wg, key, func() {
			mu.Lock()
			defer mu.Unlock()
			got[key] = append(got[key], i)
		})
	}
	wg.Wait()
	for key, seq := range got {
		if !slices.IsSorted(seq) {
			t.Errorf("key %s ran %v, want in order", key, seq)
		}
	}
	if n := len(got["0"]) + len(got["1"]) + len(got["2"]); n != 100 {
		t.Errorf("%d functions ran, want 100", n)
	}
}

func TestWatch(t *testing.T) {
	w := Watch{Keep: func(e string) bool { return e == "✅" || e == "❌" }}
	w.Add("m1", "c1")
	if !w.Observe("other", "u", "✅", false) || !w.Observe("m1", "u", "👀", false) {
		t.Error("a message or emoji not watched is not news")
	}
	if !w.Observe("m1", "alice", "✅", false) || w.Observe("m1", "alice", "✅", false) {
		t.Error("the first ✅ must be news, the same again not")
	}
	changes, err := w.Sync("m1", func() ([]Vote, error) {
		if w.Observe("m1", "carol", "✅", false) != true {
			t.Error("carol's ✅ during the read is not news")
		}
		return []Vote{{"bob", "❌"}, {"carol", "✅"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Vote{"alice", "✅"}, true}, {Vote{"bob", "❌"}, false}} // removals first
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if w.Observe("m1", "bob", "❌", false) {
		t.Error("a vote Sync delivered is delivered again")
	}
	for i := range maxWatched {
		w.Add(strconv.Itoa(i), "c")
	}
	if l := w.order; len(l) != maxWatched || l[0].ID != "0" {
		t.Errorf("watched = %d from %v, want the last %d", len(l), l[0], maxWatched)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		drop bool
		want []string
	}{
		{"dropped line break", "abc\ndef", true, []string{"abc", "def"}},
		{"kept line break", "abc\ndef", false, []string{"abc\n", "def"}},
		{"dropped space", "ab cdef", true, []string{"ab", "cdef"}},
		{"kept space", "ab cdef", false, []string{"ab ", "cdef"}},
		{"anywhere", "abcdefgh", false, []string{"abcde", "fgh"}},
		{"empty", "", false, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Split(tt.text, 5, tt.drop)); diff != "" {
				t.Errorf("Split(%q, 5, %v) (-want +got):\n%s", tt.text, tt.drop, diff)
			}
		})
	}
}

// handler is a bot.Handler; with pending set, it tells which requests
// still take votes, as bot.Engine.Pending does.
type handler struct{ bot.Handler }

type pendingHandler struct {
	handler
	pending []bot.ChangeRequest
	err     error
}

func (p pendingHandler) Pending(context.Context) ([]bot.ChangeRequest, error) {
	return p.pending, p.err
}

// Resync reads the watched messages of the requests still pending on this
// platform (every one when the handler cannot tell or the list fails),
// skips a message it cannot read and delivers the others' changes, removals
// first.
func TestResync(t *testing.T) {
	pending := []bot.ChangeRequest{{Platform: "discord", MessageID: "m1"}, {Platform: "mattermost", MessageID: "m2"}, {Platform: "discord", MessageID: "m3"}}
	for _, tc := range []struct {
		name string
		h    bot.Handler
		read []string // the messages read
		got  []string // the changes delivered
	}{
		{"pending only", pendingHandler{pending: pending}, []string{"m1", "m3"}, []string{"m1 +bob ✅"}},
		{"pending unknown", pendingHandler{err: errors.New("store down")}, []string{"m1", "m2", "m3", "m4"}, []string{"m1 +bob ✅", "m2 -ann ✅", "m2 +ann ❌"}},
		{"handler cannot tell", handler{}, []string{"m1", "m2", "m3", "m4"}, []string{"m1 +bob ✅", "m2 -ann ✅", "m2 +ann ❌"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w Watch
			for _, id := range []string{"m1", "m2", "m3", "m4"} {
				w.Add(id, "c")
			}
			w.Observe("m2", "ann", "✅", false)
			now := map[string][]Vote{"m1": {{"bob", "✅"}}, "m2": {{"ann", "❌"}}}
			var read, got []string
			n := w.Resync(t.Context(), zerolog.Nop(), tc.h, "discord", func(m Watched) ([]Vote, error) {
				read = append(read, m.ID)
				if m.ID == "m3" || m.ID == "m4" {
					return nil, errors.New("message deleted")
				}
				return now[m.ID], nil
			}, func(m Watched, c Change) {
				sign := "+"
				if c.Removed {
					sign = "-"
				}
				got = append(got, m.ID+" "+sign+c.User+" "+c.Emoji)
			})
			if !slices.Equal(read, tc.read) || !slices.Equal(got, tc.got) || n != len(tc.read) {
				t.Errorf("read %v, delivered %v, returned %d; want %v, %v", read, got, n, tc.read, tc.got)
			}
		})
	}
}
