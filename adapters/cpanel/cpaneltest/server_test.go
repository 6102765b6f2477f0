package cpaneltest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
)

const (
	user  = "assoex"
	token = "U7HMR63FGY292DQZ4H5BFH16JLYMO01M"
	auth  = "cpanel " + user + ":" + token
)

func newServer(t *testing.T) *cpaneltest.Server {
	t.Helper()
	s := cpaneltest.New(user, token)
	t.Cleanup(s.Close)
	s.AddMailbox("contact@asso-exemple.fr", 1024, 460)
	s.AddMailbox("tresorier@asso-exemple.fr", 0, 12.5)
	s.SetSuspended("tresorier@asso-exemple.fr", true, false)
	return s
}

type answer struct {
	status int
	ctype  string
	body   []byte
}

// call sends fn ("Email/list_pops") as GET with params in the query, or as
// a form-encoded POST.
func call(t *testing.T, s *cpaneltest.Server, method, fn string, params url.Values, authz string) answer {
	t.Helper()
	u := s.URL() + "/execute/" + fn
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + params.Encode()
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), b}
}

// decode reads a UAPI envelope as generic JSON.
func decode(t *testing.T, a answer) map[string]any {
	t.Helper()
	if a.status != http.StatusOK || a.ctype != "application/json" {
		t.Fatalf("HTTP %d %q, want 200 application/json: %s", a.status, a.ctype, a.body)
	}
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a.body)
	}
	return m
}

func TestAuth(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name, header string
		ok           bool
	}{
		{"token", auth, true},
		{"scheme in capitals", "CPANEL " + user + ":" + token, true},
		{"none", "", false},
		{"wrong token", "cpanel " + user + ":U7HMR63FGY292DQZ4H5BFH16JLYMO01X", false},
		{"wrong user", "cpanel other:" + token, false},
		{"no user", "cpanel " + token, false},
		{"bearer", "Bearer " + token, false},
		{"basic", "Basic " + token, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, s, http.MethodGet, "Quota/get_quota_info", nil, tt.header)
			if tt.ok {
				decode(t, a)
				return
			}
			if a.status != http.StatusUnauthorized {
				t.Errorf("HTTP %d, want 401", a.status)
			}
			if json.Valid(a.body) || !strings.HasPrefix(a.ctype, "text/html") {
				t.Errorf("body %q (%s), want a non-JSON page", a.body, a.ctype)
			}
		})
	}
	a := call(t, s, http.MethodGet, "Email/no_such_function", nil, "")
	if a.status != http.StatusUnauthorized {
		t.Errorf("unknown function without credentials: HTTP %d, want 401", a.status)
	}
}

// TestListPopsEnvelope checks the flat envelope of reference §2 and §4.1
// byte for byte, main account included unless skip_main=1.
func TestListPopsEnvelope(t *testing.T) {
	s := newServer(t)
	a := call(t, s, http.MethodGet, "Email/list_pops", nil, auth)
	const want = `{"status":1,"data":[` +
		`{"email":"assoex","login":"Main Account","suspended_incoming":0,"suspended_login":0},` +
		`{"email":"contact@asso-exemple.fr","login":"contact@asso-exemple.fr","suspended_incoming":0,"suspended_login":0},` +
		`{"email":"tresorier@asso-exemple.fr","login":"tresorier@asso-exemple.fr","suspended_incoming":0,"suspended_login":1}],` +
		`"errors":null,"warnings":null,"messages":null,"metadata":{"transformed":1}}`
	if d := cmp.Diff(want, string(a.body)); d != "" {
		t.Errorf("list_pops (-want +got):\n%s", d)
	}
	m := decode(t, call(t, s, http.MethodGet, "Email/list_pops", url.Values{"skip_main": {"1"}}, auth))
	if rows := m["data"].([]any); len(rows) != 2 || rows[0].(map[string]any)["login"] == "Main Account" {
		t.Errorf("skip_main=1: %v", rows)
	}
	m = decode(t, call(t, s, http.MethodGet, "Email/list_pops", url.Values{"regex": {"^tres"}}, auth))
	if rows := m["data"].([]any); len(rows) != 1 {
		t.Errorf("regex=^tres: %v", rows)
	}
}

func TestListPopsWithDisk(t *testing.T) {
	s := newServer(t)
	m := decode(t, call(t, s, http.MethodGet, "Email/list_pops_with_disk", nil, auth))
	want := []any{
		map[string]any{
			"email": "contact@asso-exemple.fr", "login": "contact@asso-exemple.fr", "user": "contact", "domain": "asso-exemple.fr",
			"_diskquota": 1073741824.0, "_diskused": 482344960.0, "diskquota": 1024.0, "diskused": 460.0,
			"diskusedpercent": 44.0, "diskusedpercent20": 40.0, "diskusedpercent_float": 44.92,
			"humandiskquota": "1 GB", "humandiskused": "460 MB", "txtdiskquota": 1024.0, "mtime": 1764316800.0,
			"suspended_incoming": 0.0, "suspended_login": 0.0, "suspended_outgoing": 0.0,
		},
		map[string]any{
			"email": "tresorier@asso-exemple.fr", "login": "tresorier@asso-exemple.fr", "user": "tresorier", "domain": "asso-exemple.fr",
			"_diskquota": 0.0, "_diskused": 13107200.0, "diskquota": "unlimited", "diskused": 12.5,
			"diskusedpercent": 0.0, "diskusedpercent20": 0.0, "diskusedpercent_float": 0.0,
			"humandiskquota": "None", "humandiskused": "12.5 MB", "txtdiskquota": "unlimited", "mtime": 1764316800.0,
			"suspended_incoming": 0.0, "suspended_login": 1.0, "suspended_outgoing": 0.0,
		},
		map[string]any{ // the main account: email "Main Account", not login
			"email": "Main Account", "login": "assoex", "user": "assoex", "domain": "asso-exemple.fr",
			"_diskquota": 0.0, "_diskused": 0.0, "diskquota": "unlimited", "diskused": 0.0,
			"humandiskquota": "None", "humandiskused": "0 bytes", "txtdiskquota": "unlimited", "mtime": 1764316800.0,
			"suspended_incoming": 0.0, "suspended_login": 0.0, "suspended_outgoing": 0.0,
		},
	}
	if d := cmp.Diff(want, m["data"]); d != "" {
		t.Errorf("list_pops_with_disk (-want +got):\n%s", d)
	}

	tests := []struct {
		name   string
		params url.Values
		emails []string
	}{
		{"one mailbox", url.Values{"domain": {"asso-exemple.fr"}, "email": {"tresorier"}}, []string{"tresorier@asso-exemple.fr"}},
		{"other domain", url.Values{"domain": {"autre.test"}}, nil},
		{"regex", url.Values{"regex": {"^cont"}}, []string{"contact@asso-exemple.fr"}},
		{"maxaccounts", url.Values{"maxaccounts": {"1"}}, []string{"contact@asso-exemple.fr"}},
		{"local part only", url.Values{"email": {"contact"}}, []string{"contact@asso-exemple.fr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, call(t, s, http.MethodGet, "Email/list_pops_with_disk", tt.params, auth))
			var got []string
			for _, r := range m["data"].([]any) {
				got = append(got, r.(map[string]any)["email"].(string))
			}
			if d := cmp.Diff(tt.emails, got); d != "" {
				t.Errorf("emails (-want +got):\n%s", d)
			}
		})
	}

	m = decode(t, call(t, s, http.MethodGet, "Email/list_pops_with_disk", url.Values{"infinitylang": {"1"}, "get_restrictions": {"1"}, "email": {"tresorier"}}, auth))
	row := m["data"].([]any)[0].(map[string]any)
	if row["diskquota"] != "∞" || row["has_suspended"] != 1.0 || row["hold_outgoing"] != 0.0 {
		t.Errorf("infinitylang and get_restrictions: %v", row)
	}
}

// failure checks a functional failure: HTTP 200, status 0, data null,
// metadata {} and exactly the message msg.
func failure(t *testing.T, a answer, msg string) {
	t.Helper()
	m := decode(t, a)
	want := map[string]any{"status": 0.0, "data": nil, "errors": []any{msg}, "warnings": nil, "messages": nil, "metadata": map[string]any{}}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("failure (-want +got):\n%s", d)
	}
}

func TestErrorStrings(t *testing.T) {
	s := newServer(t)
	s.AddDomain("autre.test")
	strong := "Kq7-vX9!mZ2#pL4@wR8_"
	tests := []struct {
		name   string
		fn     string
		params url.Values
		msg    string
	}{
		{"duplicate", "Email/add_pop", url.Values{"email": {"contact"}, "domain": {"asso-exemple.fr"}, "password": {strong}},
			"The account contact@asso-exemple.fr already exists!"},
		{"unknown mailbox", "Email/passwd_pop", url.Values{"email": {"jeanne"}, "domain": {"asso-exemple.fr"}, "password": {strong}},
			"You do not have an email account named “jeanne@asso-exemple.fr”."},
		{"weak password", "Email/passwd_pop", url.Values{"email": {"contact"}, "domain": {"asso-exemple.fr"}, "password": {"azerty"}},
			fmt.Sprintf("The password that you entered has a strength rating of “%d”. You cannot use it because it is too weak and too easy to guess. Please enter a password with a strength rating of “65” or higher.", cpaneltest.Strength("azerty"))},
		{"missing email", "Email/delete_pop", url.Values{"domain": {"asso-exemple.fr"}}, "Provide the “email” parameter."},
		{"missing domain", "Email/edit_pop_quota", url.Values{"email": {"contact"}, "quota": {"10"}}, "Provide the “domain” parameter."},
		{"delete unknown", "Email/delete_pop", url.Values{"email": {"x@asso-exemple.fr"}}, "You do not have an email account named “x@asso-exemple.fr”."},
		{"quota unknown", "Email/edit_pop_quota", url.Values{"email": {"x"}, "domain": {"asso-exemple.fr"}, "quota": {"10"}}, "You do not have an email account named “x@asso-exemple.fr”."},
		{"suspend unknown", "Email/suspend_login", url.Values{"email": {"x@autre.test"}}, "You do not have an email account named “x@autre.test”."},
		{"bad quota", "Email/edit_pop_quota", url.Values{"email": {"contact"}, "domain": {"asso-exemple.fr"}, "quota": {"beaucoup"}},
			"The quota “beaucoup” is not valid: use a number of megabytes or “unlimited”."},
		{"both passwords", "Email/add_pop", url.Values{"email": {"n@asso-exemple.fr"}, "password": {strong}, "password_hash": {"$6$x"}},
			"You cannot provide both the “password” and the “password_hash” parameters."},
		{"foreign domain", "Email/add_pop", url.Values{"email": {"n@ailleurs.test"}, "password": {strong}}, "The domain “ailleurs.test” is not a valid domain of this account."},
		{"forwarders without domain", "Email/list_forwarders", nil, "Provide the “domain” parameter."},
		{"unknown forwarder", "Email/delete_forwarder", url.Values{"address": {"a@asso-exemple.fr"}, "forwarder": {"b@c.fr"}},
			"The forwarder from “a@asso-exemple.fr” to “b@c.fr” does not exist."},
		{"unknown function", "Email/list_popz", nil, "Could not find function “list_popz” in module “Email”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failure(t, call(t, s, http.MethodPost, tt.fn, tt.params, auth), tt.msg)
		})
	}
	a := call(t, s, http.MethodGet, "../cpsess/login", nil, auth)
	if a.status != http.StatusNotFound {
		t.Errorf("outside /execute: HTTP %d, want 404", a.status)
	}
}

// TestMailboxLifecycle drives the write functions through GET query strings
// and POST forms alike.
func TestMailboxLifecycle(t *testing.T) {
	s := newServer(t)
	pw1, pw2 := "Kq7-vX9!mZ2#pL4@wR8_", "Zt5.eH3+nB6?cJ9=uP2-"
	m := decode(t, call(t, s, http.MethodPost, "Email/add_pop", url.Values{"email": {"jeanne"}, "domain": {"asso-exemple.fr"}, "password": {pw1}, "quota": {"500"}}, auth))
	if m["data"] != "jeanne+asso-exemple.fr" || m["status"] != 1.0 || cmp.Diff([]any{""}, m["messages"]) != "" {
		t.Errorf("add_pop answer %v, want data jeanne+asso-exemple.fr and messages [\"\"]", m)
	}
	if s.Password("jeanne@asso-exemple.fr") != pw1 {
		t.Error("add_pop did not store the password")
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		decode(t, call(t, s, method, "Email/passwd_pop", url.Values{"email": {"jeanne@asso-exemple.fr"}, "password": {pw2}}, auth))
		if s.Password("jeanne@asso-exemple.fr") != pw2 {
			t.Errorf("%s passwd_pop did not change the password", method)
		}
		pw1, pw2 = pw2, pw1
	}
	decode(t, call(t, s, http.MethodPost, "Email/edit_pop_quota", url.Values{"email": {"jeanne"}, "domain": {"asso-exemple.fr"}, "quota": {"unlimited"}}, auth))
	decode(t, call(t, s, http.MethodPost, "Email/suspend_login", url.Values{"email": {"jeanne@asso-exemple.fr"}}, auth))
	s.SetUsage("jeanne@asso-exemple.fr", 42.5)
	want := cpaneltest.Mailbox{Address: "jeanne@asso-exemple.fr", QuotaMB: 0, UsedMB: 42.5, SuspendedLogin: true}
	var got cpaneltest.Mailbox
	for _, mb := range s.Mailboxes() {
		if mb.Address == want.Address {
			got = mb
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mailbox (-want +got):\n%s", d)
	}
	decode(t, call(t, s, http.MethodPost, "Email/unsuspend_login", url.Values{"email": {"jeanne@asso-exemple.fr"}}, auth))
	decode(t, call(t, s, http.MethodPost, "Email/delete_pop", url.Values{"email": {"jeanne"}, "domain": {"asso-exemple.fr"}, "flags": {"passwd"}}, auth))
	if n := len(s.Mailboxes()); n != 2 {
		t.Errorf("%d mailboxes after delete_pop, want 2", n)
	}
	if s.Password("jeanne@asso-exemple.fr") != "" {
		t.Error("a deleted mailbox still has a password")
	}
}

func TestForwarderFunctions(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name   string
		params url.Values
		want   []any
	}{
		{"two addresses", url.Values{"fwdopt": {"fwd"}, "email": {"bureau@asso-exemple.fr"}, "fwdemail": {"a@gmail.test, B@gmail.test"}},
			[]any{map[string]any{"domain": "asso-exemple.fr", "email": "bureau@asso-exemple.fr", "forward": "a@gmail.test"},
				map[string]any{"domain": "asso-exemple.fr", "email": "bureau@asso-exemple.fr", "forward": "b@gmail.test"}}},
		{"fail", url.Values{"fwdopt": {"fail"}, "email": {"ancien"}},
			[]any{map[string]any{"domain": "asso-exemple.fr", "email": "ancien@asso-exemple.fr", "forward": ":fail: No such person at this address"}}},
		{"blackhole", url.Values{"fwdopt": {"blackhole"}, "email": {"spam@asso-exemple.fr"}},
			[]any{map[string]any{"domain": "asso-exemple.fr", "email": "spam@asso-exemple.fr", "forward": ":blackhole:"}}},
		{"pipe", url.Values{"fwdopt": {"pipe"}, "email": {"robot@asso-exemple.fr"}, "pipefwd": {"/home/assoex/bin/robot"}},
			[]any{map[string]any{"domain": "asso-exemple.fr", "email": "robot@asso-exemple.fr", "forward": "|/home/assoex/bin/robot"}}},
		{"system", url.Values{"fwdopt": {"system"}, "email": {"root@asso-exemple.fr"}, "fwdsystem": {"assoex"}},
			[]any{map[string]any{"domain": "asso-exemple.fr", "email": "root@asso-exemple.fr", "forward": "assoex"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.params.Set("domain", "asso-exemple.fr")
			m := decode(t, call(t, s, http.MethodPost, "Email/add_forwarder", tt.params, auth))
			if d := cmp.Diff(tt.want, m["data"]); d != "" {
				t.Errorf("add_forwarder data (-want +got):\n%s", d)
			}
		})
	}
	failure(t, call(t, s, http.MethodPost, "Email/add_forwarder", url.Values{"domain": {"asso-exemple.fr"}, "email": {"x"}, "fwdopt": {"teleport"}}, auth),
		"The “fwdopt” parameter value “teleport” is invalid.")
	failure(t, call(t, s, http.MethodPost, "Email/add_forwarder", url.Values{"domain": {"asso-exemple.fr"}, "email": {"x"}, "fwdopt": {"fwd"}, "fwdemail": {"pas-une-adresse"}}, auth),
		"The forwarding address “pas-une-adresse” is not a valid email address.")

	m := decode(t, call(t, s, http.MethodGet, "Email/list_forwarders", url.Values{"domain": {"asso-exemple.fr"}, "regex": {"^bureau"}}, auth))
	want := []any{
		map[string]any{"dest": "bureau@asso-exemple.fr", "forward": "a@gmail.test", "html_dest": "bureau@asso-exemple.fr",
			"html_forward": "a@gmail.test", "uri_dest": "bureau%40asso-exemple.fr", "uri_forward": "a%40gmail.test"},
		map[string]any{"dest": "bureau@asso-exemple.fr", "forward": "b@gmail.test", "html_dest": "bureau@asso-exemple.fr",
			"html_forward": "b@gmail.test", "uri_dest": "bureau%40asso-exemple.fr", "uri_forward": "b%40gmail.test"},
	}
	if d := cmp.Diff(want, m["data"]); d != "" {
		t.Errorf("list_forwarders (-want +got):\n%s", d)
	}
	decode(t, call(t, s, http.MethodPost, "Email/delete_forwarder", url.Values{"address": {"bureau@asso-exemple.fr"}, "forwarder": {"a@gmail.test"}}, auth))
	if d := cmp.Diff([]cpaneltest.Forwarder{
		{Address: "ancien@asso-exemple.fr", Dest: ":fail: No such person at this address"},
		{Address: "bureau@asso-exemple.fr", Dest: "b@gmail.test"},
		{Address: "robot@asso-exemple.fr", Dest: "|/home/assoex/bin/robot"},
		{Address: "root@asso-exemple.fr", Dest: "assoex"},
		{Address: "spam@asso-exemple.fr", Dest: ":blackhole:"},
	}, s.Forwarders()); d != "" {
		t.Errorf("Forwarders after delete_forwarder (-want +got):\n%s", d)
	}
}

// TestPaginate checks the output variables of reference §3, up to the end.
func TestPaginate(t *testing.T) {
	s := cpaneltest.New(user, token)
	t.Cleanup(s.Close)
	s.SeedDemo()
	total := len(s.Mailboxes()) + 1 // and the main account
	tests := []struct {
		name     string
		params   url.Values
		rows     int
		paginate map[string]any
	}{
		{"first page", url.Values{"api.paginate_size": {"10"}}, 10,
			map[string]any{"total_pages": 3.0, "total_results": float64(total), "current_page": 1.0, "results_per_page": 10.0, "start_result": "1"}},
		{"last page", url.Values{"api.paginate_size": {"10"}, "api.paginate_page": {"3"}}, total - 20,
			map[string]any{"total_pages": 3.0, "total_results": float64(total), "current_page": 3.0, "results_per_page": 10.0, "start_result": "21"}},
		{"by start", url.Values{"api.paginate_size": {"10"}, "api.paginate_start": {"11"}}, 10,
			map[string]any{"total_pages": 3.0, "total_results": float64(total), "current_page": 2.0, "results_per_page": 10.0, "start_result": "11"}},
		{"past the end", url.Values{"api.paginate_size": {"10"}, "api.paginate_page": {"4"}}, 0,
			map[string]any{"total_pages": 3.0, "total_results": float64(total), "current_page": 4.0, "results_per_page": 10.0, "start_result": "31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.params.Set("api.paginate", "1")
			m := decode(t, call(t, s, http.MethodGet, "Email/list_pops_with_disk", tt.params, auth))
			if n := len(m["data"].([]any)); n != tt.rows {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			want := map[string]any{"transformed": 1.0, "paginate": tt.paginate}
			if d := cmp.Diff(want, m["metadata"]); d != "" {
				t.Errorf("metadata (-want +got):\n%s", d)
			}
		})
	}
	m := decode(t, call(t, s, http.MethodGet, "Email/list_pops_with_disk", nil, auth))
	if n := len(m["data"].([]any)); n != total {
		t.Errorf("without api.paginate: %d rows, want all %d", n, total)
	}
}

func TestQuotaAndStrength(t *testing.T) {
	s := newServer(t)
	s.SetAccountQuota(10240, 4839.96)
	m := decode(t, call(t, s, http.MethodGet, "Quota/get_quota_info", nil, auth))
	want := map[string]any{"megabytes_used": 5312.46, "megabyte_limit": 10240.0, "megabytes_remain": 4927.54,
		"inodes_used": 3300.0, "inode_limit": 0.0, "inodes_remain": 0.0,
		"under_megabyte_limit": 1.0, "under_inode_limit": 1.0, "under_quota_overall": 1.0}
	if d := cmp.Diff(want, m["data"]); d != "" {
		t.Errorf("get_quota_info (-want +got):\n%s", d)
	}
	s.SetAccountQuota(5000, 4839.96)
	m = decode(t, call(t, s, http.MethodGet, "Quota/get_quota_info", nil, auth))
	if d := m["data"].(map[string]any); d["under_megabyte_limit"] != 0.0 || d["megabytes_remain"] != 0.0 {
		t.Errorf("over the limit: %v", d)
	}

	m = decode(t, call(t, s, http.MethodGet, "PasswdStrength/get_required_strength", url.Values{"app": {"pop"}}, auth))
	if d := cmp.Diff(map[string]any{"strength": 65.0}, m["data"]); d != "" {
		t.Errorf("get_required_strength (-want +got):\n%s", d)
	}
	s.SetRequiredStrength(90)
	pw := "Azerty123!x" // rates between 65 and 90
	if r := cpaneltest.Strength(pw); r < 65 || r >= 90 {
		t.Fatalf("Strength(%q) = %d, the test needs 65..89", pw, r)
	}
	failure(t, call(t, s, http.MethodPost, "Email/passwd_pop", url.Values{"email": {"contact@asso-exemple.fr"}, "password": {pw}}, auth),
		fmt.Sprintf("The password that you entered has a strength rating of “%d”. You cannot use it because it is too weak and too easy to guess. Please enter a password with a strength rating of “90” or higher.", cpaneltest.Strength(pw)))
}

func TestSeedDemo(t *testing.T) {
	s := cpaneltest.New(user, token)
	t.Cleanup(s.Close)
	s.SeedDemo()
	boxes := s.Mailboxes()
	if len(boxes) < 20 {
		t.Errorf("%d mailboxes, want at least 20", len(boxes))
	}
	seen, full, delegates := map[string]bool{}, 0, 0
	for _, b := range boxes {
		seen[b.Address] = true
		if b.QuotaMB > 0 && b.UsedMB > 0.9*float64(b.QuotaMB) {
			full++
		}
		if strings.HasPrefix(b.Address, "delegue") {
			delegates++
		}
		if s.Password(b.Address) == "" {
			t.Errorf("%s has no password", b.Address)
		}
	}
	for _, a := range []string{"delegue75", "tresoriere", "president", "sysadmin", "ca-membre"} {
		if !seen[a+"@anopex.test"] {
			t.Errorf("no mailbox %s@anopex.test", a)
		}
	}
	if full != 1 || delegates < 5 {
		t.Errorf("%d mailboxes over 90 %%, %d delegates; want 1 and several", full, delegates)
	}
	var bureau []string
	for _, f := range s.Forwarders() {
		if f.Address == "bureau@anopex.test" {
			bureau = append(bureau, f.Dest)
		}
	}
	if len(bureau) != 3 {
		t.Errorf("bureau@ forwards to %v, want a list of three", bureau)
	}
}

// TestConcurrent runs reads and writes together; run it with -race.
func TestConcurrent(t *testing.T) {
	s := cpaneltest.New(user, token)
	t.Cleanup(s.Close)
	s.SeedDemo()
	do := func(method, fn string, params url.Values) error {
		req, err := http.NewRequest(method, s.URL()+"/execute/"+fn, strings.NewReader(params.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		resp, err := s.Client().Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var env struct{ Status int }
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Status != 1 {
			return fmt.Errorf("%s: status %d, %v", fn, env.Status, err)
		}
		return nil
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			addr := fmt.Sprintf("membre%02d@anopex.test", i)
			for _, c := range []struct {
				method, fn string
				params     url.Values
			}{
				{http.MethodPost, "Email/add_pop", url.Values{"email": {addr}, "password": {fmt.Sprintf("Kq7-vX9!mZ2#pL4@wR%d_", i)}}},
				{http.MethodGet, "Email/list_pops_with_disk", nil},
				{http.MethodPost, "Email/add_forwarder", url.Values{"domain": {"anopex.test"}, "email": {"tous@anopex.test"}, "fwdopt": {"fwd"}, "fwdemail": {addr}}},
			} {
				if err := do(c.method, c.fn, c.params); err != nil {
					t.Error(err)
				}
			}
			s.Mailboxes()
		})
	}
	wg.Wait()
	if n := len(s.Forwarders()); n != 15 {
		t.Errorf("%d forwarders, want 7 seeded and 8 added", n)
	}
	if n := len(s.Mailboxes()); n != 30 {
		t.Errorf("%d mailboxes, want 22 seeded and 8 added", n)
	}
}
