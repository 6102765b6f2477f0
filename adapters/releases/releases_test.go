package releases_test

import (
	"testing"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"github.com/anopex/opsbot/adapters/releases"
	"github.com/anopex/opsbot/adapters/releases/releasestest"
	"github.com/anopex/opsbot/bot"
)

func TestLatest(t *testing.T) {
	srv := releasestest.New()
	t.Cleanup(srv.Close)
	c, err := releases.New(releases.Options{WordPressURL: srv.WordPressURL(), DolibarrURL: srv.DolibarrURL()})
	if err != nil {
		t.Fatal(err)
	}
	srv.DolibarrTag, srv.DolibarrNotes = "v21.0.4", "FIX: several security issues"
	cases := []struct {
		name string
		c    bot.Component
		want bot.Release
		ok   bool
	}{
		{"wordpress insecure", bot.Component{Product: "wordpress", Version: "6.1.9"}, bot.Release{Version: "6.7.1", Security: true}, true},
		{"wordpress outdated", bot.Component{Product: "wordpress", Version: "6.5"}, bot.Release{Version: "6.7.1"}, true},
		{"plugin", bot.Component{Product: "plugin", Slug: "akismet"}, bot.Release{Version: "5.3.5"}, true},
		{"plugin outside the directory", bot.Component{Product: "plugin", Slug: "maison"}, bot.Release{}, false},
		{"dolibarr security release", bot.Component{Product: "dolibarr"}, bot.Release{Version: "21.0.4", Security: true}, true},
	}
	for _, tc := range cases {
		got, ok, err := c.Latest(t.Context(), tc.c)
		if err != nil || ok != tc.ok || got != tc.want {
			t.Errorf("%s: Latest = %+v, %v, %v; want %+v, %v", tc.name, got, ok, err, tc.want, tc.ok)
		}
	}
	down, err := releases.New(releases.Options{WordPressURL: "http://" + faulttest.Hangup(t), DolibarrURL: "http://" + faulttest.Hangup(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := down.Latest(t.Context(), bot.Component{Product: "dolibarr"}); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Latest with the source down = %v, want Unavailable", err)
	}
}

func TestVersionBefore(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"6.1.9", "6.7.1", true}, {"5.3", "5.3.1", true}, {"5.3.0", "5.3", false}, {"22.0.3", "18.0.4", false}, {"18.0.4", "22.0.3", true}, {"1.10", "1.9", false}} {
		if got := bot.VersionBefore(tc.a, tc.b); got != tc.want {
			t.Errorf("VersionBefore(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// VersionBefore is a strict order: never both ways, never a version before itself.
func FuzzVersionBefore(f *testing.F) {
	f.Add("6.1.9", "6.7.1")
	f.Add("5.3", "5.3.0")
	f.Add("v22.0", "22.0.3-rc1")
	f.Fuzz(func(t *testing.T, a, b string) {
		if bot.VersionBefore(a, b) && bot.VersionBefore(b, a) {
			t.Errorf("VersionBefore(%q, %q) both ways", a, b)
		}
		if bot.VersionBefore(a, a) {
			t.Errorf("VersionBefore(%q, %q)", a, a)
		}
	})
}
