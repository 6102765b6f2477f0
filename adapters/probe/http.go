package probe

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// HTTPConfig configures the availability check.
type HTTPConfig struct {
	URLs []string
	// Client makes the requests (it follows redirects); nil means a client
	// with a 20 s timeout. The scheduler's deadline applies as well.
	Client *http.Client
	// Slow is the latency above which a page counts as slow (default 10 s).
	Slow time.Duration
	// Observe, when set, is told every probe: the status (0 when no answer)
	// and the latency, for metrics.
	Observe func(url string, status int, d time.Duration)
}

// httpCheck checks that pages answer, and answer fast enough. A page is down when
// it does not answer or answers with a status of 400 or more: after
// Options.Failures such probes in a row it raises a critical alert. A page
// slower than Slow as many times in a row raises a warning. One good answer
// recovers it. Keys are "http:URL".
type httpCheck struct {
	cfg   HTTPConfig
	o     Options
	down  streaks
	slow  streaks
	agent string
}

// NewHTTP returns the availability check. It refuses a URL that is not
// absolute http or https.
func NewHTTP(cfg HTTPConfig, o Options) (alerts.Check, error) {
	for _, s := range cfg.URLs {
		if err := rest.CheckURL(s); err != nil {
			return nil, fmt.Errorf("http check: %w", err)
		}
	}
	cfg.Client = cmp.Or(cfg.Client, &http.Client{Timeout: 20 * time.Second})
	cfg.Slow = cmp.Or(cfg.Slow, 10*time.Second)
	c := &httpCheck{cfg: cfg, o: o.defaults(), agent: "opsbot-probe"}
	return check{"http", c.run}, nil
}

// run probes every URL at once; it never fails as a whole.
func (c *httpCheck) run(ctx context.Context) ([]alerts.Alert, error) {
	return collect(len(c.cfg.URLs), func(i int) *alerts.Alert { return c.probe(ctx, c.cfg.URLs[i]) }), nil
}

func (c *httpCheck) probe(ctx context.Context, u string) *alerts.Alert {
	// What people, the data file and /metrics see is the URL scrubbed of
	// credential-like query parameters; only the request uses it whole.
	shown := rest.Scrub(u)
	l, key := c.o.Locale, "http:"+shown
	status, d, err := c.get(ctx, u)
	if c.cfg.Observe != nil {
		c.cfg.Observe(shown, status, d)
	}
	var why string
	switch {
	case err != nil:
		why = reason(l, err)
	case status >= 400:
		why = fmt.Sprintf("HTTP %d", status)
	}
	if why != "" {
		c.slow.ok(key)
		n := c.down.fail(key)
		if n < c.o.Failures {
			return &alerts.Alert{Key: key, Hold: true}
		}
		return &alerts.Alert{Key: key, Severity: alerts.Critical,
			Title: fmt.Sprintf(l.Pick("%s ne répond pas : %s (%d échecs de suite)", "%s is down: %s (%d failures in a row)"), shown, why, n)}
	}
	c.down.ok(key)
	if d <= c.cfg.Slow {
		c.slow.ok(key)
		return nil
	}
	if n := c.slow.fail(key); n >= c.o.Failures {
		return &alerts.Alert{Key: key, Severity: alerts.Warning,
			Title: fmt.Sprintf(l.Pick("%s répond lentement : %s (%d fois de suite au-delà de %s)", "%s is slow: %s (%d times in a row over %s)"),
				shown, seconds(l, d), n, seconds(l, c.cfg.Slow))}
	}
	return nil
}

// get fetches u and returns its status and latency by the check's clock.
func (c *httpCheck) get(ctx context.Context, u string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("User-Agent", c.agent)
	start := c.o.Now()
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return 0, c.o.Now().Sub(start), err
	}
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, c.o.Now().Sub(start), err
}

// seconds renders a latency: "12,3 s" in French, "12.3 s" in English.
func seconds(l bot.Locale, d time.Duration) string {
	s := fmt.Sprintf("%.1f s", d.Seconds())
	if l != bot.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
