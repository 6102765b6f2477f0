package wordpresstest_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
)

// recording is one .http file of testdata/recorded: a request and the
// answer the real WordPress 6.1.9 gave.
type recording struct {
	name    string
	method  string
	target  string // path?query
	header  http.Header
	body    string
	resp    *http.Response
	rawBody []byte
}

var commentRE = regexp.MustCompile(`\s+#.*$`)

func readRecording(t *testing.T, path string) recording {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	req, resp, ok := strings.Cut(string(b), "\n### RESPONSE\n")
	if !ok {
		t.Fatalf("%s: no ### RESPONSE line", path)
	}
	head, body, _ := strings.Cut(req, "\n\n")
	lines := strings.Split(head, "\n")
	parts := strings.Fields(lines[0])
	rec := recording{name: filepath.Base(path), method: parts[0], target: parts[1], header: http.Header{}, body: body}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		k, v, _ := strings.Cut(l, ":")
		rec.header.Set(k, commentRE.ReplaceAllString(strings.TrimSpace(v), ""))
	}
	rec.resp, err = http.ReadResponse(bufio.NewReader(strings.NewReader(resp)), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rec.rawBody, _ = io.ReadAll(rec.resp.Body)
	return rec
}

// TestReplayRecordings sends every recorded request, in order, to a fake
// seeded like the recorded site, and compares the status, every header
// but the server's own (Date, Host, Connection, X-Powered-By) and the JSON
// body field by field. The values the README lists as changing between
// setups are compared by form: the ID of the user created during the
// recording (mapped to the fake's), dates, uuids and the new application
// password.
func TestReplayRecordings(t *testing.T) {
	files, _ := filepath.Glob("../testdata/recorded/*.http")
	if len(files) < 30 {
		t.Fatalf("found %d recordings, want the 35 of reference/providers/recorded/wordpress", len(files))
	}
	slices.Sort(files)

	const adminPw = "abcd EFGH ijkl MNOP qrst 1234"
	srv := wordpresstest.New("admin", adminPw)
	defer srv.Close()
	srv.SeedRecorded()
	host := strings.TrimPrefix(srv.URL(), "http://")

	secrets := map[string]string{"WP_APP_PASSWORD": adminPw, "WP_ADMIN_LOGIN_PASSWORD": "the-login-password"}
	ids := map[string]string{} // recorded ID of a created user → the fake's
	placeholder := regexp.MustCompile(`\{\{base64\(([^:]+):\$([A-Z_]+)\)\}\}`)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, f := range files {
		rec := readRecording(t, f)
		t.Run(rec.name, func(t *testing.T) {
			target := mapIDs(rec.target, ids)
			req, err := http.NewRequestWithContext(t.Context(), rec.method, srv.URL()+target, strings.NewReader(rec.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range rec.header {
				if k == "Host" {
					continue
				}
				auth := placeholder.ReplaceAllStringFunc(v[0], func(m string) string {
					sm := placeholder.FindStringSubmatch(m)
					pw, ok := secrets[sm[2]]
					if !ok {
						t.Fatalf("no value yet for $%s", sm[2])
					}
					return base64.StdEncoding.EncodeToString([]byte(sm[1] + ":" + pw))
				})
				req.Header.Set(k, auth)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()

			if resp.StatusCode != rec.resp.StatusCode {
				t.Fatalf("status %d, recorded %d; body %s", resp.StatusCode, rec.resp.StatusCode, body)
			}
			var want, got any
			if err := json.Unmarshal(rec.rawBody, &want); err != nil {
				t.Fatalf("recorded body: %v", err)
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("fake's body is not JSON: %v: %s", err, body)
			}
			// The user created during the recording: learn the fake's ID.
			if rec.method == "POST" && strings.HasSuffix(rec.target, "/wp/v2/users") && resp.StatusCode == 201 {
				ids[jsonID(want)] = jsonID(got)
			}
			// The editor's application password, created by request 26.
			if m, ok := got.(map[string]any); ok && strings.Contains(rec.target, "application-passwords") {
				if pw, ok := m["password"].(string); ok {
					secrets["EDITOR_APP_PASSWORD"] = pw
				}
			}
			norm := func(s string) string {
				s = strings.ReplaceAll(s, "127.0.0.1:8081", "HOST")
				s = strings.ReplaceAll(s, host, "HOST")
				return uuidRE.ReplaceAllString(s, "{uuid}")
			}
			for _, k := range headerNames(rec.resp.Header, resp.Header) {
				w, g := norm(mapIDs(strings.Join(rec.resp.Header.Values(k), ", "), ids)), norm(strings.Join(resp.Header.Values(k), ", "))
				if w != g {
					t.Errorf("header %s = %q, recorded %q", k, g, w)
				}
			}
			for _, d := range diffJSON("body", want, got, ids, norm) {
				t.Error(d)
			}
		})
	}
}

var (
	uuidRE  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00)?$`)
	appPwRE = regexp.MustCompile(`^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$`)
)

// mapIDs rewrites /users/N for every created user N.
func mapIDs(s string, ids map[string]string) string {
	for from, to := range ids {
		s = regexp.MustCompile(`/users/`+from+`\b`).ReplaceAllString(s, "/users/"+to)
	}
	return s
}

func jsonID(v any) string {
	m, _ := v.(map[string]any)
	f, _ := m["id"].(float64)
	return strconv.Itoa(int(f))
}

// headerNames is every header of either answer but those the server (PHP's
// built-in one, Go's httptest) sets itself.
func headerNames(a, b http.Header) []string {
	var out []string
	for _, h := range []http.Header{a, b} {
		for k := range h {
			switch k {
			case "Date", "Host", "Connection", "X-Powered-By", "Content-Length":
				continue
			}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// diffJSON compares two decoded JSON values field by field.
func diffJSON(path string, want, got any, ids map[string]string, norm func(string) string) []string {
	key := path[strings.LastIndex(path, ".")+1:]
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %T, recorded an object", path, got)}
		}
		var out []string
		for k := range w {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: not in the recording", path, k))
			}
		}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				out = append(out, diffJSON(path+"."+k, wv, gv, ids, norm)...)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, recorded %d items", path, got, len(w))}
		}
		var out []string
		for i := range w {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], ids, norm)...)
		}
		return out
	case string:
		g, ok := got.(string)
		switch {
		case !ok:
			return []string{fmt.Sprintf("%s: got %v, recorded a string", path, got)}
		case key == "registered_date" || key == "created":
			if !dateRE.MatchString(g) {
				return []string{fmt.Sprintf("%s = %q, not a date as recorded (%q)", path, g, w)}
			}
		case key == "password":
			if !appPwRE.MatchString(g) {
				return []string{fmt.Sprintf("%s = %q, not an application password", path, g)}
			}
		case norm(mapIDs(w, ids)) != norm(g):
			return []string{fmt.Sprintf("%s = %q, recorded %q", path, g, w)}
		}
	case float64:
		if key == "id" {
			if to, ok := ids[strconv.Itoa(int(w))]; ok {
				n, _ := strconv.Atoi(to)
				w = float64(n)
			}
		}
		if got != w {
			return []string{fmt.Sprintf("%s = %v, recorded %v", path, got, w)}
		}
	default: // bool, nil
		if got != want {
			return []string{fmt.Sprintf("%s = %v, recorded %v", path, got, want)}
		}
	}
	return nil
}
