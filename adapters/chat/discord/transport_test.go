package discord

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRewriter(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Host+" "+r.URL.EscapedPath())
	}))
	defer echo.Close()
	host := echo.Listener.Addr().String()
	tests := []struct {
		name, api, gateway, url, want string
	}{
		{"api moved", echo.URL, "", "https://discord.com/api/v9/channels/1/messages", host + " /api/v9/channels/1/messages"},
		{"api behind a prefix", echo.URL + "/discord/", "", "https://discord.com/api/v9/channels/1/messages/2/reactions/%E2%9C%85/@me",
			host + " /discord/api/v9/channels/1/messages/2/reactions/%E2%9C%85/@me"},
		{"gateway answered locally", echo.URL, "ws://gw.test:9", "https://discord.com/api/v9/gateway", `{"url":"ws://gw.test:9"}`},
		{"gateway/bot still asked", echo.URL, "ws://gw.test:9", "https://discord.com/api/v9/gateway/bot", host + " /api/v9/gateway/bot"},
		{"other hosts untouched", "http://127.0.0.1:1", "", echo.URL + "/x", host + " /x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := newRewriter(tt.api, tt.gateway, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := (&http.Client{Transport: rt}).Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != tt.want {
				t.Errorf("GET %s reached %q, want %q", tt.url, b, tt.want)
			}
		})
	}
	for _, bad := range [][2]string{{"discord.com", ""}, {"", "http://x"}, {"ftp://x", ""}} {
		if _, err := newRewriter(bad[0], bad[1], nil); err == nil {
			t.Errorf("newRewriter(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
