package cpanel_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

var hostNow = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

func hostSetup(t *testing.T) (*cpanel.Client, *cpaneltest.Server) {
	t.Helper()
	return setup(t, func(s *cpaneltest.Server) { s.SeedHostDemo("anopex.test", hostNow) })
}

func TestIPBlocker(t *testing.T) {
	c, srv := hostSetup(t)
	ctx := t.Context()
	got, err := c.BlockIP(ctx, "203.0.113.99")
	if err != nil || !cmp.Equal(got, []string{"203.0.113.99"}) {
		t.Fatalf("BlockIP = %q, %v", got, err)
	}
	list, err := c.BlockedIPs(ctx)
	if err != nil {
		t.Fatalf("BlockedIPs = %v", err)
	}
	if diff := cmp.Diff([]string{"198.51.100.23", "192.0.2.0/24", "203.0.113.99"}, list); diff != "" {
		t.Errorf("BlockedIPs (-want +got):\n%s", diff)
	}
	if err := c.UnblockIP(ctx, "192.0.2.0/24"); err != nil {
		t.Fatalf("UnblockIP = %v", err)
	}
	wantKind(t, "UnblockIP of an IP not blocked", c.UnblockIP(ctx, "192.0.2.0/24"), bot.NotFound)
	_, err = c.BlockIP(ctx, "not an ip")
	wantKind(t, "BlockIP of garbage", err, bot.Invalid)
	if diff := cmp.Diff([]string{"198.51.100.23", "203.0.113.99"}, srv.Blocked()); diff != "" {
		t.Errorf("fake's blocker (-want +got):\n%s", diff)
	}
}

// API 2 answers its own envelope; odd ones map to kinds.
func TestBlockedIPsAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
		kind   bot.Kind // Internal with want != nil: success
	}{
		{"string items", 200, `{"cpanelresult":{"data":["192.0.2.1","192.0.2.1"],"event":{"result":1}}}`, []string{"192.0.2.1"}, 0},
		{"empty data", 200, `{"cpanelresult":{"data":null,"event":{"result":1}}}`, []string{}, 0},
		{"api 2 refusal", 200, `{"cpanelresult":{"error":"Access denied: feature not enabled","event":{"result":0}}}`, nil, bot.Internal},
		{"login page", 200, `<html>cPanel Login</html>`, nil, bot.Denied},
		{"unauthorized", 401, `<html>denied</html>`, nil, bot.Denied},
		{"server error", 503, `oops`, nil, bot.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/json-api/cpanel" || r.URL.Query().Get("cpanel_jsonapi_func") != "listdenyips" {
					t.Errorf("request %s", r.URL)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			got, err := c.BlockedIPs(t.Context())
			if tt.want != nil {
				if err != nil || !cmp.Equal(tt.want, got) {
					t.Fatalf("BlockedIPs = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			wantKind(t, "BlockedIPs", err, tt.kind)
		})
	}
}

func TestCertificates(t *testing.T) {
	c, srv := hostSetup(t)
	srv.AddCertificate([]string{"old.anopex.test"}, hostNow.AddDate(0, 0, -3), false) // stored, not installed
	got, err := c.Certificates(t.Context())
	if err != nil {
		t.Fatalf("Certificates = %v", err)
	}
	var lines []string
	for _, cert := range got {
		lines = append(lines, cert.Subject+" "+cert.NotAfter.Format("2006-01-02")+" "+strings.Join(cert.Hosts, ",")+map[bool]string{true: " autossl"}[cert.AutoSSL])
	}
	want := []string{"old.anopex.test 2026-11-25 ", "mail.anopex.test 2026-12-10 mail.anopex.test", "anopex.test 2027-02-16 anopex.test autossl"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("Certificates (-want +got):\n%s", diff)
	}
	if got[1].Issuer != "Let's Encrypt (R11)" || len(got[2].Domains) != 2 {
		t.Errorf("certificate details %+v", got[1:])
	}
}

func TestCertificatesStringDates(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/execute/SSL/list_certs":
			io.WriteString(w, `{"status":1,"data":[{"id":"x","subject.commonName":"a.test","not_after":"1767225599","is_self_signed":"1"}]}`)
		default:
			io.WriteString(w, `{"status":1,"data":[]}`)
		}
	})
	got, err := c.Certificates(t.Context())
	if err != nil || len(got) != 1 || got[0].NotAfter.Unix() != 1767225599 || !got[0].SelfSigned {
		t.Errorf("Certificates = %+v, %v; want the string date and flag read", got, err)
	}
}

func TestZoneEdit(t *testing.T) {
	c, srv := hostSetup(t)
	ctx := t.Context()
	z, err := c.Zone(ctx, "anopex.test")
	if err != nil {
		t.Fatalf("Zone = %v", err)
	}
	if z.Serial != "2025112801" || len(z.Records) != 9 {
		t.Fatalf("Zone = serial %s, %d records; want 2025112801 and 9", z.Serial, len(z.Records))
	}
	var spf, www bot.DNSRecord
	for _, r := range z.Records {
		switch {
		case r.Type == "TXT" && r.Name == "anopex.test.":
			spf = r
		case r.Type == "CNAME":
			www = r
		}
	}
	if www.Name != "www.anopex.test." || !cmp.Equal(www.Data, []string{"anopex.test."}) {
		t.Errorf("www record = %+v, want relative names made absolute", www)
	}
	spf.Data = []string{"v=spf1 mx ~all"}
	serial, err := c.EditZone(ctx, "anopex.test", z.Serial, bot.ZoneEdit{
		Edit:   []bot.DNSRecord{spf},
		Add:    []bot.DNSRecord{{Name: "dev", TTL: 3600, Type: "A", Data: []string{"203.0.113.8"}}},
		Remove: []int{www.Line},
	})
	if err != nil || serial != "2025112802" {
		t.Fatalf("EditZone = %q, %v; want the new serial 2025112802", serial, err)
	}
	want := []string{
		"anopex.test. 86400 NS ns1.hebergeur.example.", "anopex.test. 86400 NS ns2.hebergeur.example.",
		"anopex.test. 14400 A 203.0.113.7", "mail 14400 A 203.0.113.7", "anopex.test. 14400 MX 0 mail.anopex.test.",
		"anopex.test. 14400 TXT v=spf1 mx ~all", "_dmarc 14400 TXT v=DMARC1; p=quarantine; rua=mailto:dmarc@anopex.test",
		"dev.anopex.test. 3600 A 203.0.113.8",
	}
	if diff := cmp.Diff(want, srv.ZoneRecords("anopex.test")); diff != "" {
		t.Errorf("zone after edit (-want +got):\n%s", diff)
	}
	// The serial read before the edit is stale now: optimistic locking.
	_, err = c.EditZone(ctx, "anopex.test", z.Serial, bot.ZoneEdit{Remove: []int{3}})
	wantKind(t, "EditZone with a stale serial", err, bot.Conflict)
	_, err = c.Zone(ctx, "absent.test")
	wantKind(t, "Zone of an unknown zone", err, bot.NotFound)
	_, err = c.EditZone(ctx, "anopex.test", "2025112802", bot.ZoneEdit{Add: []bot.DNSRecord{{Name: "x", TTL: 60, Type: "TXT", Data: []string{"a\nb"}}}})
	wantKind(t, "EditZone with a newline", err, bot.Invalid)
	if srv.ZoneSerial("anopex.test") != 2025112802 {
		t.Errorf("refused edits changed the serial to %d", srv.ZoneSerial("anopex.test"))
	}
}

func TestZoneNotBase64(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"status":1,"data":[{"line_index":0,"type":"record","record_type":"A","ttl":1,"dname_b64":"%%%","data_b64":[]}]}`)
	})
	_, err := c.Zone(t.Context(), "anopex.test")
	wantKind(t, "Zone with a bad line", err, bot.Internal)
}
