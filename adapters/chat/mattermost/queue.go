package mattermost

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/anopex/opsbot/bot"
)

// spawn runs fn in the background; Serve waits for it before returning.
func (c *Chat) spawn(ctx context.Context, fn func(ctx context.Context)) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn(ctx)
	}()
}

// react delivers a reaction built by build to h in the queue of postID, so
// that the votes on one post reach the engine in the order they happened
// while votes on other posts go on in parallel. build returns false to drop
// the reaction.
func (c *Chat) react(ctx context.Context, h bot.Handler, postID, userID, emoji string, build func(context.Context) (bot.Reaction, bool)) {
	c.queue.do(&c.wg, postID, func() {
		defer c.recoverReaction(ctx, postID, userID, emoji)
		if r, ok := build(ctx); ok {
			h.React(ctx, r)
		}
	})
}

// serial runs functions one at a time per key, in the order they were given.
type serial struct {
	mu     sync.Mutex
	queues map[string][]func() // a key is present while its worker runs
}

func (s *serial) do(wg *sync.WaitGroup, key string, fn func()) {
	s.mu.Lock()
	q, running := s.queues[key]
	s.queues[key] = append(q, fn)
	if running {
		s.mu.Unlock()
		return
	}
	wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer wg.Done()
		for {
			s.mu.Lock()
			q := s.queues[key]
			if len(q) == 0 {
				delete(s.queues, key)
				s.mu.Unlock()
				return
			}
			f := q[0]
			s.queues[key] = q[1:]
			s.mu.Unlock()
			f()
		}
	}()
}

// maxWatched is how many recent change-request posts the adapter re-reads
// after a websocket reconnection.
const maxWatched = 500

// watchlist remembers the bot's recent change-request posts and the
// reactions seen on them, so that reactions made while the websocket was
// down are found and delivered once it is back.
type watchlist struct {
	mu    sync.Mutex
	posts map[string]*watched
	order []string
}

type watched struct {
	channel string
	seen    map[reactionKey]bool
}

type reactionKey struct{ user, emoji string }

func (wl *watchlist) add(postID, channel string) {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	if _, ok := wl.posts[postID]; ok {
		return
	}
	wl.posts[postID] = &watched{channel: channel, seen: map[reactionKey]bool{}}
	wl.order = append(wl.order, postID)
	if len(wl.order) > maxWatched {
		delete(wl.posts, wl.order[0])
		wl.order = wl.order[1:]
	}
}

// observe records a reaction event and reports whether it is news: always
// for a post that is not watched, and for a watched post only when it
// changes what was seen (a reaction already delivered by a re-read after a
// reconnection is not delivered twice).
func (wl *watchlist) observe(postID, user, emoji string, removed bool) bool {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	w, ok := wl.posts[postID]
	if !ok {
		return true
	}
	k := reactionKey{user, emoji}
	if w.seen[k] == !removed {
		return false
	}
	if removed {
		delete(w.seen, k)
	} else {
		w.seen[k] = true
	}
	return true
}

type watchedPost struct{ id, channel string }

func (wl *watchlist) list() []watchedPost {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	out := make([]watchedPost, 0, len(wl.order))
	for _, id := range wl.order {
		out = append(out, watchedPost{id, wl.posts[id].channel})
	}
	return out
}

// sync replaces what was seen on postID by current (the reactions the server
// has now) and returns the reactions that appeared and disappeared meanwhile.
func (wl *watchlist) sync(postID string, current []reactionKey) (added, removed []reactionKey) {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	w, ok := wl.posts[postID]
	if !ok {
		return nil, nil
	}
	now := map[reactionKey]bool{}
	for _, k := range current {
		now[k] = true
		if !w.seen[k] {
			added = append(added, k)
		}
	}
	for k := range w.seen {
		if !now[k] {
			removed = append(removed, k)
		}
	}
	slices.SortFunc(removed, func(a, b reactionKey) int {
		return cmp.Or(cmp.Compare(a.user, b.user), cmp.Compare(a.emoji, b.emoji))
	})
	w.seen = now
	return added, removed
}
