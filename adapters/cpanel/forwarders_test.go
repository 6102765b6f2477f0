package cpanel_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func TestForwarders(t *testing.T) {
	c, _ := setup(t, nil)
	got, err := c.Forwarders(t.Context(), "AnOpex.test")
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Forwarder{
		{Address: "bureau@anopex.test", Dest: "president@anopex.test"},
		{Address: "bureau@anopex.test", Dest: "tresoriere@anopex.test"},
		{Address: "bureau@anopex.test", Dest: "secretaire@anopex.test"},
		{Address: "delegue75@anopex.test", Dest: "dominique.delegue75@example.org"},
		{Address: "dpo@anopex.test", Dest: "president@anopex.test"},
		{Address: "postmaster@anopex.test", Dest: "sysadmin@anopex.test"},
		{Address: "webmaster@anopex.test", Dest: "sysadmin@anopex.test"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Forwarders (-want +got):\n%s", d)
	}
	none, err := c.Forwarders(t.Context(), "autre.test")
	if err != nil || len(none) != 0 {
		t.Errorf("Forwarders(autre.test) = %v, %v; want none", none, err)
	}
	_, err = c.Forwarders(t.Context(), "")
	wantKind(t, "Forwarders of no domain", err, bot.Invalid)
}

// TestForwardersOddRows reads rows whose forward is not an address.
func TestForwardersOddRows(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("domain") != "asso-exemple.fr" {
			t.Errorf("domain = %q", r.URL.Query().Get("domain"))
		}
		io.WriteString(w, `{"status":1,"errors":null,"warnings":null,"messages":null,"metadata":{"transformed":1},
		 "data":[{"dest":"Bureau@Asso-Exemple.fr","forward":"Presidente.Perso@Gmail.com","html_dest":"bureau@asso-exemple.fr","uri_dest":"bureau%40asso-exemple.fr"},
		         {"dest":"ancien@asso-exemple.fr","forward":":fail: No such person at this address"},
		         {"dest":"spam@asso-exemple.fr","forward":":blackhole:"},
		         {"dest":"robot@asso-exemple.fr","forward":"|/home/assoex/bin/robot"}]}`)
	})
	got, err := c.Forwarders(t.Context(), "asso-exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Forwarder{
		{Address: "bureau@asso-exemple.fr", Dest: "presidente.perso@gmail.com"},
		{Address: "ancien@asso-exemple.fr", Dest: ":fail: No such person at this address"},
		{Address: "spam@asso-exemple.fr", Dest: ":blackhole:"},
		{Address: "robot@asso-exemple.fr", Dest: "|/home/assoex/bin/robot"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Forwarders (-want +got):\n%s", d)
	}
}

func TestAddForwarder(t *testing.T) {
	c, srv := setup(t, nil)
	ctx := t.Context()
	if err := c.AddForwarder(ctx, "bureau@anopex.test", "Vice-President@anopex.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddForwarder(ctx, "nouvelle-liste@anopex.test", "delegue13@anopex.test"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Forwarders(ctx, "anopex.test")
	if err != nil {
		t.Fatal(err)
	}
	has := func(f bot.Forwarder) bool {
		for _, g := range got {
			if g == f {
				return true
			}
		}
		return false
	}
	for _, f := range []bot.Forwarder{
		{Address: "bureau@anopex.test", Dest: "vice-president@anopex.test"},
		{Address: "nouvelle-liste@anopex.test", Dest: "delegue13@anopex.test"},
	} {
		if !has(f) {
			t.Errorf("%v missing from %v", f, got)
		}
	}
	if n := len(srv.Forwarders()); n != 9 {
		t.Errorf("%d rules, want 9", n)
	}
	wantKind(t, "bad destination", c.AddForwarder(ctx, "bureau@anopex.test", "pas une adresse"), bot.Invalid)
	wantKind(t, "foreign domain", c.AddForwarder(ctx, "x@ailleurs.test", "a@anopex.test"), bot.Invalid)
	wantKind(t, "no domain", c.AddForwarder(ctx, "bureau", "a@anopex.test"), bot.Invalid)
}

func TestDeleteForwarder(t *testing.T) {
	c, srv := setup(t, nil)
	ctx := t.Context()
	if err := c.DeleteForwarder(ctx, "Bureau@anopex.test", "TRESORIERE@anopex.test"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Forwarders(ctx, "anopex.test")
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, f := range got {
		if f.Address == "bureau@anopex.test" {
			members = append(members, f.Dest)
		}
	}
	if d := cmp.Diff([]string{"president@anopex.test", "secretaire@anopex.test"}, members); d != "" {
		t.Errorf("bureau@ after the removal (-want +got):\n%s", d)
	}

	srv.Fault.Reset()
	wantKind(t, "again", c.DeleteForwarder(ctx, "bureau@anopex.test", "tresoriere@anopex.test"), bot.NotFound)
	if n := srv.Fault.Requests(); n != 1 {
		t.Errorf("%d requests for an unknown rule, want 1 (the read, no write)", n)
	}
	wantKind(t, "no domain", c.DeleteForwarder(ctx, "bureau", "a@anopex.test"), bot.Invalid)
}
