package wordpress

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/bot"
)

// FuzzClassify feeds any status and body to the error mapping (api.Check
// with refusal): it never panics, maps a 2xx to nil and any other status to
// an error that names the provider and the status, keeps the operator's
// message short and valid UTF-8, and gives the kinds that do not depend on
// the body: an HTML 429 is RateLimited, an HTML answer Unavailable.
func FuzzClassify(f *testing.F) {
	f.Add(401, []byte(`{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`))
	f.Add(404, []byte(`{"code":"rest_user_invalid_id","message":"Invalid user ID.","data":{"status":404}}`))
	f.Add(500, []byte(`{"code":"existing_user_email","message":"Sorry, that email address is already used!","data":null}`))
	f.Add(403, []byte("<html><body>Blocked</body></html>"))
	f.Add(429, []byte(""))
	f.Add(400, []byte(`{"code":"`+strings.Repeat("é", 400)+`","message":"\xff"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &resty.Response{RawResponse: &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/html"}}}}
		err := api.Check(resp.SetBody(body), nil, "op")
		if status >= 200 && status < 300 {
			if err != nil {
				t.Fatalf("Check(%d) = %v, want nil", status, err)
			}
			return
		}
		var e *bot.Error
		if !errors.As(err, &e) || e.Provider != provider || e.Status != status || e.Err == nil {
			t.Fatalf("Check(%d, %q) = %#v", status, body, err)
		}
		msg := e.Err.Error()
		if !utf8.ValidString(msg) || utf8.RuneCountInString(msg) > 420 {
			t.Fatalf("message %q: invalid or too long", msg)
		}
		if !strings.HasPrefix(strings.TrimSpace(string(body)), "{") {
			want := bot.Unavailable
			if status == http.StatusTooManyRequests {
				want = bot.RateLimited
			}
			if e.Kind != want {
				t.Fatalf("Check(%d, non-JSON) = %v, want %v", status, e.Kind, want)
			}
		}
	})
}
