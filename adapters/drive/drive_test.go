package drive_test

import (
	"testing"

	"golang.org/x/oauth2"

	"github.com/anopex/opsbot/adapters/drive"
	"github.com/anopex/opsbot/adapters/drive/drivetest"
	"github.com/anopex/opsbot/bot"
)

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

func TestRefusals(t *testing.T) {
	f := drivetest.New("tok")
	defer f.Close()
	if err := client(t, f, "bad", "media").Check(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Fatalf("bad token: %v", err)
	}
	if _, err := client(t, f, "bad", "media").AccountQuota(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Fatalf("bad token quota: %v", err)
	}
	if err := client(t, f, "tok", "nope").Check(t.Context()); bot.KindOf(err) != bot.NotFound {
		t.Fatalf("unknown folder: %v", err)
	}
	if _, err := drive.New(drive.Options{Credentials: []byte(`{"type":"external_account"}`), Folder: "media"}); err == nil {
		t.Fatal("an external account credential was accepted")
	}
}
