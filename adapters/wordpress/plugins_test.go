package wordpress_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
)

func TestComponents(t *testing.T) {
	for _, o := range []wordpress.Options{{}, {QueryRoute: true}} {
		srv, c := setup(t, o)
		srv.SetCoreVersion("6.4.2")
		srv.AddPlugin(wordpresstest.Plugin{File: "akismet/akismet.php", Name: "Akismet", Version: "5.3", Active: true})
		srv.AddPlugin(wordpresstest.Plugin{File: "hello.php", Name: "Hello Dolly", Version: "1.7.2"})
		got, err := c.Components(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := []bot.Component{{Product: "wordpress", Name: "WordPress", Version: "6.4.2"},
			{Product: "plugin", Slug: "akismet", Name: "Akismet", Version: "5.3"},
			{Product: "plugin", Slug: "hello", Name: "Hello Dolly", Version: "1.7.2"}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Components (-want +got):\n%s", d)
		}
	}
}

// An editor lacks activate_plugins: WordPress answers 403
// rest_cannot_view_plugins, and a wrong password the anonymous 401.
func TestComponentsDenied(t *testing.T) {
	srv, _ := setup(t, wordpress.Options{})
	pw := srv.AddAppPassword("eve.editor", "bot")
	for name, c := range map[string]*wordpress.Client{
		"editor":         newClient(t, srv.URL(), "eve.editor", bot.NewSecret(pw), zerolog.Nop(), wordpress.Options{}),
		"wrong password": newClient(t, srv.URL(), "admin", bot.NewSecret("wrong"), zerolog.Nop(), wordpress.Options{}),
	} {
		if _, err := c.Components(t.Context()); bot.KindOf(err) != bot.Denied {
			t.Errorf("%s: Components = %v, want Denied", name, err)
		}
	}
}
