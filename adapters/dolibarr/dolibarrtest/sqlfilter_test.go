package dolibarrtest

import "testing"

func TestFilter(t *testing.T) {
	m := &member{statut: 1, typeID: 2, login: "jdupont", first: "Jeanne", last: "Dupont", email: "Jeanne.Dupont@example.org", datefin: 1767139200}
	r := memberRow{id: 42, m: m}
	cases := []struct {
		filter string
		want   bool
	}{
		{"(t.email:=:'jeanne.dupont@example.org')", true},
		{"(t.email:=:'other@example.org')", false},
		{"(t.email:like:'jeanne_dupont@%')", true},
		{"(t.lastname:like:'dup%')", true},
		{"(t.lastname:notlike:'dup%')", false},
		{"(t.statut:=:1) and (t.datefin:<:'2026-01-01')", true},
		{"(t.datefin:<:'2025-01-01') and (t.statut:=:1)", false},
		{"(t.statut:=:0) or (t.rowid:>=:42)", true},
		{"((t.statut:=:0) or (t.rowid:>:42)) and (t.login:=:'jdupont')", false},
		{"(t.rowid:in:1,42,3)", true},
		{"(t.rowid:notin:1,3)", true},
		{"(t.datefin:isnot:null)", true},
		{"(t.datefin:is:null)", false},
		{"(t.statut:!=:1)", false},
		{"(t.email:=:'o''x')", false},
	}
	for _, tc := range cases {
		f, err := parseFilter(tc.filter)
		if err != nil {
			if tc.filter == "(t.email:=:'o''x')" {
				continue // doubled quotes are not part of the syntax
			}
			t.Errorf("parseFilter(%q) = %v", tc.filter, err)
			continue
		}
		if got := f.eval(r); got != tc.want {
			t.Errorf("%s on member = %v, want %v", tc.filter, got, tc.want)
		}
	}
	for _, bad := range []string{"", "t.email:=:'x'", "(t.email:=:'x'", "(t.email:~:'x')", "(t.email:=:x)", "(t.email:is:'x')", "(t.email:=:'x') and", "(t.email:=:'x') xor (t.rowid:=:1)"} {
		if _, err := parseFilter(bad); err == nil {
			t.Errorf("parseFilter(%q) accepted", bad)
		}
	}
	f, _ := parseFilter("(t.nosuch:=:1)")
	if err := check(f, r); err == nil {
		t.Errorf("check accepted an unknown column")
	}
}

func TestLike(t *testing.T) {
	cases := []struct {
		s, p string
		want bool
	}{
		{"abc", "abc", true}, {"abc", "a%", true}, {"abc", "%c", true}, {"abc", "a_c", true}, {"abc", "a_", false},
		{"abc", "%", true}, {"", "%", true}, {"", "_", false}, {"a%c", `a\%c`, true}, {"abc", `a\%c`, false},
		{"jérôme", "j_r_me", true}, {"aaa", "%a%a%a%", true}, {"aa", "%a%a%a%", false},
	}
	for _, tc := range cases {
		if got := like(tc.s, tc.p); got != tc.want {
			t.Errorf("like(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"(t.email:=:'x@y.org')", "(t.statut:=:1) and (t.datefin:<:'2025-01-01')",
		"((t.a:=:1) or (t.b:like:'%x'))", "(t.rowid:in:1,2)", "(t.datefin:is:null)", "((((", "(t.x:=:'a') or"} {
		f.Add(s)
	}
	row := memberRow{id: 1, m: &member{email: "x@y.org", datefin: 1767139200}}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseFilter(s)
		if err != nil {
			return
		}
		if check(flt, row) == nil {
			flt.eval(row)
		}
	})
}

func FuzzLike(f *testing.F) {
	f.Add("jeanne@example.org", "jeanne%")
	f.Add("abc", `a\_c`)
	f.Add("", "%_%")
	f.Fuzz(func(t *testing.T, s, p string) {
		like(s, p)
		if !like(s, "%") {
			t.Errorf("like(%q, %%) = false", s)
		}
		if !containsWildcard(s) && !like(s, s) {
			t.Errorf("like(%q, itself) = false", s)
		}
	})
}

func containsWildcard(s string) bool {
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			return true
		}
	}
	return false
}
