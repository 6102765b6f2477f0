package cpaneltest

import (
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const mib = 1 << 20

func (s *Server) mailRoutes(mux *http.ServeMux) {
	s.route(mux, "Email/list_pops", s.listPops)
	s.route(mux, "Email/list_pops_with_disk", s.listPopsWithDisk)
	s.route(mux, "Email/add_pop", s.addPop)
	s.route(mux, "Email/passwd_pop", s.passwdPop)
	s.route(mux, "Email/delete_pop", s.deletePop)
	s.route(mux, "Email/edit_pop_quota", s.editPopQuota)
	s.route(mux, "Email/suspend_login", s.suspendLogin(true))
	s.route(mux, "Email/unsuspend_login", s.suspendLogin(false))
	s.route(mux, "Email/list_forwarders", s.listForwarders)
	s.route(mux, "Email/add_forwarder", s.addForwarder)
	s.route(mux, "Email/delete_forwarder", s.deleteForwarder)
}

// noAccount is cPanel's message for an unknown mailbox.
func noAccount(addr string) error {
	return errorf("You do not have an email account named “%s”.", addr)
}

// weak is cPanel's message for a password below the required strength.
func weak(got, want int) error {
	return errorf("The password that you entered has a strength rating of “%d”. You cannot use it because it is too weak and too easy to guess. Please enter a password with a strength rating of “%d” or higher.", got, want)
}

var (
	localRE  = regexp.MustCompile(`^[a-z0-9!#$%&'*+/=?^_{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_{|}~-]+)*$`)
	domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

func validAddress(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	return ok && len(local) <= 64 && localRE.MatchString(local) && domainRE.MatchString(domain)
}

// address builds the full address from an "email" parameter that is a
// local part or a full address, and a "domain" parameter (default: the main
// domain). The domain must be one of the account's.
func (s *Server) address(q url.Values, emailParam string, domainRequired bool) (string, error) {
	email := strings.ToLower(strings.TrimSpace(q.Get(emailParam)))
	if email == "" {
		return "", missing(emailParam)
	}
	domain := strings.ToLower(strings.TrimSpace(q.Get("domain")))
	if domain == "" && domainRequired {
		return "", missing("domain")
	}
	if local, d, ok := strings.Cut(email, "@"); ok {
		email, domain = local, d
	}
	if domain == "" {
		if len(s.domains) == 0 {
			return "", missing("domain")
		}
		domain = s.domains[0]
	}
	addr := email + "@" + domain
	if !validAddress(addr) {
		return "", errorf("The email address “%s” is not valid.", addr)
	}
	if !slices.Contains(s.domains, domain) {
		return "", errorf("The domain “%s” is not a valid domain of this account.", domain)
	}
	return addr, nil
}

// parseQuota reads a quota parameter in MB: "unlimited" or "0" (unlimited),
// or a whole number, at most the account's maximum when it has one
// (api.docs.cpanel.net add_pop: "may not exceed the max"; the wording of
// the refusal is ours).
func (s *Server) parseQuota(v string, def int) (int, error) {
	v = strings.TrimSpace(v)
	n, err := strconv.Atoi(v)
	switch strings.ToLower(v) {
	case "":
		n, err = def, nil
	case "unlimited":
		n, err = 0, nil
	}
	if err != nil || n < 0 {
		return 0, errorf("The quota “%s” is not valid: use a number of megabytes or “unlimited”.", v)
	}
	if v != "" && s.maxMB > 0 && (n == 0 || n > s.maxMB) {
		return 0, errorf("The quota “%s” exceeds the maximum email account quota of “%d” MB.", v, s.maxMB)
	}
	return n, nil
}

func (s *Server) sortedAddresses() []string {
	addrs := make([]string, 0, len(s.boxes))
	for a := range s.boxes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	return addrs
}

func regexParam(q url.Values) (*regexp.Regexp, error) {
	v := q.Get("regex")
	if v == "" {
		return nil, nil
	}
	re, err := regexp.Compile(v)
	if err != nil {
		return nil, errorf("The regular expression “%s” is invalid.", v)
	}
	return re, nil
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listPops is Email::list_pops (reference §4.1): the main account first
// unless skip_main=1.
func (s *Server) listPops(q url.Values) (any, error) {
	re, err := regexParam(q)
	if err != nil {
		return nil, err
	}
	rows := []map[string]any{}
	if q.Get("skip_main") != "1" && (re == nil || re.MatchString(s.user)) {
		rows = append(rows, map[string]any{"email": s.user, "login": "Main Account", "suspended_incoming": 0, "suspended_login": 0})
	}
	for _, a := range s.sortedAddresses() {
		if re != nil && !re.MatchString(a) {
			continue
		}
		b := s.boxes[a]
		rows = append(rows, map[string]any{"email": a, "login": a,
			"suspended_incoming": flag(b.suspendedIncoming), "suspended_login": flag(b.suspendedLogin)})
	}
	return rows, nil
}

// listPopsWithDisk is Email::list_pops_with_disk (reference §4.2), with the
// filters domain, email (local part), regex and maxaccounts, and the
// variants infinitylang and get_restrictions.
func (s *Server) listPopsWithDisk(q url.Values) (any, error) {
	re, err := regexParam(q)
	if err != nil {
		return nil, err
	}
	domain := strings.ToLower(q.Get("domain"))
	local := strings.ToLower(q.Get("email"))
	if l, d, ok := strings.Cut(local, "@"); ok {
		local, domain = l, d
	}
	maxAccounts, _ := strconv.Atoi(q.Get("maxaccounts"))
	unlimited := "unlimited"
	if q.Get("infinitylang") == "1" {
		unlimited = "∞"
	}
	rows := []map[string]any{}
	for _, a := range s.sortedAddresses() {
		l, d, _ := strings.Cut(a, "@")
		if (domain != "" && d != domain) || (local != "" && l != local) || (re != nil && !re.MatchString(a)) {
			continue
		}
		if maxAccounts > 0 && len(rows) == maxAccounts {
			break
		}
		b := s.boxes[a]
		row := map[string]any{
			"email": a, "login": a, "user": l, "domain": d,
			"_diskquota": int64(b.quotaMB) * mib, "_diskused": int64(math.Round(b.usedMB * mib)),
			"diskused": round2(b.usedMB), "humandiskused": human(b.usedMB * mib),
			"mtime": mtime, "suspended_incoming": flag(b.suspendedIncoming),
			"suspended_login": flag(b.suspendedLogin), "suspended_outgoing": 0,
		}
		if b.quotaMB == 0 {
			row["diskquota"], row["txtdiskquota"], row["humandiskquota"] = unlimited, unlimited, "None"
			row["diskusedpercent"], row["diskusedpercent20"], row["diskusedpercent_float"] = 0, 0, 0
		} else {
			pct := 100 * b.usedMB / float64(b.quotaMB)
			row["diskquota"], row["txtdiskquota"], row["humandiskquota"] = b.quotaMB, b.quotaMB, human(float64(b.quotaMB)*mib)
			row["diskusedpercent"], row["diskusedpercent20"], row["diskusedpercent_float"] = int(pct), int(pct/20)*20, round2(pct)
		}
		if q.Get("get_restrictions") == "1" {
			row["has_suspended"] = flag(b.suspendedLogin || b.suspendedIncoming)
			row["hold_outgoing"] = 0
		}
		rows = append(rows, row)
	}
	if main := s.mainRow(domain, local, re); main != nil && (maxAccounts == 0 || len(rows) < maxAccounts) {
		rows = append(rows, main)
	}
	return rows, nil
}

// mainRow is the cPanel main account as list_pops_with_disk shows it: email
// "Main Account", the account's user as login and user (reference §4.2).
func (s *Server) mainRow(domain, local string, re *regexp.Regexp) map[string]any {
	if len(s.domains) == 0 || (domain != "" && domain != s.domains[0]) || (local != "" && local != s.user) ||
		(re != nil && !re.MatchString(s.user)) {
		return nil
	}
	return map[string]any{"email": "Main Account", "login": s.user, "user": s.user, "domain": s.domains[0],
		"_diskquota": 0, "_diskused": 0, "diskquota": "unlimited", "diskused": 0, "humandiskquota": "None",
		"humandiskused": "0 bytes", "txtdiskquota": "unlimited", "mtime": mtime,
		"suspended_incoming": 0, "suspended_login": 0, "suspended_outgoing": 0}
}

// human renders bytes as cPanel does ("1 GB", "460 MB", "19.9 KB").
func human(bytes float64) string {
	units := []string{"bytes", "KB", "MB", "GB", "TB"}
	i := 0
	for bytes >= 1024 && i < len(units)-1 {
		bytes /= 1024
		i++
	}
	return strconv.FormatFloat(math.Round(bytes*10)/10, 'f', -1, 64) + " " + units[i]
}

// addPop is Email::add_pop (reference §4.3).
func (s *Server) addPop(q url.Values) (any, error) {
	addr, err := s.address(q, "email", false)
	if err != nil {
		return nil, err
	}
	pw, hash := q.Get("password"), q.Get("password_hash")
	switch {
	case pw != "" && hash != "":
		return nil, errorf("You cannot provide both the “password” and the “password_hash” parameters.")
	case pw == "" && hash == "":
		return nil, missing("password")
	}
	if _, ok := s.boxes[addr]; ok {
		return nil, errorf("The account %s already exists!", addr)
	}
	if pw != "" {
		if got := Strength(pw); got < s.strength {
			return nil, weak(got, s.strength)
		}
	}
	quota, err := s.parseQuota(q.Get("quota"), 0)
	if err != nil {
		return nil, err
	}
	s.boxes[addr] = &box{quotaMB: quota, password: pw}
	local, domain, _ := strings.Cut(addr, "@")
	return reply{data: local + "+" + domain, messages: []string{""}}, nil
}

// passwdPop is Email::passwd_pop (reference §4.4).
func (s *Server) passwdPop(q url.Values) (any, error) {
	addr, err := s.address(q, "email", false)
	if err != nil {
		return nil, err
	}
	pw := q.Get("password")
	if pw == "" {
		return nil, missing("password")
	}
	b, ok := s.boxes[addr]
	if !ok {
		return nil, noAccount(addr)
	}
	if got := Strength(pw); got < s.strength {
		return nil, weak(got, s.strength)
	}
	b.password = pw
	return nil, nil
}

// deletePop is Email::delete_pop (reference §4.5). Forwarders of the address
// stay, as in cPanel.
func (s *Server) deletePop(q url.Values) (any, error) {
	addr, err := s.address(q, "email", false)
	if err != nil {
		return nil, err
	}
	if _, ok := s.boxes[addr]; !ok {
		return nil, noAccount(addr)
	}
	delete(s.boxes, addr)
	return nil, nil
}

// editPopQuota is Email::edit_pop_quota (reference §4.6).
func (s *Server) editPopQuota(q url.Values) (any, error) {
	addr, err := s.address(q, "email", true)
	if err != nil {
		return nil, err
	}
	b, ok := s.boxes[addr]
	if !ok {
		return nil, noAccount(addr)
	}
	quota, err := s.parseQuota(q.Get("quota"), b.quotaMB)
	if err != nil {
		return nil, err
	}
	b.quotaMB = quota
	return nil, nil
}

// suspendLogin is Email::suspend_login or Email::unsuspend_login (reference §4.7).
func (s *Server) suspendLogin(suspend bool) function {
	return func(q url.Values) (any, error) {
		addr, err := s.address(q, "email", false)
		if err != nil {
			return nil, err
		}
		b, ok := s.boxes[addr]
		if !ok {
			return nil, noAccount(addr)
		}
		b.suspendedLogin = suspend
		return nil, nil
	}
}

// listForwarders is Email::list_forwarders (reference §4.8): one row per
// (address, destination), sorted by address.
func (s *Server) listForwarders(q url.Values) (any, error) {
	domain := strings.ToLower(strings.TrimSpace(q.Get("domain")))
	if domain == "" {
		return nil, missing("domain")
	}
	re, err := regexParam(q)
	if err != nil {
		return nil, err
	}
	fw := slices.Clone(s.fwds)
	sort.SliceStable(fw, func(i, j int) bool { return fw[i].dest < fw[j].dest })
	rows := []map[string]any{}
	for _, f := range fw {
		if _, d, _ := strings.Cut(f.dest, "@"); d != domain || (re != nil && !re.MatchString(f.dest)) {
			continue
		}
		rows = append(rows, map[string]any{
			"dest": f.dest, "forward": f.forward,
			"html_dest": html.EscapeString(f.dest), "html_forward": html.EscapeString(f.forward),
			"uri_dest": url.QueryEscape(f.dest), "uri_forward": url.QueryEscape(f.forward),
		})
	}
	return rows, nil
}

// addForwarder is Email::add_forwarder (reference §4.9), every fwdopt.
func (s *Server) addForwarder(q url.Values) (any, error) {
	addr, err := s.address(q, "email", true)
	if err != nil {
		return nil, err
	}
	_, domain, _ := strings.Cut(addr, "@")
	var targets []string
	switch opt := q.Get("fwdopt"); opt {
	case "fwd":
		list := q.Get("fwdemail")
		if strings.TrimSpace(list) == "" {
			return nil, missing("fwdemail")
		}
		for _, t := range strings.Split(list, ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			if !validAddress(t) {
				return nil, errorf("The forwarding address “%s” is not a valid email address.", t)
			}
			targets = append(targets, t)
		}
	case "fail":
		msg := q.Get("failmsgs")
		if msg == "" {
			msg = "No such person at this address"
		}
		targets = []string{":fail: " + msg}
	case "blackhole":
		targets = []string{":blackhole:"}
	case "pipe":
		if q.Get("pipefwd") == "" {
			return nil, missing("pipefwd")
		}
		targets = []string{"|" + q.Get("pipefwd")}
	case "system":
		if q.Get("fwdsystem") == "" {
			return nil, missing("fwdsystem")
		}
		targets = []string{q.Get("fwdsystem")}
	case "":
		return nil, missing("fwdopt")
	default:
		return nil, errorf("The “fwdopt” parameter value “%s” is invalid.", opt)
	}
	out := make([]map[string]any, 0, len(targets))
	for _, t := range targets {
		if !slices.Contains(s.fwds, forwarder{addr, t}) {
			s.fwds = append(s.fwds, forwarder{addr, t})
		}
		out = append(out, map[string]any{"domain": domain, "email": addr, "forward": t})
	}
	return out, nil
}

// deleteForwarder is Email::delete_forwarder (reference §4.10). What cPanel
// answers for an unknown rule is not documented; the fake fails with status 0.
func (s *Server) deleteForwarder(q url.Values) (any, error) {
	addr := strings.ToLower(strings.TrimSpace(q.Get("address")))
	if addr == "" {
		return nil, missing("address")
	}
	dest := strings.TrimSpace(q.Get("forwarder"))
	if dest == "" {
		return nil, missing("forwarder")
	}
	if strings.Contains(dest, "@") && !strings.ContainsAny(dest, "|: ") {
		dest = strings.ToLower(dest)
	}
	i := slices.Index(s.fwds, forwarder{addr, dest})
	if i < 0 {
		return nil, errorf("The forwarder from “%s” to “%s” does not exist.", addr, dest)
	}
	s.fwds = slices.Delete(s.fwds, i, i+1)
	return nil, nil
}
