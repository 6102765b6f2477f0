package probe_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/releases"
	"github.com/anopex/opsbot/adapters/releases/releasestest"
	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// The real clients against the three fakes: WordPress 6.1.9 (insecure),
// Akismet behind, a plugin outside the directory, Dolibarr behind.
func TestVersions(t *testing.T) {
	wp := wordpresstest.New("admin", "abcd efgh ijkl mnop qrst uvwx")
	t.Cleanup(wp.Close)
	wp.AddPlugin(wordpresstest.Plugin{File: "akismet/akismet.php", Name: "Akismet", Version: "5.3", Active: true})
	wp.AddPlugin(wordpresstest.Plugin{File: "maison/maison.php", Name: "Maison", Version: "0.1"})
	doli := dolibarrtest.New("key")
	t.Cleanup(doli.Close)
	rel := releasestest.New()
	t.Cleanup(rel.Close)
	wc, err := wordpress.New(wordpress.Options{URL: wp.URL(), User: "admin", AppPassword: bot.NewSecret("abcdefghijklmnopqrstuvwx")})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := dolibarr.New(dolibarr.Options{URL: doli.URL(), Key: bot.NewSecret("key")})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := releases.New(releases.Options{WordPressURL: rel.WordPressURL(), DolibarrURL: rel.DolibarrURL()})
	if err != nil {
		t.Fatal(err)
	}
	check := probe.NewVersions(rc, probe.Options{Locale: bot.EN}, wc, dc)
	got, err := check.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ask := "Ask the contractor for an update."
	want := []alerts.Alert{
		{Key: "version:wordpress", Severity: alerts.Critical, Title: "WordPress 6.1.9 is behind: version 6.7.1 is out",
			Detail: "The publisher flags a security release: update soon."},
		{Key: "version:plugin:akismet", Severity: alerts.Warning, Title: "WordPress plugin Akismet 5.3 is behind: version 5.3.5 is out", Detail: ask},
		{Key: "version:dolibarr", Severity: alerts.Warning, Title: "Dolibarr 18.0.4 is behind: version 22.0.3 is out", Detail: ask},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Run (-want +got):\n%s", d)
	}

	wp.SetCoreVersion("6.7.1")
	doli.SetVersion("22.0.3")
	if got, err := check.Run(t.Context()); err != nil || len(got) != 1 || got[0].Key != "version:plugin:akismet" {
		t.Errorf("Run once updated = %v, %v; want the plugin alone", got, err)
	}
	rel.Close()
	if _, err := check.Run(t.Context()); err == nil {
		t.Error("Run with the source down succeeded; want an error (alerts kept)")
	}
}
