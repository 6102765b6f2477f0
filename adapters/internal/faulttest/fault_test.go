package faulttest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// backend is the wrapped handler: it counts its calls and echoes the body.
type backend struct {
	calls atomic.Int32
	mu    sync.Mutex
	body  string
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.body = string(body)
	b.mu.Unlock()
	io.WriteString(w, "ok")
}

func serve(h http.Handler, method string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/x", nil))
	return rec
}

func TestZeroValuePassesThrough(t *testing.T) {
	var f faulttest.Injector
	b := &backend{}
	h := f.Wrap(b)
	for range 3 {
		if rec := serve(h, http.MethodGet); rec.Code != 200 || rec.Body.String() != "ok" {
			t.Fatalf("answer %d %q, want 200 ok", rec.Code, rec.Body)
		}
	}
	if f.Requests() != 3 || b.calls.Load() != 3 {
		t.Errorf("Requests %d, backend %d; want 3 and 3", f.Requests(), b.calls.Load())
	}
}

func TestFailNext(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantBody string
	}{
		{"with body", 503, "<html>down</html>", "<html>down</html>"},
		{"default body", 500, "", "Internal Server Error"},
		{"4xx", 404, "", "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &faulttest.Injector{}
			b := &backend{}
			h := f.Wrap(b)
			f.FailNext(2, tt.status, tt.body)
			for i := range 2 {
				rec := serve(h, http.MethodGet)
				if rec.Code != tt.status || rec.Body.String() != tt.wantBody {
					t.Errorf("request %d: %d %q, want %d %q", i, rec.Code, rec.Body, tt.status, tt.wantBody)
				}
				if got := rec.Header().Get("Content-Length"); got != "" && got != strconv.Itoa(len(tt.wantBody)) {
					t.Errorf("Content-Length %s for %d bytes", got, len(tt.wantBody))
				}
			}
			if rec := serve(h, http.MethodGet); rec.Code != 200 {
				t.Errorf("third request: %d, want 200", rec.Code)
			}
			if b.calls.Load() != 1 || f.Requests() != 3 {
				t.Errorf("backend %d, Requests %d; want 1 and 3", b.calls.Load(), f.Requests())
			}
		})
	}
}

func TestRateLimitNext(t *testing.T) {
	f := &faulttest.Injector{}
	b := &backend{}
	h := f.Wrap(b)
	f.RateLimitNext(1, "Retry-After", "3")
	rec := serve(h, http.MethodGet)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("answer %d %v, want 429 with Retry-After: 3", rec.Code, rec.Header())
	}
	f.RateLimitNext(1, "x-sib-ratelimit-reset", "7")
	rec = serve(h, http.MethodPost)
	if rec.Code != 429 || rec.Header().Get("X-Sib-Ratelimit-Reset") != "7" || rec.Header().Get("Retry-After") != "" {
		t.Errorf("answer %d %v, want 429 with x-sib-ratelimit-reset only", rec.Code, rec.Header())
	}
	f.RateLimitNext(1, "", "")
	if rec = serve(h, http.MethodGet); rec.Code != 429 || len(rec.Header()["Retry-After"]) != 0 {
		t.Errorf("without header: %d %v", rec.Code, rec.Header())
	}
	if rec = serve(h, http.MethodGet); rec.Code != 200 || b.calls.Load() != 1 {
		t.Errorf("after the limit: %d, backend %d", rec.Code, b.calls.Load())
	}
}

// start serves one request in a goroutine and returns a channel closed
// when the handler returns, and the function that cancels the request.
func start(h http.Handler, method, body string) (*httptest.ResponseRecorder, <-chan struct{}, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, method, "/x", strings.NewReader(body))
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	return rec, done, cancel
}

func isDone(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func TestHangNext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		b := &backend{}
		h := f.Wrap(b)
		f.HangNext(1)
		_, done, cancel := start(h, http.MethodPost, "password=x")
		time.Sleep(24 * time.Hour) // in the bubble: the clock jumps
		synctest.Wait()
		if isDone(done) {
			t.Fatal("the hanging request returned before the client went away")
		}
		cancel()
		synctest.Wait()
		if !isDone(done) || b.calls.Load() != 0 {
			t.Fatalf("after cancel: done %v, backend %d", isDone(done), b.calls.Load())
		}
		if rec := serve(h, http.MethodGet); rec.Code != 200 {
			t.Errorf("next request: %d", rec.Code)
		}
	})
}

func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		b := &backend{}
		h := f.Wrap(b)
		f.SetLatency(time.Second)
		if f.Latency() != time.Second {
			t.Errorf("Latency = %v", f.Latency())
		}
		rec, done, cancel := start(h, http.MethodPost, "a=b&c=d")
		defer cancel()
		answeredAt(t, "latency", done, time.Second)
		if rec.Code != 200 {
			t.Fatalf("after the latency: %d", rec.Code)
		}
		b.mu.Lock()
		if b.body != "a=b&c=d" {
			t.Errorf("backend read body %q, want the request's", b.body)
		}
		b.mu.Unlock()

		_, done, cancel2 := start(h, http.MethodGet, "")
		synctest.Wait()
		cancel2()
		synctest.Wait()
		if !isDone(done) || b.calls.Load() != 1 {
			t.Errorf("cancelled during latency: done %v, backend %d; want done and not called", isDone(done), b.calls.Load())
		}
		f.SetLatency(0)
		if rec := serve(h, http.MethodGet); rec.Code != 200 {
			t.Errorf("latency off: %d", rec.Code)
		}
	})
}

// TestHangEndsWhenClientTimesOut goes through a real server: a POST that
// hangs must end when the client gives up, which net/http only notices
// once the request body has been read.
func TestHangEndsWhenClientTimesOut(t *testing.T) {
	f := &faulttest.Injector{}
	ended := make(chan struct{}, 4)
	h := f.Wrap(&backend{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		ended <- struct{}{}
	}))
	defer srv.Close()
	hc := &http.Client{Timeout: 50 * time.Millisecond, Transport: srv.Client().Transport}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		f.HangNext(1)
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader("password=secret")
		}
		req, err := http.NewRequest(method, srv.URL, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("%s: the hanging request answered", method)
		}
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the server still hangs 10 s after the client left", method)
		}
	}
}

func TestOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		b := &backend{}
		h := f.Wrap(b)
		f.Only(func(r *http.Request) bool { return r.Method == http.MethodPost })
		f.FailNext(1, 503, "")
		if rec := serve(h, http.MethodGet); rec.Code != 200 {
			t.Errorf("GET outside Only: %d, want 200", rec.Code)
		}
		if rec := serve(h, http.MethodPost); rec.Code != 503 {
			t.Errorf("POST inside Only: %d, want 503", rec.Code)
		}
		f.SetLatency(time.Second) // latency ignores Only
		_, done, cancel := start(h, http.MethodGet, "")
		defer cancel()
		synctest.Wait()
		if isDone(done) {
			t.Error("latency skipped a request outside Only")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if !isDone(done) {
			t.Error("the request did not end after the latency")
		}
		f.Only(nil)
		f.SetLatency(0)
		f.FailNext(1, 502, "")
		if rec := serve(h, http.MethodGet); rec.Code != 502 {
			t.Errorf("Only(nil): GET %d, want 502", rec.Code)
		}
	})
}

// TestPriority: with every knob armed, a request hangs first, then is
// rate-limited, then fails.
func TestPriority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		h := f.Wrap(&backend{})
		f.FailNext(1, 500, "")
		f.RateLimitNext(1, "Retry-After", "1")
		f.HangNext(1)
		_, done, cancel := start(h, http.MethodGet, "")
		synctest.Wait()
		if isDone(done) {
			t.Fatal("first request did not hang")
		}
		cancel()
		synctest.Wait()
		var got []int
		for range 3 {
			got = append(got, serve(h, http.MethodGet).Code)
		}
		if want := []int{429, 500, 200}; !slices.Equal(got, want) {
			t.Errorf("answers %v, want %v", got, want)
		}
	})
}

func TestReset(t *testing.T) {
	f := &faulttest.Injector{}
	h := f.Wrap(&backend{})
	serve(h, http.MethodGet)
	f.SetLatency(time.Hour)
	f.FailNext(5, 500, "")
	f.RateLimitNext(5, "Retry-After", "1")
	f.HangNext(5)
	f.Only(func(*http.Request) bool { return true })
	f.Reset()
	if f.Requests() != 0 || f.Latency() != 0 {
		t.Errorf("after Reset: Requests %d, Latency %v", f.Requests(), f.Latency())
	}
	if rec := serve(h, http.MethodGet); rec.Code != 200 || f.Requests() != 1 {
		t.Errorf("after Reset: %d, Requests %d", rec.Code, f.Requests())
	}
}

// TestKnobsWhileServing turns knobs while requests run; run it with -race.
func TestKnobsWhileServing(t *testing.T) {
	f := &faulttest.Injector{}
	h := f.Wrap(&backend{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				switch (i + j) % 4 {
				case 0:
					f.FailNext(1, 503, "")
				case 1:
					f.RateLimitNext(1, "Retry-After", "0")
				case 2:
					f.Only(func(r *http.Request) bool { return r.Method == http.MethodGet })
				case 3:
					f.Only(nil)
				}
				serve(h, http.MethodGet)
			}
		})
	}
	wg.Wait()
	if n := f.Requests(); n != 400 {
		t.Errorf("Requests = %d, want 400", n)
	}
}

// slowBackend works for a given time on the clock, then answers 201 with a
// header and a body.
type slowBackend struct {
	work  time.Duration
	calls atomic.Int32
}

func (b *slowBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.calls.Add(1)
	time.Sleep(b.work)
	w.Header().Set("X-Total", "3")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, "created")
}

// answeredAt checks, in a synctest bubble, that done is closed exactly d
// after now: not 1 ms before, and at d.
func answeredAt(t *testing.T, what string, done <-chan struct{}, d time.Duration) {
	t.Helper()
	time.Sleep(d - time.Millisecond)
	synctest.Wait()
	if isDone(done) {
		t.Fatalf("%s: answered before %v", what, d)
	}
	time.Sleep(time.Millisecond)
	synctest.Wait()
	if !isDone(done) {
		t.Fatalf("%s: not answered at %v", what, d)
	}
}

func TestResponseTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		b := &slowBackend{work: 300 * time.Millisecond}
		h := f.Wrap(b)
		f.SetResponseTime(time.Second)
		if f.ResponseTime() != time.Second {
			t.Errorf("ResponseTime = %v", f.ResponseTime())
		}
		rec, done, cancel := start(h, http.MethodGet, "")
		defer cancel()
		synctest.Wait()
		if b.calls.Load() != 1 {
			t.Fatal("the server did not start its work at once")
		}
		answeredAt(t, "work within the response time", done, time.Second)
		if rec.Code != http.StatusCreated || rec.Body.String() != "created" || rec.Header().Get("X-Total") != "3" || rec.Header().Get("Content-Length") != "7" {
			t.Errorf("answer %d %v %q, want the server's 201 with its header, body and length", rec.Code, rec.Header(), rec.Body)
		}

		// Work longer than the response time: the answer leaves when ready.
		b.work = 1500 * time.Millisecond
		_, done, cancel2 := start(h, http.MethodGet, "")
		defer cancel2()
		answeredAt(t, "work longer than the response time", done, 1500*time.Millisecond)

		// A client that goes away during the wait: the work is done, no answer.
		b.work = 0
		rec, done, cancel3 := start(h, http.MethodPost, "a=b")
		synctest.Wait()
		cancel3()
		synctest.Wait()
		if !isDone(done) || b.calls.Load() != 3 || rec.Body.Len() != 0 {
			t.Errorf("cancelled during the wait: done %v, calls %d, body %q; want done, 3 calls, no answer", isDone(done), b.calls.Load(), rec.Body)
		}

		// Faults are answered at the response time, without the server.
		f.FailNext(1, http.StatusBadGateway, "")
		rec, done, cancel4 := start(h, http.MethodGet, "")
		defer cancel4()
		answeredAt(t, "fault", done, time.Second)
		if rec.Code != http.StatusBadGateway || b.calls.Load() != 3 {
			t.Errorf("fault: %d, calls %d; want 502, server not called", rec.Code, b.calls.Load())
		}

		f.Reset()
		if f.ResponseTime() != 0 {
			t.Errorf("after Reset: ResponseTime %v", f.ResponseTime())
		}
	})
}

// sizedBackend answers n bytes and the query it saw in X-Query.
type sizedBackend struct{ n int }

func (b sizedBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Query", r.URL.RawQuery)
	w.Write([]byte(strings.Repeat("x", b.n)))
}

// TestTimePerKB: the answer leaves base + size × cost after its request.
func TestTimePerKB(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faulttest.Injector{}
		h := f.Wrap(sizedBackend{n: 10 << 10})
		f.SetResponseTime(20 * time.Millisecond)
		f.SetTimePerKB(time.Millisecond)
		rec, done, cancel := start(h, http.MethodGet, "")
		defer cancel()
		answeredAt(t, "10 KiB at 1 ms per KiB", done, 30*time.Millisecond)
		if rec.Body.Len() != 10<<10 || f.Bytes() != 10<<10 {
			t.Errorf("body %d bytes, Bytes() %d; want %d", rec.Body.Len(), f.Bytes(), 10<<10)
		}
		f.Reset()
		if f.Bytes() != 0 {
			t.Errorf("after Reset: Bytes %d", f.Bytes())
		}
	})
}

func TestIgnoreQueryAndRewrite(t *testing.T) {
	f := &faulttest.Injector{}
	h := f.Wrap(sizedBackend{n: 3})
	f.IgnoreQuery("page", "offset")
	f.Rewrite(func(hd http.Header, body []byte) []byte {
		hd.Set("X-WP-TotalPages", "1000000000")
		return append(body, "yz"...)
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x?page=7&per_page=2&offset=3", nil))
	if q := rec.Header().Get("X-Query"); q != "per_page=2" {
		t.Errorf("the server saw %q, want per_page=2 alone", q)
	}
	if rec.Body.String() != "xxxyz" || rec.Header().Get("Content-Length") != "5" || rec.Header().Get("X-WP-TotalPages") != "1000000000" {
		t.Errorf("rewritten answer %v %q, want the new header, body and length", rec.Header(), rec.Body)
	}
	f.Reset()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x?page=7", nil))
	if rec.Header().Get("X-Query") != "page=7" || rec.Body.String() != "xxx" {
		t.Errorf("after Reset: %v %q", rec.Header(), rec.Body)
	}
}

// TestDropNext: the server does the work (a POST reaches it), then the
// client gets no answer at all, only a broken connection; the next request
// is answered.
func TestDropNext(t *testing.T) {
	var f faulttest.Injector
	b := &backend{}
	srv := httptest.NewServer(f.Wrap(b))
	defer srv.Close()
	f.DropNext(1)
	resp, err := srv.Client().Post(srv.URL+"/x", "text/plain", strings.NewReader("write"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request answered %d, want a connection error", resp.StatusCode)
	}
	b.mu.Lock()
	got := b.body
	b.mu.Unlock()
	if b.calls.Load() != 1 || got != "write" {
		t.Errorf("backend calls %d body %q, want the write done once", b.calls.Load(), got)
	}
	resp, err = srv.Client().Post(srv.URL+"/x", "text/plain", strings.NewReader("again"))
	if err != nil {
		t.Fatalf("request after the drop: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || b.calls.Load() != 2 {
		t.Errorf("after the drop: %d, %d calls; want 200 and 2", resp.StatusCode, b.calls.Load())
	}
}
