package bot

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeWPRole(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"core role", "editor", "editor", true},
		{"upper case", " Editor ", "editor", true},
		{"plugin role", "wpseo_manager", "wpseo_manager", true},
		{"hyphen and digits", "membre-2026", "membre-2026", true},
		{"french label", "éditeur", "", false},
		{"space inside", "shop manager", "", false},
		{"empty", "  ", "", false},
		{"comma list", "editor,author", "", false},
		{"too long", strings.Repeat("a", 65), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeWPRole(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("NormalizeWPRole(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			var ue *UserError
			if err != nil && (!errors.As(err, &ue) || !strings.Contains(ue.FR, "editor")) {
				t.Errorf("NormalizeWPRole(%q) error %v is not a French user error naming the slugs", tc.in, err)
			}
		})
	}
}

func TestNormalizeWPLogin(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"login", "j.dupont", "j.dupont", true},
		{"id", "12", "12", true},
		{"case kept", " Zoe.Durand ", "Zoe.Durand", true},
		{"e-mail as login", "zoe@example.test", "zoe@example.test", true},
		{"accents", "zoé", "zoé", true},
		{"space inside", "j dupont", "j dupont", true},
		{"spaces collapsed", "  jean   dupont ", "jean dupont", true},
		{"tab inside", "j\tdupont", "", false},
		{"no-break space", "j\u00a0dupont", "", false},
		{"control", "j\x00dupont", "", false},
		{"empty", "", "", false},
		{"61 runes", strings.Repeat("é", 61), "", false},
		{"60 runes", strings.Repeat("é", 60), strings.Repeat("é", 60), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeWPLogin(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("NormalizeWPLogin(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			if err != nil && KindOf(err) != Invalid {
				t.Errorf("NormalizeWPLogin(%q) kind = %v, want invalid", tc.in, KindOf(err))
			}
		})
	}
}

func TestWPUserRoles(t *testing.T) {
	u := WPUser{Roles: []string{"subscriber", "author"}}
	if !u.HasRole("author") || u.HasRole("editor") {
		t.Errorf("HasRole wrong for %v", u.Roles)
	}
	if got := u.RoleList(); got != "subscriber, author" {
		t.Errorf("RoleList() = %q", got)
	}
	if got := (WPUser{}).RoleList(); got != "-" {
		t.Errorf("RoleList() without roles = %q, want -", got)
	}
}

func FuzzNormalizeWPRole(f *testing.F) {
	for _, s := range []string{"editor", "Éditeur", "shop_manager", "a,b", " x ", "\x00", strings.Repeat("z", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := NormalizeWPRole(s)
		if err != nil {
			if KindOf(err) != Invalid {
				t.Fatalf("NormalizeWPRole(%q) kind %v", s, KindOf(err))
			}
			return
		}
		if r == "" || len(r) > 64 || strings.Trim(r, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			t.Fatalf("NormalizeWPRole(%q) = %q, not a slug", s, r)
		}
		if again, err := NormalizeWPRole(r); err != nil || again != r {
			t.Fatalf("NormalizeWPRole not idempotent on %q: %q, %v", r, again, err)
		}
	})
}

func FuzzNormalizeWPLogin(f *testing.F) {
	for _, s := range []string{"j.dupont", "12", "a b", "zoé", "\t\n", "x\u2028y", strings.Repeat("é", 61)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := NormalizeWPLogin(s)
		if err != nil {
			if KindOf(err) != Invalid || !utf8.ValidString(err.(*UserError).FR) {
				t.Fatalf("NormalizeWPLogin(%q) error %v", s, err)
			}
			return
		}
		if l == "" || utf8.RuneCountInString(l) > 60 || strings.ContainsAny(l, "\t\r\n\x00") || !utf8.ValidString(l) ||
			strings.TrimSpace(l) != l || strings.Contains(l, "  ") {
			t.Fatalf("NormalizeWPLogin(%q) = %q", s, l)
		}
	})
}
