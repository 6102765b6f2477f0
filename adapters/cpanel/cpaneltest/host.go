package cpaneltest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// hostState is the hosting side of the fake account: the IP blocker, the
// stored and installed certificates and the DNS zones. It is guarded by s.mu.
type hostState struct {
	blocked []string
	certs   []cert
	zones   map[string]*zone
	dirs    map[string]int64 // directory (relative to the home) → bytes of its own files
	// AutoSSL: the problems log and whether a check is under way.
	problems []map[string]string
	checking bool
}

type cert struct {
	id, subject, issuer string
	domains             []string
	notBefore, notAfter time.Time
	selfSigned, autoSSL bool
	hosts               []string // servernames where it is installed
}

type zone struct {
	serial int64
	lines  []zoneLine
}

type zoneLine struct {
	kind  string // record, control, comment
	text  string // control and comment lines
	rtype string
	ttl   int
	dname string
	data  []string
}

// Record types mass_edit_zone accepts in the fake.
var zoneTypes = []string{"A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR"}

// hostRoutes registers BlockIP, DenyIp (API 2), SSL and DNS.
func (s *Server) hostRoutes(mux *http.ServeMux) {
	s.host = hostState{zones: map[string]*zone{}, dirs: map[string]int64{}}
	s.route(mux, "BlockIP/add_ip", s.addIP)
	s.route(mux, "BlockIP/remove_ip", s.removeIP)
	s.route(mux, "SSL/list_certs", s.listCerts)
	s.route(mux, "SSL/installed_hosts", s.installedHosts)
	s.route(mux, "SSL/get_autossl_problems", s.autoSSLProblems)
	s.route(mux, "SSL/is_autossl_check_in_progress", s.autoSSLRunning)
	s.route(mux, "SSL/start_autossl_check", s.startAutoSSL)
	s.route(mux, "DNS/parse_zone", s.parseZone)
	s.route(mux, "DNS/mass_edit_zone", s.massEditZone)
	mux.HandleFunc("GET /json-api/cpanel", s.api2)
}

// normalizeIP reads what BlockIP accepts here: an address or a CIDR range
// (cPanel also takes ranges, prefixes and host names; the bot sends neither).
func normalizeIP(v string) (string, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		p = p.Masked()
		if p.IsSingleIP() {
			return p.Addr().String(), true
		}
		return p.String(), true
	}
	if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" {
		return a.Unmap().String(), true
	}
	return "", false
}

func (s *Server) addIP(q url.Values) (any, error) {
	v := strings.TrimSpace(q.Get("ip"))
	if v == "" {
		return nil, missing("ip")
	}
	ip, ok := normalizeIP(v)
	if !ok {
		return nil, errorf("“%s” is not a valid IP address, range or hostname.", v)
	}
	if !slices.Contains(s.host.blocked, ip) {
		s.host.blocked = append(s.host.blocked, ip)
	}
	return []string{ip}, nil
}

func (s *Server) removeIP(q url.Values) (any, error) {
	v := strings.TrimSpace(q.Get("ip"))
	if v == "" {
		return nil, missing("ip")
	}
	ip, ok := normalizeIP(v)
	if !ok {
		return nil, errorf("“%s” is not a valid IP address, range or hostname.", v)
	}
	i := slices.Index(s.host.blocked, ip)
	if i < 0 {
		return nil, errorf("The IP address “%s” does not exist in the deny list.", ip)
	}
	s.host.blocked = slices.Delete(s.host.blocked, i, i+1)
	return []string{ip}, nil
}

// api2 serves /json-api/cpanel in API 2's envelope: DenyIp::listdenyips
// and DiskUsage::fetchdiskusage (files.go). Disable applies as to UAPI.
func (s *Server) api2(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		denied(w)
		return
	}
	q := r.URL.Query()
	module, fn := q.Get("cpanel_jsonapi_module"), q.Get("cpanel_jsonapi_func")
	result := map[string]any{"apiversion": 2, "module": module, "func": fn, "event": map[string]any{"result": 1}}
	s.mu.Lock()
	switch off, isOff := s.disabled[module+"/"+fn]; {
	case q.Get("cpanel_jsonapi_apiversion") != "2" || !slices.Contains([]string{"DenyIp/listdenyips", "DiskUsage/fetchdiskusage"}, module+"/"+fn):
		off = fmt.Sprintf("Could not find function “%s” in module “%s”.", fn, module)
		fallthrough
	case isOff:
		result["event"], result["error"], result["data"] = map[string]any{"result": 0}, off, []any{}
	case module == "DiskUsage":
		result["data"] = []any{s.diskUsage(q.Get("path"))}
	default:
		items := []map[string]string{}
		for _, ip := range s.host.blocked {
			items = append(items, map[string]string{"ip": ip})
		}
		result["data"] = items
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"cpanelresult": result})
}

func (c cert) json() map[string]any {
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return map[string]any{"id": c.id, "friendly_name": c.subject + " AutoSSL", "domains": c.domains,
		"subject.commonName": c.subject, "issuer.commonName": c.issuer, "issuer.organizationName": "Let's Encrypt",
		"not_before": c.notBefore.Unix(), "not_after": c.notAfter.Unix(), "created": c.notBefore.Unix() + 3600,
		"is_self_signed": b(c.selfSigned), "domain_is_configured": 1, "validation_type": "dv",
		"key_algorithm": "rsaEncryption", "modulus_length": 2048, "is_autossl": b(c.autoSSL)}
}

func (s *Server) listCerts(url.Values) (any, error) {
	out := []map[string]any{}
	for _, c := range s.host.certs {
		out = append(out, c.json())
	}
	return out, nil
}

func (s *Server) installedHosts(url.Values) (any, error) {
	out := []map[string]any{}
	for _, c := range s.host.certs {
		for _, h := range c.hosts {
			out = append(out, map[string]any{"servername": h, "domains": c.domains, "fqdns": c.domains,
				"docroot": "/home/" + s.user + "/public_html", "ip": "203.0.113.7", "is_primary_on_ip": 1, "needs_sni": 0,
				"mail_sni_status": 1, "certificate_text": "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----", "certificate": c.json()})
		}
	}
	return out, nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func (s *Server) parseZone(q url.Values) (any, error) {
	name := strings.TrimSuffix(strings.ToLower(q.Get("zone")), ".")
	if name == "" {
		return nil, missing("zone")
	}
	z := s.host.zones[name]
	if z == nil {
		return nil, errorf("The DNS zone “%s” does not exist.", name)
	}
	out := []map[string]any{}
	for i, l := range z.lines {
		switch l.kind {
		case "record":
			data := make([]string, 0, len(l.data))
			for _, d := range l.data {
				data = append(data, b64(d))
			}
			out = append(out, map[string]any{"line_index": i, "type": "record", "record_type": l.rtype, "ttl": l.ttl,
				"dname_b64": b64(l.dname), "data_b64": data})
		default:
			out = append(out, map[string]any{"line_index": i, "type": l.kind, "text_b64": b64(l.text)})
		}
	}
	return out, nil
}

// editJSON is one add or edit item of mass_edit_zone.
type editJSON struct {
	LineIndex *int     `json:"line_index"`
	DName     string   `json:"dname"`
	TTL       int      `json:"ttl"`
	Type      string   `json:"record_type"`
	Data      []string `json:"data"`
}

func (e editJSON) line() (zoneLine, error) {
	if e.DName == "" || e.TTL <= 0 || len(e.Data) == 0 || !slices.Contains(zoneTypes, e.Type) {
		return zoneLine{}, errorf("Invalid record: “dname”, “ttl”, “record_type” and “data” are required.")
	}
	for _, d := range append([]string{e.DName}, e.Data...) {
		if strings.ContainsAny(d, "\r\n\"\x00") || d == "" {
			return zoneLine{}, errorf("Invalid record data: “%s”.", d)
		}
	}
	return zoneLine{kind: "record", rtype: e.Type, ttl: e.TTL, dname: e.DName, data: e.Data}, nil
}

// massEditZone applies removals, edits and additions atomically, only if
// the given serial is the zone's current one, then raises the serial.
func (s *Server) massEditZone(q url.Values) (any, error) {
	name := strings.TrimSuffix(strings.ToLower(q.Get("zone")), ".")
	switch {
	case name == "":
		return nil, missing("zone")
	case q.Get("serial") == "":
		return nil, missing("serial")
	}
	z := s.host.zones[name]
	if z == nil {
		return nil, errorf("The DNS zone “%s” does not exist.", name)
	}
	if q.Get("serial") != strconv.FormatInt(z.serial, 10) {
		return nil, errorf("The given serial number (%s) does not match the DNS zone’s serial number (%d). Refresh your view of the DNS zone to continue.", q.Get("serial"), z.serial)
	}
	lines := slices.Clone(z.lines)
	recordAt := func(i int) bool {
		return i >= 0 && i < len(lines) && lines[i].kind == "record" && lines[i].rtype != "SOA"
	}
	for _, raw := range q["edit"] {
		var e editJSON
		if err := json.Unmarshal([]byte(raw), &e); err != nil || e.LineIndex == nil || !recordAt(*e.LineIndex) {
			return nil, errorf("Invalid “edit”: “%s”.", raw)
		}
		l, err := e.line()
		if err != nil {
			return nil, err
		}
		lines[*e.LineIndex] = l
	}
	removed := map[int]bool{}
	for _, raw := range q["remove"] {
		i, err := strconv.Atoi(raw)
		if err != nil || !recordAt(i) {
			return nil, errorf("Invalid “remove”: “%s”.", raw)
		}
		removed[i] = true
	}
	var kept []zoneLine
	for i, l := range lines {
		if !removed[i] {
			kept = append(kept, l)
		}
	}
	for _, raw := range q["add"] {
		var e editJSON
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return nil, errorf("Invalid “add”: “%s”.", raw)
		}
		l, err := e.line()
		if err != nil {
			return nil, err
		}
		kept = append(kept, l)
	}
	z.serial++
	z.lines = kept
	z.setSOASerial()
	return map[string]any{"new_serial": z.serial}, nil
}

// AddZone creates zone with its SOA (serial given), NS records, and the
// records given as "NAME TTL TYPE DATA…" lines (NAME relative or absolute).
func (s *Server) AddZone(name string, serial int64, records ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	apex := name + "."
	z := &zone{serial: serial, lines: []zoneLine{
		{kind: "comment", text: "; cPanel first:110.0.17 (update_time):1764316800"},
		{kind: "control", text: "$TTL 14400"},
		{kind: "record", rtype: "SOA", ttl: 86400, dname: apex, data: []string{"ns1.hebergeur.example.", "hostmaster.hebergeur.example.",
			strconv.FormatInt(serial, 10), "3600", "1800", "1209600", "86400"}},
		{kind: "record", rtype: "NS", ttl: 86400, dname: apex, data: []string{"ns1.hebergeur.example."}},
		{kind: "record", rtype: "NS", ttl: 86400, dname: apex, data: []string{"ns2.hebergeur.example."}},
	}}
	for _, r := range records {
		f := strings.Fields(r)
		ttl, _ := strconv.Atoi(f[1])
		data := f[3:]
		if f[2] == "TXT" {
			data = []string{strings.Join(f[3:], " ")}
		}
		z.lines = append(z.lines, zoneLine{kind: "record", dname: f[0], ttl: ttl, rtype: f[2], data: data})
	}
	s.host.zones[name] = z
}

// ZoneRecords returns zone's records as "NAME TTL TYPE DATA" lines, in order.
func (s *Server) ZoneRecords(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if z := s.host.zones[name]; z != nil {
		for _, l := range z.lines {
			if l.kind == "record" && l.rtype != "SOA" {
				out = append(out, fmt.Sprintf("%s %d %s %s", l.dname, l.ttl, l.rtype, strings.Join(l.data, " ")))
			}
		}
	}
	return out
}

// ZoneSerial returns zone's serial (0 if none).
func (s *Server) ZoneSerial(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if z := s.host.zones[name]; z != nil {
		return z.serial
	}
	return 0
}

// BumpSerial changes zone's serial as another editor would.
func (s *Server) BumpSerial(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if z := s.host.zones[name]; z != nil {
		z.serial++
		z.setSOASerial()
	}
}

// setSOASerial writes the zone's serial into its SOA record.
func (z *zone) setSOASerial() {
	for i := range z.lines {
		if z.lines[i].rtype == "SOA" {
			z.lines[i].data = slices.Clone(z.lines[i].data)
			z.lines[i].data[2] = strconv.FormatInt(z.serial, 10)
		}
	}
}

// AddCertificate stores a certificate for domains, valid until notAfter and
// installed on hosts (none: stored only).
func (s *Server) AddCertificate(domains []string, notAfter time.Time, autoSSL bool, hosts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("%s_%d", strings.ReplaceAll(domains[0], ".", "_"), notAfter.Unix())
	s.host.certs = append(s.host.certs, cert{id: id, subject: domains[0], issuer: "R11", domains: domains,
		notBefore: notAfter.AddDate(0, 0, -90), notAfter: notAfter, autoSSL: autoSSL, hosts: hosts})
}

// Blocked returns the IP blocker's entries.
func (s *Server) Blocked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.host.blocked)
}

// SeedHostDemo fills the hosting side for the demo at now: a zone for
// domain with mail records, its web certificate (AutoSSL) due in 80 days, the
// mail host's certificate due in 12 days (an alert), and two blocked IPs.
func (s *Server) SeedHostDemo(domain string, now time.Time) {
	s.AddZone(domain, 2025112801,
		domain+". 14400 A 203.0.113.7",
		"www 14400 CNAME "+domain+".",
		"mail 14400 A 203.0.113.7",
		domain+". 14400 MX 0 mail."+domain+".",
		domain+". 14400 TXT v=spf1 +a +mx include:relay.hebergeur.example ~all",
		"_dmarc 14400 TXT v=DMARC1; p=quarantine; rua=mailto:dmarc@"+domain,
	)
	day := 24 * time.Hour
	s.AddCertificate([]string{domain, "www." + domain}, now.Add(80*day).Truncate(time.Second), true, domain)
	s.AddCertificate([]string{"mail." + domain}, now.Add(12*day).Truncate(time.Second), false, "mail."+domain)
	s.mu.Lock()
	s.host.blocked = append(s.host.blocked, "198.51.100.23", "192.0.2.0/24")
	for d, mb := range map[string]int64{"public_html": 40, "public_html/wp-content/uploads": 2300, "public_html/wp-content/plugins": 180,
		"mail/" + domain: 900, "backups": 1200, "tmp": 35} {
		s.host.dirs[d] = mb << 20
	}
	s.mu.Unlock()
}

// SeedDolibarrDemo fills a second account for the demo at now, unlike the
// first: the Dolibarr server's zone for domain, its certificate due in 4
// days that AutoSSL failed to renew (its problems log says why), one
// blocked IP and the directories of a Dolibarr installation.
func (s *Server) SeedDolibarrDemo(domain string, now time.Time) {
	s.AddZone(domain, 2025110402, domain+". 14400 A 198.51.100.40", "www 14400 CNAME "+domain+".")
	s.AddCertificate([]string{domain, "www." + domain}, now.Add(4*24*time.Hour).Truncate(time.Second), true, domain)
	s.AddAutoSSLProblem("www."+domain, "DNS DCV: The domain “www."+domain+"” resolved to an IP address “192.0.2.80” that does not exist on this server.", now.Add(-9*time.Hour))
	s.mu.Lock()
	s.host.blocked = append(s.host.blocked, "203.0.113.66")
	for d, mb := range map[string]int64{"public_html/htdocs": 310, "dolibarr_documents/facture": 820, "dolibarr_documents/adherent": 1500,
		"dolibarr_documents/admin/backup": 4200, "logs": 95} {
		s.host.dirs[d] = mb << 20
	}
	s.mu.Unlock()
}
