package commands

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func TestParseBlockTarget(t *testing.T) {
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"192.0.2.10", "192.0.2.10"},
		{" 192.0.2.10 ", "192.0.2.10"},
		{"192.0.2.7/24", "192.0.2.0/24"},
		{"198.51.100.0/16", "198.51.0.0/16"},
		{"2001:db8::1", "2001:db8::1"},
		{"2001:DB8:0:0::/48", "2001:db8::/48"},
		{"::ffff:192.0.2.10", "192.0.2.10"},
		{"::ffff:192.0.2.0/120", "192.0.2.0/24"},
		{"192.0.2.10/32", "192.0.2.10"},
		{"10.0.0.0/8", ""},
		{"2001:db8::/16", ""},
		{"0.0.0.0/0", ""},
		{"0.0.0.0", ""},
		{"127.0.0.1", ""},
		{"::1", ""},
		{"fe80::1%eth0", ""},
		{"fe80::1", ""},
		{"224.0.0.1", ""},
		{"192.0.2.300", ""},
		{"192.0.2.1-58", ""},
		{"example.com", ""},
		{"192.0.2.10\n", "192.0.2.10"},
		{"192.0.2.10\n127.0.0.1", ""},
		{"192.0.2.10;", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := parseBlockTarget(tt.in)
			got := ""
			if err == nil {
				got = formatBlockTarget(p)
			} else if _, ok := err.(*bot.UserError); !ok {
				t.Fatalf("parseBlockTarget(%q) error %T, want *bot.UserError", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseBlockTarget(%q) = %q (%v), want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestProtected(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("203.0.113.7/32"), netip.MustParsePrefix("2001:db8:42::/48")}
	tests := []struct {
		target string
		want   bool
	}{
		{"203.0.113.7", true},
		{"203.0.0.0/16", true}, // contains the bot
		{"203.0.113.8", false},
		{"2001:db8:42:1::/64", true}, // inside the allowed range
		{"2001:db8::/32", true},
		{"2001:db8:43::1", false},
	}
	for _, tt := range tests {
		p, err := parseBlockTarget(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := protectedBy(p, allow); got != tt.want {
			t.Errorf("Protected(%s) = %v, want %v", tt.target, got, tt.want)
		}
	}
}

func TestNormalizeDNSName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"www", "www"}, {"WWW.Anopex.FR.", "www.anopex.fr"}, {"@", "@"}, {"_dmarc", "_dmarc"},
		{"sel1._domainkey", "sel1._domainkey"}, {"*.dev", "*.dev"},
		{"a.*.dev", ""}, {"-www", ""}, {"www-", ""}, {"ww w", ""}, {"www\n@ IN A 1.2.3.4", ""}, {`www"`, ""},
		{"www;", ""}, {"$ORIGIN", ""}, {"a..b", ""}, {"", ""}, {".", ""}, {strings.Repeat("a", 64), ""}, {"é", ""},
	}
	for _, tt := range tests {
		got, err := normalizeDNSName(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("normalizeDNSName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckRecord(t *testing.T) {
	long := strings.Repeat("k", 600)
	tests := []struct {
		typ, in  string
		wantNorm string
		wantData []string // nil: refused
	}{
		{"A", "203.0.113.7", "203.0.113.7", []string{"203.0.113.7"}},
		{"A", "2001:db8::7", "", nil},
		{"AAAA", "2001:DB8::7", "2001:db8::7", []string{"2001:db8::7"}},
		{"AAAA", "203.0.113.7", "", nil},
		{"CNAME", "ghs.googlehosted.com", "ghs.googlehosted.com.", []string{"ghs.googlehosted.com."}},
		{"CNAME", "www", "www", []string{"www"}},
		{"CNAME", "@", "", nil},
		{"MX", "10 mail.anopex.fr", "10 mail.anopex.fr.", []string{"10", "mail.anopex.fr."}},
		{"MX", "mail.anopex.fr", "", nil},
		{"MX", "70000 mail.anopex.fr", "", nil},
		{"SRV", "10 5 443 sip.anopex.fr.", "10 5 443 sip.anopex.fr.", []string{"10", "5", "443", "sip.anopex.fr."}},
		{"CAA", "0 issue letsencrypt.org", "0 issue letsencrypt.org", []string{"0", "issue", "letsencrypt.org"}},
		{"CAA", "0 evil letsencrypt.org", "", nil},
		{"TXT", "v=spf1 mx include:_spf.anopex.fr ~all", "v=spf1 mx include:_spf.anopex.fr ~all", []string{"v=spf1 mx include:_spf.anopex.fr ~all"}},
		{"TXT", "v=DKIM1; k=rsa; p=" + long, "v=DKIM1; k=rsa; p=" + long, []string{("v=DKIM1; k=rsa; p=" + long)[:255], ("v=DKIM1; k=rsa; p=" + long)[255:510], ("v=DKIM1; k=rsa; p=" + long)[510:]}},
		{"TXT", `v=spf1" ; evil`, "", nil},
		{"TXT", `a\"b`, "", nil},
		{"TXT", "line\nother IN A 1.2.3.4", "", nil},
		{"TXT", "tab\there", "", nil},
		{"TXT", "nul\x00", "", nil},
		{"TXT", strings.Repeat("x", maxTXT+1), "", nil},
		{"NS", "ns1.evil.example.", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.in[:min(len(tt.in), 30)], func(t *testing.T) {
			norm, data, err := checkRecord(tt.typ, tt.in)
			if tt.wantData == nil {
				if err == nil {
					t.Fatalf("checkRecord(%s, %q) = %q, %q; want refused", tt.typ, tt.in, norm, data)
				}
				return
			}
			if err != nil || norm != tt.wantNorm {
				t.Fatalf("checkRecord(%s, %q) = %q, %v; want %q", tt.typ, tt.in, norm, err, tt.wantNorm)
			}
			if diff := cmp.Diff(tt.wantData, data); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextChecks(t *testing.T) {
	for _, s := range []string{"", "   ", "ligne\nautre", "Sujet\r\nBcc: x@y", "a\x00b", "a\tb", strings.Repeat("é", maxSubject+1), "\xff"} {
		if got, err := checkSubject(s); err == nil {
			t.Errorf("checkSubject(%q) = %q, want refused", s, got)
		}
	}
	if got, err := checkSubject("  Serveur « Dolibarr » injoignable  "); err != nil || got != "Serveur « Dolibarr » injoignable" {
		t.Errorf("checkSubject = %q, %v", got, err)
	}
	if got, err := checkBody("Bonjour,\r\n\tmerci.\r\n"); err != nil || got != "Bonjour,\n\tmerci." {
		t.Errorf("checkBody = %q, %v", got, err)
	}
	for _, s := range []string{"", "a\x1bb", "a\x00", "\xfe", strings.Repeat("a", maxBody+1)} {
		if _, err := checkBody(s); err == nil {
			t.Errorf("checkBody(%q) accepted", s[:min(len(s), 20)])
		}
	}
}

func TestParseTicketID(t *testing.T) {
	tests := []struct{ in, prov, id string }{
		{"ovh-8123456", "ovh", "8123456"}, {"OVH-8123456", "ovh", "8123456"}, {"#ph-3", "planethoster", "3"},
		{"planethoster-12", "planethoster", "12"}, {"ovh-0", "", ""}, {"ovh-", "", ""}, {"8123456", "", ""},
		{"aws-1", "", ""}, {"ovh-1/close", "", ""}, {"ovh-+5", "", ""}, {"ovh-99999999999999999999", "", ""},
	}
	for _, tt := range tests {
		p, id, err := parseTicketID(tt.in)
		if p != tt.prov || id != tt.id || (err == nil) != (tt.prov != "") {
			t.Errorf("parseTicketID(%q) = %q, %q, %v; want %q, %q", tt.in, p, id, err, tt.prov, tt.id)
		}
	}
}

func TestParseAmountAndTTL(t *testing.T) {
	amounts := map[string]int64{"1500": 150000, "1 500,50 €": 150050, "1500.5": 150050, "0,01": 1, "12 EUR": 1200, "1 000 000": 100000000,
		"0": 0, "-5": 0, "1e3": 0, "1.234": 0, "1 000 000,01": 0, "abc": 0, "": 0, "1,": 0}
	for in, want := range amounts {
		got, err := parseAmount(in)
		if got != want || (err == nil) != (want != 0) {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	ttls := map[string]string{"3600": "3600", "1h": "3600", "5m": "300", "1d": "86400", "1j": "86400", "59": "", "8d": "", "-60": "", "+60": "", "h": "", "1.5h": ""}
	for in, want := range ttls {
		got, err := checkTTL(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("checkTTL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func FuzzParseBlockTarget(f *testing.F) {
	for _, s := range []string{"192.0.2.10", "192.0.2.7/24", "2001:db8::/48", "::ffff:192.0.2.0/120", "fe80::1%eth0", "0.0.0.0/0", "10.0.0.0/8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseBlockTarget(s)
		if err != nil {
			return
		}
		out := formatBlockTarget(p)
		again, err := parseBlockTarget(out)
		if err != nil || again != p {
			t.Fatalf("parseBlockTarget(%q) = %s, which reparses to %s, %v", s, out, again, err)
		}
		if p.Addr().Is4() && p.Bits() < minPrefix4 || p.Addr().Is6() && p.Bits() < minPrefix6 || p.Addr().Zone() != "" {
			t.Fatalf("parseBlockTarget(%q) = %s: too wide or zoned", s, p)
		}
	})
}

func FuzzNormalizeDNSName(f *testing.F) {
	for _, s := range []string{"www", "@", "_dmarc", "*.dev", "WWW.Anopex.FR.", "a\nb", `a"b`, "$TTL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := normalizeDNSName(s)
		if err != nil {
			return
		}
		if again, err := normalizeDNSName(n); err != nil || again != n {
			t.Fatalf("normalizeDNSName(%q) = %q, not stable: %q, %v", s, n, again, err)
		}
		if strings.ContainsFunc(n, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.*@", r))
		}) {
			t.Fatalf("normalizeDNSName(%q) = %q holds a forbidden character", s, n)
		}
	})
}

func FuzzCheckRecord(f *testing.F) {
	for i, s := range []string{"203.0.113.7", "2001:db8::7", "www", "10 mail.anopex.fr", "v=spf1 mx ~all", "10 5 443 sip.anopex.fr", "0 issue letsencrypt.org", "a\"b", "x\ny"} {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, ti uint8, s string) {
		typ := recordTypes[int(ti)%len(recordTypes)]
		norm, data, err := checkRecord(typ, s)
		if err != nil {
			return
		}
		for _, d := range append([]string{norm}, data...) {
			if strings.ContainsFunc(d, unicode.IsControl) || !utf8.ValidString(d) || d == "" {
				t.Fatalf("checkRecord(%s, %q): %q is empty, not UTF-8 or holds a control character", typ, s, d)
			}
			if strings.ContainsAny(d, "\"\\") {
				t.Fatalf("checkRecord(%s, %q): %q holds a quote or a backslash", typ, s, d)
			}
		}
		if typ == "TXT" {
			if strings.Join(data, "") != norm {
				t.Fatalf("TXT chunks %q do not rebuild %q", data, norm)
			}
			for _, d := range data {
				if len(d) > 255 {
					t.Fatalf("TXT chunk of %d bytes", len(d))
				}
			}
		}
		again, data2, err := checkRecord(typ, norm)
		if err != nil || again != norm || !cmp.Equal(data, data2) {
			t.Fatalf("checkRecord(%s, %q) = %q, not stable: %q, %v", typ, s, norm, again, err)
		}
	})
}

func FuzzCheckSubject(f *testing.F) {
	for _, s := range []string{"Serveur injoignable", "a\r\nBcc: x", "  x  ", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := checkSubject(s)
		if err != nil {
			return
		}
		if strings.ContainsFunc(out, unicode.IsControl) || out != strings.TrimSpace(out) || utf8.RuneCountInString(out) > maxSubject {
			t.Fatalf("checkSubject(%q) = %q", s, out)
		}
	})
}

func FuzzCheckBody(f *testing.F) {
	for _, s := range []string{"Bonjour,\r\nmerci", "a\x1b[31m", "\ttab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := checkBody(s)
		if err != nil {
			return
		}
		if strings.ContainsFunc(out, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) || strings.Contains(out, "\r") {
			t.Fatalf("checkBody(%q) = %q holds a control character", s, out)
		}
		if again, err := checkBody(out); err != nil || again != out {
			t.Fatalf("checkBody not stable on %q", out)
		}
	})
}

func FuzzParseTicketID(f *testing.F) {
	for _, s := range []string{"ovh-8123456", "ph-3", "#PlanetHoster-12", "ovh-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, id, err := parseTicketID(s)
		if err != nil {
			return
		}
		p2, id2, err := parseTicketID(ticketRef(p, id))
		if err != nil || p2 != p || id2 != id {
			t.Fatalf("parseTicketID(%q) = %s %s, which does not round-trip", s, p, id)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1500", "1 500,50 €", "0,01", "1e3", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseAmount(s)
		if err != nil {
			return
		}
		if c <= 0 || c > maxAmountCents {
			t.Fatalf("parseAmount(%q) = %d out of range", s, c)
		}
		if again, err := parseAmount(fmt.Sprintf("%d,%02d", c/100, c%100)); err != nil || again != c {
			t.Fatalf("parseAmount(%q) = %d, not stable: %d, %v", s, c, again, err)
		}
	})
}

func TestParseQuota(t *testing.T) {
	good := map[string]int{"500": 500, "500M": 500, "500 Mo": 500, "2G": 2048, "2go": 2048, "1,5 Go": 1536, "1.5GB": 1536,
		"illimité": 0, "unlimited": 0, "0": 0, "100G": 102400}
	for in, want := range good {
		got, err := parseQuota(in)
		if err != nil || got != want {
			t.Errorf("parseQuota(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "beaucoup", "-5", "101G", "0.2M", "1e3", "NaN", "Inf", "0x10", "2T", "1_000"} {
		if got, err := parseQuota(in); err == nil {
			t.Errorf("parseQuota(%q) = %d, nil; want an error", in, got)
		}
	}
}

func FuzzParseQuota(f *testing.F) {
	for _, s := range []string{"500", "2G", "1,5 Go", "illimité", "-1", "1e9", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseQuota(s)
		if err != nil {
			if _, ok := err.(*bot.UserError); !ok {
				t.Fatalf("parseQuota(%q) error %T", s, err)
			}
			return
		}
		if n < 0 || n > maxQuotaMB {
			t.Fatalf("parseQuota(%q) = %d, outside 0..%d", s, n, maxQuotaMB)
		}
	})
}

func TestArgTypesNormalise(t *testing.T) {
	for _, tt := range []struct {
		typ     bot.ArgType
		in, out string
	}{
		{argIP, "192.0.2.7/24", "192.0.2.0/24"}, {argRecordType, "txt", "TXT"}, {argTTL, "1h", "3600"},
		{argTicketID, "PH-3", "ph-3"}, {argBillID, "fr56012345", "FR56012345"}, {argBillID, "Order-12", "order-12"},
		{argAmount, "1 500,5 €", "1500.50"}, {argRecordValue, "  v=spf1 mx  ", "v=spf1 mx"},
		{argQuota, "2G", "2048"}, {argCount, "20", "20"}, {argID, "#12", "12"}, {argWPUser, " j.dupont ", "j.dupont"},
	} {
		got, err := tt.typ.Check(tt.in)
		if err != nil || got != tt.out {
			t.Errorf("%s.Check(%q) = %q, %v; want %q", tt.typ.Name, tt.in, got, err, tt.out)
		}
	}
	for _, tt := range []struct {
		typ bot.ArgType
		in  string
	}{{argRecordType, "SOA"}, {argBillID, "FR-1"}, {argBillID, "x"}, {argRecordValue, "a\nb"}, {argTTL, "30"},
		{argQuota, "beaucoup"}, {argCount, "0"}, {argID, "x"}} {
		if got, err := tt.typ.Check(tt.in); err == nil {
			t.Errorf("%s.Check(%q) = %q, want refused", tt.typ.Name, tt.in, got)
		}
	}
}

func FuzzCheckEmails(f *testing.F) {
	for _, s := range []string{"a@b.fr", "A@B.fr, c@d.fr", "a@b.fr a@b.fr", " , ", "x", "a@b.fr,,c@d.fr\te@f.fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := checkEmails(s, "")
		if err != nil {
			return
		}
		again, err := checkEmails(out, "")
		if err != nil || again != out {
			t.Fatalf("checkEmails(%q) = %q, not stable: %q, %v", s, out, again, err)
		}
		words := strings.Fields(out)
		if len(words) == 0 || len(slices.Compact(slices.Sorted(slices.Values(words)))) != len(words) {
			t.Fatalf("checkEmails(%q) = %q: empty or with repeats", s, out)
		}
	})
}

func FuzzCheckPersonName(f *testing.F) {
	for _, s := range []string{`Jeanne Martin`, `  Jean-Pierre   de La Tour `, `Jean`, "Zoé\tDurand", "a\x00b c", `Ærø Łukasz`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := checkPersonName(s)
		if err != nil {
			return
		}
		if again, err := checkPersonName(n); err != nil || again != n {
			t.Fatalf("checkPersonName(%q) = %q, not stable: %q, %v", s, n, again, err)
		}
		first, last, ok := strings.Cut(n, " ")
		if !ok || slug(first) == "" || slug(last) == "" || strings.ContainsFunc(n, unicode.IsControl) {
			t.Fatalf("checkPersonName(%q) = %q: not a first and a last name", s, n)
		}
	})
}

func TestCheckHomePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "~/": "", ".": "", "public_html/": "public_html", "~/mail": "mail",
		"/tmp": "tmp", "a//b/./c": "a/b/c", " public_html/wp-content ": "public_html/wp-content",
		"..": "!", "../etc": "!", "a/../../b": "!", "a..b": "!", "a\x00b": "!", strings.Repeat("a", 1025): "!"} {
		got, err := checkHomePath(in)
		if (err != nil) != (want == "!") || err == nil && got != want {
			t.Errorf("checkHomePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func FuzzCheckHomePath(f *testing.F) {
	for _, s := range []string{"public_html", "~/mail/", "/a//b", "..", "a/../b", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := checkHomePath(s)
		if err != nil {
			return
		}
		if strings.Contains(out, "..") || strings.HasPrefix(out, "/") || strings.HasSuffix(out, "/") || strings.Contains(out, "//") ||
			strings.ContainsFunc(out, unicode.IsControl) || len(out) > 1024 {
			t.Fatalf("checkHomePath(%q) = %q", s, out)
		}
	})
}
