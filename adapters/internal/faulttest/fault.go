// Package faulttest injects failures into the fake provider servers: latency,
// a response time that grows with the answer's size, 5xx answers, 429
// answers with a wait header, hangs that last until the client gives up,
// connections dropped after the server did the work, and broken servers (a
// page parameter ignored, an answer rewritten). Every fake wraps its mux
// with a *Injector, so tests, benchmarks and the demo turn the same knobs.
// Like the fakes, it is test support (hence the name, as net/http/httptest),
// never part of what opsbot runs against a provider.
package faulttest

import (
	"bytes"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Injector is an http.Handler middleware. Its knobs may be changed while the
// server runs. The zero value injects nothing.
type Injector struct {
	mu         sync.Mutex
	latency    time.Duration
	respTime   time.Duration
	perKB      time.Duration // response time added per KiB of answer
	ignore     []string      // query parameters deleted before the server sees them
	rewrite    func(h http.Header, body []byte) []byte
	fail       int // next N requests answer failStatus
	failStatus int
	failBody   string
	limited    int // next N requests answer 429
	waitHeader string
	waitValue  string
	hang       int // next N requests hang until the client goes away
	drop       int // next N requests are served, then their connection drops without an answer
	match      func(*http.Request) bool

	requests atomic.Int64
	bytes    atomic.Int64
}

// SetLatency delays every request by d (0 turns it off).
func (f *Injector) SetLatency(d time.Duration) { f.mu.Lock(); f.latency = d; f.mu.Unlock() }

// Latency returns the configured delay.
func (f *Injector) Latency() time.Duration { f.mu.Lock(); defer f.mu.Unlock(); return f.latency }

// SetResponseTime makes every answer leave d after its request arrived (0
// turns it off). Unlike SetLatency the wrapped server works at once, within
// d, so "20 ms per request" is what a request costs the client whatever the
// fake's own CPU. Faults (429, 5xx) are answered at the same time.
func (f *Injector) SetResponseTime(d time.Duration) { f.mu.Lock(); f.respTime = d; f.mu.Unlock() }

// ResponseTime returns the configured response time.
func (f *Injector) ResponseTime() time.Duration { f.mu.Lock(); defer f.mu.Unlock(); return f.respTime }

// SetTimePerKB adds d per KiB of answer to the response time (0 turns it
// off): a server's work grows with the page it renders. With
// SetResponseTime(base), an answer of n bytes leaves base + n/1024 × d after
// its request arrived. Only answers of the wrapped server count (not faults).
func (f *Injector) SetTimePerKB(d time.Duration) { f.mu.Lock(); f.perKB = d; f.mu.Unlock() }

// Bytes returns how many bytes of answer the wrapped server wrote so far
// (counted when the response time or a rewrite holds the answer back).
func (f *Injector) Bytes() int64 { return f.bytes.Load() }

// IgnoreQuery deletes the query parameters names from every request before
// the server sees it (none turns it off): a server that ignores its page
// parameter answers its first page again and again.
func (f *Injector) IgnoreQuery(names ...string) { f.mu.Lock(); f.ignore = names; f.mu.Unlock() }

// Rewrite passes every answer of the wrapped server through fn before it
// leaves (nil turns it off): fn may change the headers and returns the body
// to send, so a test plays a server that lies (a bogus total).
func (f *Injector) Rewrite(fn func(h http.Header, body []byte) []byte) {
	f.mu.Lock()
	f.rewrite = fn
	f.mu.Unlock()
}

// FailNext makes the next n requests answer status with body.
func (f *Injector) FailNext(n, status int, body string) {
	f.mu.Lock()
	f.fail, f.failStatus, f.failBody = n, status, body
	f.mu.Unlock()
}

// RateLimitNext makes the next n requests answer 429 with header: value
// (for example "Retry-After", "1").
func (f *Injector) RateLimitNext(n int, header, value string) {
	f.mu.Lock()
	f.limited, f.waitHeader, f.waitValue = n, header, value
	f.mu.Unlock()
}

// HangNext makes the next n requests wait until the client cancels.
func (f *Injector) HangNext(n int) { f.mu.Lock(); f.hang = n; f.mu.Unlock() }

// DropNext makes the next n requests reach the wrapped server, which does
// its work (a write is applied), and then drops their connection before any
// answer: the client cannot know whether its change happened.
func (f *Injector) DropNext(n int) { f.mu.Lock(); f.drop = n; f.mu.Unlock() }

// Only restricts the faults (not the latency) to requests match accepts; nil
// means every request.
func (f *Injector) Only(match func(*http.Request) bool) { f.mu.Lock(); f.match = match; f.mu.Unlock() }

// Reset turns every knob off and zeroes the request count.
func (f *Injector) Reset() {
	f.mu.Lock()
	f.latency, f.respTime, f.fail, f.limited, f.hang, f.drop, f.match = 0, 0, 0, 0, 0, 0, nil
	f.perKB, f.ignore, f.rewrite = 0, nil, nil
	f.mu.Unlock()
	f.requests.Store(0)
	f.bytes.Store(0)
}

// Requests returns how many requests reached the wrapped server.
func (f *Injector) Requests() int64 { return f.requests.Load() }

// Wrap returns next with the faults in front of it.
func (f *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived := time.Now()
		f.requests.Add(1)
		f.mu.Lock()
		lat, resp, perKB, ignore, rewrite := f.latency, f.respTime, f.perKB, f.ignore, f.rewrite
		applies := f.match == nil || f.match(r)
		var hang, fail, limited, drop bool
		var status int
		var body, hdr, val string
		if applies {
			switch {
			case f.hang > 0:
				f.hang--
				hang = true
			case f.drop > 0:
				f.drop--
				drop = true
			case f.limited > 0:
				f.limited--
				limited, hdr, val = true, f.waitHeader, f.waitValue
			case f.fail > 0:
				f.fail--
				fail, status, body = true, f.failStatus, f.failBody
			}
		}
		f.mu.Unlock()
		if (hang || lat > 0 || resp > 0) && r.Body != nil {
			// net/http notices that the client went away (and ends
			// r.Context()) only once the request body has been read, so a
			// POST that hangs or waits must read its body first.
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		if len(ignore) > 0 {
			q := r.URL.Query()
			for _, name := range ignore {
				q.Del(name)
			}
			r.URL.RawQuery = q.Encode()
		}
		if !wait(r, lat) {
			return
		}
		if drop {
			next.ServeHTTP(httptest.NewRecorder(), r)
			panic(http.ErrAbortHandler) // net/http closes the connection and logs nothing
		}
		if (resp > 0 || perKB > 0 || rewrite != nil) && !hang && !limited && !fail {
			// The server works now; its answer leaves at arrived+resp
			// (plus its size's share).
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			if rewrite != nil {
				body = rewrite(rec.Header(), body)
			}
			f.bytes.Add(int64(len(body)))
			resp += time.Duration(len(body)) * perKB / 1024
			if !wait(r, resp-time.Since(arrived)) {
				return
			}
			maps.Copy(w.Header(), rec.Header())
			if rec.Code != http.StatusNoContent && rec.Code != http.StatusNotModified {
				w.Header().Set("Content-Length", strconv.Itoa(len(body))) // a rewrite may change it
			}
			w.WriteHeader(rec.Code)
			w.Write(body)
			return
		}
		if !wait(r, resp-time.Since(arrived)) {
			return
		}
		switch {
		case hang:
			<-r.Context().Done()
			return
		case limited:
			if hdr != "" {
				w.Header().Set(hdr, val)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"code":"too_many_requests","message":"Too many requests"}`))
			return
		case fail:
			if body == "" {
				body = http.StatusText(status)
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			w.Write([]byte(body))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait sleeps d (nothing when d ≤ 0) unless the client goes away first; it
// reports whether to answer.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Hangup listens on loopback and closes every connection it accepts before
// reading from it: a server that is down, on a port that stays taken until
// the test ends. (A closed httptest server's port is free for another test
// package's server to take, which then answers in its place.)
func Hangup(t testing.TB) (addr string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}
