package cpanel_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

func TestCheck(t *testing.T) {
	c, srv := setup(t, nil)
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if n := srv.Fault.Requests(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestAccountQuota(t *testing.T) {
	c, srv := setup(t, func(s *cpaneltest.Server) {
		s.AddMailbox("a@asso-exemple.fr", 1024, 300.25)
		s.AddMailbox("b@asso-exemple.fr", 0, 12.21)
		s.SetAccountQuota(10240, 5000)
	})
	got, err := c.AccountQuota(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(bot.DiskUsage{UsedMB: 5312.46, LimitMB: 10240}, got); d != "" {
		t.Errorf("AccountQuota (-want +got):\n%s", d)
	}
	srv.SetAccountQuota(0, 0)
	got, err = c.AccountQuota(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(bot.DiskUsage{UsedMB: 312.46}, got); d != "" {
		t.Errorf("unlimited AccountQuota (-want +got):\n%s", d)
	}
}

func TestAccountQuotaStrings(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":1,"errors":null,"metadata":{"transformed":1},
		 "data":{"megabytes_used":"5312.46","megabyte_limit":"unlimited","megabytes_remain":"None","inodes_used":48211}}`)
	})
	got, err := c.AccountQuota(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(bot.DiskUsage{UsedMB: 5312.46}, got); d != "" {
		t.Errorf("AccountQuota (-want +got):\n%s", d)
	}
}

func TestAccountQuotaBadData(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":1,"errors":null,"data":["not","an","object"]}`)
	})
	_, err := c.AccountQuota(t.Context())
	wantKind(t, "AccountQuota", err, bot.Internal)
}
