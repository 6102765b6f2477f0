package commands_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/drive"
	"github.com/anopex/opsbot/adapters/drive/drivetest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/demo"
)

// The demo association's rights, read through the real clients.
func TestReviewRights(t *testing.T) {
	env := demo.Start(membersNow)
	t.Cleanup(env.Close)
	env.Seed()
	srv := cpaneltest.New("anopex", "tok")
	srv.SeedDemo()
	t.Cleanup(srv.Close)
	mail, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	d := commands.Deps{Mail: mail, MailDomain: "anopex.test",
		Members: commands.Members{Adherents: env.Members, Staff: env.Members, WPUsers: env.WPClient, WPLogin: demo.WPUser,
			Now: func() time.Time { return membersNow }},
		People: []bot.Member{{Name: "Sam Admin", Roles: []bot.Role{bot.Admin}, Mailboxes: []string{"sysadmin@anopex.test"}}},
		Rights: commands.Rights{WPAdmins: []string{"nobody"}},
	}
	rep, err := commands.ReviewRights(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	flags := func(system, account string) []string {
		i := slices.IndexFunc(rep.Rows, func(r commands.RightsRow) bool { return r.System == system && r.Account == account })
		if i < 0 {
			t.Fatalf("no %s row %s in %+v", system, account, rep.Rows)
		}
		return rep.Rows[i].Flags
	}
	for _, tc := range []struct {
		system, account string
		want            []string
	}{
		{"dolibarr", "t.martin", nil},
		{"dolibarr", "admin", nil},                                             // the API key's, never logged in and no member
		{"dolibarr", "d.petit", []string{commands.Unused}},                     // 200 days
		{"dolibarr", "c.leroy", []string{commands.NotMember, commands.Unused}}, // not a member, never logged in
		{"wordpress", "p.president", []string{commands.WPAdminUnlisted}},
		{"wordpress", demo.WPUser, nil},         // the bot's own account
		{"mail", "sysadmin@anopex.test", nil},   // held in the configuration
		{"mail", "tresoriere@anopex.test", nil}, // held by a Dolibarr account
		{"mail", "contact@anopex.test", []string{commands.MailboxUnowned}},
	} {
		if got := flags(tc.system, tc.account); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s flags = %q, want %q", tc.system, tc.account, got, tc.want)
		}
	}
	if got := rep.Proposals("anopex.test"); !slices.Contains(got, "/delegate offboard delegue75@anopex.test") || slices.Contains(got, "/delegate offboard contact@anopex.test") {
		t.Errorf("Proposals = %q, want delegue75's departure and no shared mailbox", got)
	}
	summary := rep.Summary(bot.FR)
	for _, personal := range []string{"@", "Petit", "d.petit"} {
		if strings.Contains(summary, personal) {
			t.Errorf("summary %q holds personal data %q", summary, personal)
		}
	}
	reply, err := rep.Private(bot.FR, "anopex.test")
	if err != nil || len(reply.Attachments) != 1 || reply.InChannel {
		t.Fatalf("Private = %+v, %v; want a private reply with the CSV", reply, err)
	}
	csv := string(reply.Attachments[0].Data)
	if !strings.Contains(csv, "dolibarr;d.petit;Dominique Petit;delegue75@anopex.test;") || !strings.Contains(csv, ";jamais;not_member unused") {
		t.Errorf("CSV misses d.petit or c.leroy's never:\n%s", csv)
	}
	lines := strings.Split(csv, "\r\n")
	for _, own := range []string{"dolibarr;admin;", "wordpress;" + demo.WPUser + ";"} {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, own) })
		if i < 0 || !strings.HasSuffix(lines[i], ";compte de l'API d'opsbot") {
			t.Errorf("CSV does not show %s as opsbot's API account:\n%s", own, csv)
		}
	}
}

// The Drive media folder's editors, read through the real client: only who
// can edit is listed, and an editor no person's mailbox names is flagged.
func TestReviewRightsDrive(t *testing.T) {
	f := drivetest.New("tok")
	t.Cleanup(f.Close)
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "asso@gmail.com", Role: "owner", Type: "user"},
		{EmailAddress: "Sysadmin@anopex.test", Role: "writer", Type: "user"}, {EmailAddress: "ancien@gmail.com", Role: "writer", Type: "user"},
		{EmailAddress: "lecteur@gmail.com", Role: "reader", Type: "user"}, {Role: "writer", Type: "anyone"}}
	cl, err := drive.New(drive.Options{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), Folder: "media", Endpoint: f.Endpoint(), HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	d := commands.Deps{Drive: cl, People: []bot.Member{{Name: "Sam Admin", Roles: []bot.Role{bot.Admin}, Mailboxes: []string{"sysadmin@anopex.test"}}}}
	rep, err := commands.ReviewRights(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Rows {
		if r.System == "drive" {
			got = append(got, r.Account+" "+r.Rights+" "+strings.Join(r.Flags, " "))
		}
	}
	want := []string{"asso@gmail.com owner ", "Sysadmin@anopex.test writer ", "ancien@gmail.com writer drive_unlisted", "anyone writer drive_unlisted"}
	if !slices.Equal(got, want) {
		t.Errorf("drive rows = %q, want %q", got, want)
	}
	if s := rep.Summary(bot.FR); !strings.Contains(s, "Dossier Google Drive des médias : 4 accès en modification, dont 2 non nommé(s)") || strings.Contains(s, "@") {
		t.Errorf("summary %q", s)
	}
	d.Drive, _ = drive.New(drive.Options{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "other"}), Folder: "media", Endpoint: f.Endpoint(), HTTPClient: f.Client()})
	if _, err := commands.ReviewRights(t.Context(), d); bot.KindOf(err) != bot.Denied {
		t.Errorf("a refused token is not the review's error: %v", err)
	}
}
