package drive_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/anopex/opsbot/adapters/drive"
	"github.com/anopex/opsbot/adapters/drive/drivetest"
	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

func client(t *testing.T, f *drivetest.Server, token, folder string) *drive.Client {
	t.Helper()
	c, err := drive.New(drive.Options{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}), Folder: folder,
		Endpoint: f.Endpoint(), HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQuotaAndEditors(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	f.Usage, f.Limit = 14_500_000_000, 16_106_127_360
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"},
		{EmailAddress: "x@example.org", Role: "reader", Type: "user"}, {Role: "writer", Type: "anyone"}}
	c := client(t, f, "tok", "media")
	u, err := c.AccountQuota(t.Context())
	if err != nil || u.UsedMB != 14500 || u.LimitMB != 16106.12736 {
		t.Fatalf("quota %+v, %v", u, err)
	}
	eds, err := c.Editors(t.Context())
	if err != nil || len(eds) != 2 || eds[0] != (bot.Share{Email: "asso@gmail.com", Role: "owner", Type: "user"}) || eds[1].Type != "anyone" {
		t.Fatalf("editors %+v, %v", eds, err)
	}
	f.Limit = 0
	if u, err := c.AccountQuota(t.Context()); err != nil || u.LimitMB != 0 {
		t.Fatalf("unlimited: %+v, %v", u, err)
	}
}

// Editors follows nextPageToken to the last page, and reads a folder of a
// shared drive (supportsAllDrives).
func TestEditorsAcrossPages(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	var want []bot.Share
	for i, r := range []string{"writer", "reader", "owner", "commenter", "fileOrganizer", "organizer", "writer"} {
		p := drivetest.Permission{EmailAddress: string(rune('a'+i)) + "@example.org", Role: r, Type: "user"}
		f.Permissions["media"] = append(f.Permissions["media"], p)
		if r != "reader" && r != "commenter" {
			want = append(want, bot.Share{Email: p.EmailAddress, Role: r, Type: "user"})
		}
	}
	f.PageMax, f.Shared["media"] = 2, true
	got, err := client(t, f, "tok", "media").Editors(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("editors (-want +got):\n%s", d)
	}
	if n := f.Fault.Requests(); n != 4 {
		t.Errorf("%d requests for 7 permissions at 2 a page, want 4", n)
	}
}

func TestRefusals(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"}}
	for _, tc := range []struct {
		name           string
		token, folder  string
		status, failed int // injected: the next failed requests answer status
		reason         string
		want           bot.Kind
	}{
		{name: "bad token", token: "bad", folder: "media", want: bot.Denied},
		{name: "unknown folder", token: "tok", folder: "nope", want: bot.NotFound},
		{name: "no right on the folder", token: "tok", folder: "media", status: 403, failed: 1, reason: "insufficientFilePermissions", want: bot.Denied},
		{name: "user rate limit, still after the retries", token: "tok", folder: "media", status: 403, failed: 9, reason: "userRateLimitExceeded", want: bot.RateLimited},
		{name: "project rate limit", token: "tok", folder: "media", status: 403, failed: 9, reason: "rateLimitExceeded", want: bot.RateLimited},
		{name: "429", token: "tok", folder: "media", status: 429, failed: 9, reason: "rateLimitExceeded", want: bot.RateLimited},
		{name: "backend error", token: "tok", folder: "media", status: 503, failed: 9, reason: "backendError", want: bot.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := client(t, f, tc.token, tc.folder)
			calls := map[string]func() error{"check": func() error { return c.Check(t.Context()) }}
			if tc.folder != "nope" { // about reads no folder
				calls["quota"] = func() error { _, err := c.AccountQuota(t.Context()); return err }
			}
			for name, call := range calls {
				f.Fault.Reset()
				if tc.status != 0 {
					f.FailNext(tc.failed, tc.status, tc.reason)
				}
				if err := call(); bot.KindOf(err) != tc.want {
					t.Errorf("%s: kind of %v = %v, want %v", name, err, bot.KindOf(err), tc.want)
				}
			}
		})
	}
	down, err := drive.New(drive.Options{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), Folder: "media",
		Endpoint: "http://" + faulttest.Hangup(t) + "/drive/v3/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := down.Check(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("server down: kind of %v = %v, want Unavailable", err, bot.KindOf(err))
	}
	if _, err := drive.New(drive.Options{Credentials: []byte(`{"type":"external_account"}`), Folder: "media"}); err == nil {
		t.Fatal("an external account credential was accepted")
	}
}

// A 403 userRateLimitExceeded is retried as Google asks: one of them does
// not fail the read.
func TestUserRateLimitRetried(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"}}
	f.FailNext(1, http.StatusForbidden, "userRateLimitExceeded")
	if eds, err := client(t, f, "tok", "media").Editors(t.Context()); err != nil || len(eds) != 1 {
		t.Fatalf("editors after one rate limit: %v, %v", eds, err)
	}
	if n := f.Fault.Requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// A service account key gets its token from the key's token_uri; a key the
// token endpoint refuses is Denied, and neither the key nor the token
// reaches the wire log or an error.
func TestServiceAccountToken(t *testing.T) {
	const token = "ya29.secret-access-token"
	f := drivetest.New(token)
	defer f.Close()
	f.Usage = 1_000_000
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"}}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	creds, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "opsbot@asso.iam.gserviceaccount.com",
		"private_key_id": "k1", "private_key": keyPEM, "token_uri": f.URL + "/token"})
	var log bytes.Buffer
	c, err := drive.New(drive.Options{Credentials: creds, Folder: "media", Endpoint: f.Endpoint(), HTTPClient: f.Client(),
		Log: zerolog.New(&log).Level(zerolog.DebugLevel)})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := c.AccountQuota(t.Context()); err != nil || u.UsedMB != 1 {
		t.Fatalf("quota with a service account: %+v, %v", u, err)
	}
	f.RefuseGrants = true
	c, _ = drive.New(drive.Options{Credentials: creds, Folder: "media", Endpoint: f.Endpoint(), HTTPClient: f.Client(),
		Log: zerolog.New(&log).Level(zerolog.DebugLevel)})
	err = c.Check(t.Context())
	if bot.KindOf(err) != bot.Denied {
		t.Fatalf("refused key: kind of %v = %v, want Denied", err, bot.KindOf(err))
	}
	f.RefuseGrants = false
	bad := client(t, f, "ya29.wrong-token", "media")
	errBad := bad.Check(t.Context())
	for _, s := range []string{token, "ya29.wrong-token", "PRIVATE KEY", keyPEM[40:80]} {
		if strings.Contains(log.String(), s) || strings.Contains(err.Error(), s) || strings.Contains(errBad.Error(), s) {
			t.Errorf("%q in the log or an error:\n%s\n%v\n%v", s, log.String(), err, errBad)
		}
	}
	if log.Len() == 0 {
		t.Error("no wire log: the search for secrets proves nothing")
	}
}

// The fake refuses a field selection naming a field the resource lacks, as
// Google does (400 "Invalid field selection NAME", reason invalidParameter):
// a typo in the client's fields cannot read as an absent value (an absent
// limit is an unlimited quota).
func TestFakeRefusesUnknownFields(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"}}
	for _, tc := range []struct {
		path, fields string
		status       int
	}{
		{"about", "storageQuota(limit,usage)", 200},
		{"about", "storageQuota(limt,usage)", 400},
		{"files/media/permissions", "nextPageToken,permissions(emailAddress,role,type)", 200},
		{"files/media/permissions", "nextPageToken,permissions(emailAdress,role)", 400},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", strings.TrimSuffix(f.Endpoint(), "/")+"/"+tc.path+"?supportsAllDrives=true&fields="+tc.fields, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := f.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct {
				Message string `json:"message"`
				Errors  []struct{ Reason, Location string }
			} `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || tc.status == 400 && (!strings.HasPrefix(body.Error.Message, "Invalid field selection ") ||
			len(body.Error.Errors) != 1 || body.Error.Errors[0].Reason != "invalidParameter" || body.Error.Errors[0].Location != "fields") {
			t.Errorf("GET %s fields=%s: %d %+v, want %d", tc.path, tc.fields, resp.StatusCode, body.Error, tc.status)
		}
	}
}
