// Package relay holds what the chat adapters share between a platform's
// events and the bot.Handler: the reactions on one message delivered in
// order, the votes seen on the change requests they watch (re-read after a
// gap in the events, to hand the handler what changed), a panic while
// serving a person recovered and told, long texts cut into messages or sent
// as one file (the console's too).
package relay

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// Queue runs the functions given under one key one after the other, in the
// order given, in a goroutine per busy key. The zero Queue is ready.
type Queue struct {
	mu     sync.Mutex
	queues map[string][]func() // a key is present while its worker runs
}

// Do queues f under key; wg counts the workers.
func (q *Queue) Do(wg *sync.WaitGroup, key string, f func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queues == nil {
		q.queues = map[string][]func(){}
	}
	pending, busy := q.queues[key]
	q.queues[key] = append(pending, f)
	if busy {
		return
	}
	wg.Go(func() {
		for {
			q.mu.Lock()
			next := q.queues[key]
			if len(next) == 0 {
				delete(q.queues, key)
				q.mu.Unlock()
				return
			}
			q.queues[key] = next[1:]
			q.mu.Unlock()
			next[0]()
		}
	})
}

// maxWatched bounds the messages watched (oldest forgotten first).
const maxWatched = 500

// Vote is one person's reaction on a watched message.
type Vote struct{ User, Emoji string }

// Watched is a watched message.
type Watched struct{ ID, Channel string }

// Watch remembers the last change-request messages posted and the
// reactions seen on them. The zero Watch records every emoji.
type Watch struct {
	// Keep says which emoji are recorded (nil: all); the others are news.
	Keep func(emoji string) bool

	mu    sync.Mutex
	seen  map[string]map[Vote]bool
	order []Watched
}

// Add watches message id of channel.
func (w *Watch) Add(id, channel string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[string]map[Vote]bool{}
	}
	if w.seen[id] != nil {
		return
	}
	w.seen[id] = map[Vote]bool{}
	w.order = append(w.order, Watched{id, channel})
	if len(w.order) > maxWatched {
		delete(w.seen, w.order[0].ID)
		w.order = slices.Delete(w.order, 0, 1)
	}
}

// Observe records a reaction event and reports whether it is news: always
// for a message or an emoji that is not watched, else only when it changes
// what was seen (a reaction already delivered by Sync is not delivered
// twice).
func (w *Watch) Observe(id, user, emoji string, removed bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen[id]
	if seen == nil || (w.Keep != nil && !w.Keep(emoji)) {
		return true
	}
	v := Vote{user, emoji}
	if seen[v] == !removed {
		return false
	}
	if removed {
		delete(seen, v)
	} else {
		seen[v] = true
	}
	return true
}

// Change is a vote that appeared or disappeared during a gap in the events.
type Change struct {
	Vote
	Removed bool
}

// Sync re-reads the reactions message id has now (read, called without
// the lock) and returns what changed since what was seen before the read:
// the votes that disappeared (sorted), then those that appeared. A vote an
// event changed during the read is the event's, not reported again.
func (w *Watch) Sync(id string, read func() ([]Vote, error)) ([]Change, error) {
	w.mu.Lock()
	before := maps.Clone(w.seen[id])
	w.mu.Unlock()
	if before == nil {
		return nil, nil
	}
	now, err := read()
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen[id]
	if seen == nil {
		return nil, nil
	}
	var changes []Change
	for v := range before {
		if !slices.Contains(now, v) && seen[v] {
			delete(seen, v)
			changes = append(changes, Change{v, true})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.User, b.User), cmp.Compare(a.Emoji, b.Emoji))
	})
	for _, v := range now {
		if !before[v] && !seen[v] {
			seen[v] = true
			changes = append(changes, Change{v, false})
		}
	}
	return changes, nil
}

// pendingLister is what the engine offers to tell which change requests
// still take votes (bot.Engine.Pending).
type pendingLister interface {
	Pending(ctx context.Context) ([]bot.ChangeRequest, error)
}

// Resync re-reads (read) the votes of the watched messages h still counts
// votes on, since the platform does not replay the events of a gap in the
// connection, and hands deliver what changed meanwhile: per message, the
// votes that disappeared, then those that appeared. When h can tell
// (bot.Engine.Pending) only the messages of its change requests still
// pending on platform are read: a vote on an ended request changes nothing.
// A message that cannot be read is logged and skipped. It returns how many
// messages it tried to read.
func (w *Watch) Resync(ctx context.Context, log zerolog.Logger, h bot.Handler, platform string,
	read func(Watched) ([]Vote, error), deliver func(Watched, Change)) int {
	w.mu.Lock()
	watched := slices.Clone(w.order) // oldest first
	w.mu.Unlock()
	if pl, ok := h.(pendingLister); ok {
		if pending, err := pl.Pending(ctx); err != nil {
			log.Warn().Err(err).Msg("pending requests unknown; re-reading every watched message")
		} else {
			watched = slices.DeleteFunc(watched, func(m Watched) bool {
				return !slices.ContainsFunc(pending, func(cr bot.ChangeRequest) bool {
					return cr.MessageID == m.ID && (cr.Platform == platform || cr.Platform == "")
				})
			})
		}
	}
	for _, m := range watched {
		changes, err := w.Sync(m.ID, func() ([]Vote, error) { return read(m) })
		if err != nil {
			log.Warn().Err(err).Str("message", m.ID).Msg("votes not re-read")
			continue
		}
		for _, ch := range changes {
			log.Info().Str("message", m.ID).Str("user", ch.User).Bool("removed", ch.Removed).Msg("vote changed while disconnected delivered")
			deliver(m, ch)
		}
	}
	return len(watched)
}

// Split cuts text into pieces of at most limit characters, at the last line
// break of a piece, else its last space, else anywhere (never inside a
// UTF-8 sequence). The break a cut falls on ends its piece, or with drop is
// left out (Discord's messages, each its own). Joined, the pieces give text
// back (without the dropped breaks). An empty text is one empty piece.
func Split(text string, limit int, drop bool) []string {
	var out []string
	for utf8.RuneCountInString(text) > limit {
		end, n := 0, 0 // end is the byte offset just after limit characters
		for end < len(text) && n < limit {
			_, size := utf8.DecodeRuneInString(text[end:])
			end += size
			n++
		}
		cut, next := end, end
		if i := strings.LastIndexByte(text[:end], '\n'); i > 0 {
			cut, next = i, i+1
		} else if i := strings.LastIndexFunc(text[:end], unicode.IsSpace); i > 0 {
			_, size := utf8.DecodeRuneInString(text[i:])
			cut, next = i, i+size
		}
		if !drop {
			cut = next
		}
		out = append(out, text[:cut])
		text = text[next:]
	}
	return append(out, text)
}

// Fit sends a text too long for the platform's messages (long) as its
// first line and one attached file holding it whole (bot.LongText), before
// the message's own files; a text that fits is left alone.
func Fit(l bot.Locale, text string, long bool, files []bot.Attachment) (string, []bot.Attachment) {
	if !long {
		return text, files
	}
	short, f := bot.LongText(l, text)
	return short, append([]bot.Attachment{f}, files...)
}

// Recover, deferred around serving a person, logs a panic to log (what
// names what panicked) and tells the person text through tell (their
// reaction: bot.ReactionPanicText; their command: bot.PanicText). The
// goroutine, a message's queue or a connection, goes on with what comes next.
func Recover(log zerolog.Logger, what, text string, tell func(bot.Message) error) {
	p := recover()
	if p == nil {
		return
	}
	bot.LogPanic(&log, p, what)
	if err := tell(bot.Message{Text: text}); err != nil {
		log.Warn().Err(err).Msg("panic notice not delivered")
	}
}
