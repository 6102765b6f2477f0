package cpanel_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

func TestDirUsage(t *testing.T) {
	c, srv := setup(t, func(s *cpaneltest.Server) {
		s.AddDir("public_html/wp-content/uploads", 3<<30)
		s.AddDir("public_html", 10<<20)
		s.AddDir("mail/anopex.test/jeanne", 500<<20)
		s.AddDir("tmp", 1<<20)
	})
	ctx := t.Context()
	tests := []struct {
		name, path string
		want       []bot.DirUsage
	}{
		{"home", "", []bot.DirUsage{
			{Name: "public_html", Bytes: 3<<30 + 10<<20 + 2*4096, Dir: true},
			{Name: "mail", Bytes: 500<<20 + 2*4096, Dir: true},
			{Name: "tmp", Bytes: 1<<20 + 4096, Dir: true},
		}},
		{"subdirectory", "public_html/wp-content", []bot.DirUsage{{Name: "uploads", Bytes: 3<<30 + 4096, Dir: true}}},
		// cPanel strips ".." and stops at a leading "/": the home again.
		{"leading slash is the home", "/public_html", nil},
		{"dot dot removed", "public_html/../tmp", nil},
		{"absent", "nowhere", []bot.DirUsage{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DirUsage(ctx, tt.path)
			if err != nil {
				t.Fatalf("DirUsage(%q) = %v", tt.path, err)
			}
			want := tt.want
			if want == nil {
				want, _ = c.DirUsage(ctx, "")
				if tt.path == "public_html/../tmp" { // "public_html/tmp": absent
					want = []bot.DirUsage{}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DirUsage(%q) (-want +got):\n%s", tt.path, diff)
			}
		})
	}
	srv.Disable("DiskUsage/fetchdiskusage", "")
	_, err := c.DirUsage(ctx, "")
	wantKind(t, "DirUsage with the File Storage role off", err, bot.Denied)
	var ue *bot.UserError
	if !errors.As(err, &ue) {
		t.Errorf("DirUsage with the role off = %v, want the sentence for people", err)
	}
}

func TestAutoSSL(t *testing.T) {
	c, srv := hostSetup(t)
	ctx := t.Context()
	at := hostNow.Add(-6 * time.Hour).Truncate(time.Second)
	srv.AddAutoSSLProblem("mail.anopex.test", "DNS DCV: The domain resolves to 198.51.100.9; the local server is 203.0.113.7.", at)
	got, err := c.AutoSSLProblems(ctx)
	want := []bot.AutoSSLProblem{{Domain: "mail.anopex.test", Problem: "DNS DCV: The domain resolves to 198.51.100.9; the local server is 203.0.113.7.", Time: at}}
	if err != nil || !cmp.Equal(want, got) {
		t.Fatalf("AutoSSLProblems = %v, %v; want %v", got, err, want)
	}
	if running, err := c.AutoSSLRunning(ctx); running || err != nil {
		t.Fatalf("AutoSSLRunning before a check = %v, %v", running, err)
	}
	if err := c.StartAutoSSL(ctx); err != nil {
		t.Fatalf("StartAutoSSL = %v", err)
	}
	if running, err := c.AutoSSLRunning(ctx); !running || err != nil {
		t.Fatalf("AutoSSLRunning after StartAutoSSL = %v, %v", running, err)
	}
	srv.FinishAutoSSL()
	srv.Disable("SSL/start_autossl_check", "sslinstall")
	wantKind(t, "StartAutoSSL without sslinstall", c.StartAutoSSL(ctx), bot.Denied)
	if srv.AutoSSLChecks() {
		t.Error("a refused start_autossl_check started a check")
	}
}
