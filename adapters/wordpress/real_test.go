package wordpress_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
)

// TestRealWordPress runs the client against a real WordPress started by
// scripts/wordpress-up.sh (Debian's wordpress package, MariaDB, PHP's
// built-in server). Without one it is skipped, saying so.
func TestRealWordPress(t *testing.T) {
	peer := wordpresstest.RealPeer(t)
	t.Logf("WordPress %s at %s", peer.Version, peer.URL)
	client := func(user, pw string, o wordpress.Options) *wordpress.Client {
		return newClient(t, peer.URL, user, bot.NewSecret(pw), zerolog.Nop(), o)
	}
	admin := client(peer.User, peer.AppPassword, wordpress.Options{})
	ctx := t.Context()

	if err := admin.Check(ctx); err != nil {
		t.Fatalf("Check() = %v", err)
	}
	all, err := admin.WPUsers(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 10 {
		t.Fatalf("%d accounts; scripts/wordpress/setup.php seeds 118", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b bot.WPUser) int { return a.ID - b.ID }) {
		t.Errorf("accounts not in ID order")
	}

	t.Run("pages of 3 and 7, and the rest_route form, read the same", func(t *testing.T) {
		for _, o := range []wordpress.Options{{PageSize: 3}, {PageSize: 7, QueryRoute: true}} {
			got, err := client(peer.User, peer.AppPassword, o).WPUsers(ctx, "")
			if err != nil {
				t.Fatalf("%+v: %v", o, err)
			}
			if diff := cmp.Diff(all, got); diff != "" {
				t.Errorf("%+v (-pages of 100 +these pages)\n%s", o, diff)
			}
		}
	})

	t.Run("roles filter", func(t *testing.T) {
		for _, role := range []string{"editor", "author", "subscriber", "administrator", "membre_actif"} {
			got, err := admin.WPUsers(ctx, role)
			if err != nil {
				t.Fatal(err)
			}
			var want []bot.WPUser
			for _, u := range all {
				if u.HasRole(role) {
					want = append(want, u)
				}
			}
			if len(want) == 0 {
				t.Errorf("no %s in the seed", role)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("WPUsers(%q) (-filtered locally +filtered by WordPress)\n%s", role, diff)
			}
		}
	})

	eve := find(t, all, "eve.editor")
	t.Run("get by ID, login and e-mail", func(t *testing.T) {
		for _, in := range []string{strconv.Itoa(eve.ID), "eve.editor", "EVE.Editor"} {
			got, err := admin.WPUser(ctx, in)
			if err != nil || !cmp.Equal(got, eve) {
				t.Errorf("WPUser(%q) = %+v, %v; want %+v", in, got, err, eve)
			}
		}
		got, err := admin.WPUserByEmail(ctx, "Eve.Editor@Example.test")
		if err != nil || !cmp.Equal(got, eve) {
			t.Errorf("WPUserByEmail = %+v, %v; want %+v", got, err, eve)
		}
		zoe := find(t, all, "zoe.durand")
		if zoe.Name != "Zoé Durand" || zoe.FirstName != "Zoé" {
			t.Errorf("zoe.durand = %+v, want the accented name", zoe)
		}
		for _, in := range []string{"99999999", "no.such.user"} {
			if _, err := admin.WPUser(ctx, in); bot.KindOf(err) != bot.NotFound {
				t.Errorf("WPUser(%q) = %v, want not found", in, err)
			}
		}
		anne := find(t, all, "anne.b") // WordPress strips %41 from a search
		if got, err := admin.WPUserByEmail(ctx, "Anne%41B@example.test"); err != nil || got.ID != anne.ID {
			t.Errorf("WPUserByEmail(an address with %%41) = %+v, %v; want %+v", got, err, anne)
		}
		jean := find(t, all, "jean dupont")
		if got, err := admin.WPUser(ctx, "jean  dupont"); err != nil || got.ID != jean.ID {
			t.Errorf("WPUser(a login with a space) = %+v, %v; want %+v", got, err, jean)
		}
		if _, err := admin.WPUserByEmail(ctx, "ve.editor@example.test"); bot.KindOf(err) != bot.NotFound {
			t.Errorf("WPUserByEmail(a part of an address) = %v, want not found", err)
		}
	})

	t.Run("set a role and restore it", func(t *testing.T) {
		target := find(t, all, "membre07")
		restore := target.Roles[0]
		t.Cleanup(func() {
			if err := admin.SetWPRole(context.WithoutCancel(ctx), target.ID, restore); err != nil {
				t.Errorf("restore %s: %v", restore, err)
			}
		})
		for _, role := range []string{"editor", "author"} {
			if err := admin.SetWPRole(ctx, target.ID, role); err != nil {
				t.Fatalf("SetWPRole(%d, %s) = %v", target.ID, role, err)
			}
			got, err := admin.WPUser(ctx, target.Username)
			if err != nil || !slices.Equal(got.Roles, []string{role}) {
				t.Fatalf("after SetWPRole(%s): %+v, %v", role, got, err)
			}
		}
		if err := admin.SetWPRole(ctx, target.ID, "no-such-role"); bot.KindOf(err) != bot.Invalid {
			t.Errorf("unknown role: %v, want invalid", err)
		}
		me := find(t, all, peer.User)
		if err := admin.SetWPRole(ctx, me.ID, "subscriber"); bot.KindOf(err) != bot.Denied {
			t.Errorf("administrator demoting itself: %v, want denied", err)
		}
		if err := admin.SetWPRole(ctx, 99999999, "editor"); bot.KindOf(err) != bot.NotFound {
			t.Errorf("unknown account: %v, want not found", err)
		}
	})

	t.Run("a reset mail the site cannot send is reported not sent", func(t *testing.T) {
		// Debian's WordPress has no MTA: wp_mail fails, retrieve_password
		// answers retrieve_password_email_failure; the account is untouched.
		sam := find(t, all, "sam.subscriber")
		if err := admin.SendWPPasswordReset(ctx, sam.Username); bot.KindOf(err) != bot.Invalid {
			t.Errorf("SendWPPasswordReset(%s) = %v, want invalid (not sent)", sam.Username, err)
		}
		if got, err := admin.WPUser(ctx, sam.Username); err != nil || !cmp.Equal(got, sam) {
			t.Errorf("after the reset: %+v, %v; want %+v", got, err, sam)
		}
		if err := admin.SendWPPasswordReset(ctx, "no.such.account"); bot.KindOf(err) != bot.Invalid {
			t.Errorf("SendWPPasswordReset(no such account) = %v, want invalid", err)
		}
	})

	t.Run("bad credentials are denied", func(t *testing.T) {
		bad := map[string]*wordpress.Client{
			"wrong application password": client(peer.User, "wrong password 0000", wordpress.Options{}),
			"unknown user":               client("no.such.user", peer.AppPassword, wordpress.Options{}),
		}
		if peer.LoginPassword != "" {
			bad["login password instead of an application password"] = client(peer.User, peer.LoginPassword, wordpress.Options{})
		}
		for name, c := range bad {
			if err := c.Check(ctx); bot.KindOf(err) != bot.Denied {
				t.Errorf("%s: Check() = %v, want denied", name, err)
			}
			if _, err := c.WPUsers(ctx, ""); bot.KindOf(err) != bot.Denied {
				t.Errorf("%s: WPUsers = %v, want denied", name, err)
			}
			if err := c.SetWPRole(ctx, eve.ID, "author"); bot.KindOf(err) != bot.Denied {
				t.Errorf("%s: SetWPRole = %v, want denied", name, err)
			}
		}
	})

	t.Run("an editor may neither list nor promote", func(t *testing.T) {
		if peer.EditorUser == "" {
			t.Skip("no editor credentials in the peer's facts")
		}
		ed := client(peer.EditorUser, peer.EditorAppPassword, wordpress.Options{})
		// The editor reads its own account: a wrong credential (anonymous
		// for WordPress) could not, and would pass every refusal below.
		self := find(t, all, peer.EditorUser)
		if got, err := ed.WPUser(ctx, strconv.Itoa(self.ID)); err != nil || got.Username != peer.EditorUser {
			t.Fatalf("the editor's credential does not work: WPUser(itself) = %+v, %v", got, err)
		}
		if err := ed.Check(ctx); bot.KindOf(err) != bot.Denied {
			t.Errorf("Check() = %v, want denied (no list_users)", err)
		}
		if _, err := ed.WPUsers(ctx, ""); bot.KindOf(err) != bot.Denied {
			t.Errorf("WPUsers = %v, want denied", err)
		}
		sam := find(t, all, "sam.subscriber")
		if err := ed.SetWPRole(ctx, sam.ID, "editor"); bot.KindOf(err) != bot.Denied {
			t.Errorf("SetWPRole = %v, want denied", err)
		}
	})
}

func find(t *testing.T, users []bot.WPUser, login string) bot.WPUser {
	t.Helper()
	for _, u := range users {
		if u.Username == login {
			return u
		}
	}
	t.Fatalf("no account %q on the real site", login)
	return bot.WPUser{}
}
