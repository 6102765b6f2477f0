package cpaneltest

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
)

// Mailbox is a snapshot of one mailbox of the fake.
type Mailbox struct {
	Address           string
	QuotaMB           int // 0: unlimited
	UsedMB            float64
	SuspendedLogin    bool
	SuspendedIncoming bool
}

// Forwarder is a snapshot of one forwarding rule: mail to Address also goes
// to Dest.
type Forwarder struct{ Address, Dest string }

// AddDomain adds a domain to the account; the first one is the main domain.
func (s *Server) AddDomain(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addDomain(strings.ToLower(domain))
}

func (s *Server) addDomain(d string) {
	if !slices.Contains(s.domains, d) {
		s.domains = append(s.domains, d)
	}
}

// AddMailbox creates a mailbox (and its domain if new) with a quota (0:
// unlimited), a usage and a random password. It panics on an address
// without a domain: seeding is the test's own code.
func (s *Server) AddMailbox(addr string, quotaMB int, usedMB float64) {
	addr = strings.ToLower(addr)
	_, domain, ok := strings.Cut(addr, "@")
	if !ok || domain == "" {
		panic("cpaneltest: AddMailbox(" + addr + "): not an address")
	}
	b := make([]byte, 12)
	rand.Read(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addDomain(domain)
	s.boxes[addr] = &box{quotaMB: quotaMB, usedMB: usedMB, password: hex.EncodeToString(b)}
}

// SetUsage changes the disk usage of a mailbox (for quota alerts); it
// reports false if there is no such mailbox.
func (s *Server) SetUsage(addr string, usedMB float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[strings.ToLower(addr)]
	if ok {
		b.usedMB = usedMB
	}
	return ok
}

// SetSuspended sets the login and incoming suspension flags of a mailbox;
// it reports false if there is no such mailbox.
func (s *Server) SetSuspended(addr string, login, incoming bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[strings.ToLower(addr)]
	if ok {
		b.suspendedLogin, b.suspendedIncoming = login, incoming
	}
	return ok
}

// AddForwarder makes mail to addr also go to dest (and adds addr's domain).
func (s *Server) AddForwarder(addr, dest string) {
	addr, dest = strings.ToLower(addr), strings.ToLower(dest)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, d, ok := strings.Cut(addr, "@"); ok {
		s.addDomain(d)
	}
	if !slices.Contains(s.fwds, forwarder{addr, dest}) {
		s.fwds = append(s.fwds, forwarder{addr, dest})
	}
}

// Password returns the current password of a mailbox ("" if there is none),
// so that a test can check a password change.
func (s *Server) Password(addr string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.boxes[strings.ToLower(addr)]; ok {
		return b.password
	}
	return ""
}

// Mailboxes returns every mailbox, sorted by address.
func (s *Server) Mailboxes() []Mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Mailbox, 0, len(s.boxes))
	for _, a := range s.sortedAddresses() {
		b := s.boxes[a]
		out = append(out, Mailbox{Address: a, QuotaMB: b.quotaMB, UsedMB: b.usedMB,
			SuspendedLogin: b.suspendedLogin, SuspendedIncoming: b.suspendedIncoming})
	}
	return out
}

// Forwarders returns every forwarding rule, sorted by address then in the
// order they were added.
func (s *Server) Forwarders() []Forwarder {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Forwarder, 0, len(s.fwds))
	for _, f := range s.fwds {
		out = append(out, Forwarder{Address: f.dest, Dest: f.forward})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// SetAccountQuota sets the account's disk limit in MB (0: unlimited) and
// the space used outside mailboxes (web site, databases).
func (s *Server) SetAccountQuota(limitMB, otherUsedMB float64) {
	s.mu.Lock()
	s.limitMB, s.otherMB = limitMB, otherUsedMB
	s.mu.Unlock()
}

// SetRequiredStrength sets the password strength the server requires
// (default RequiredStrength).
func (s *Server) SetRequiredStrength(n int) { s.mu.Lock(); s.strength = n; s.mu.Unlock() }

// DemoDomain is the domain SeedDemo fills.
const DemoDomain = "anopex.test"

// SeedDemo fills the account with the demo association on anopex.test:
// 22 mailboxes (the board, the shared addresses and twelve département
// delegates), delegue13@ over 90 % of its quota, delegue59@'s login
// suspended, archives@ unlimited; the distribution list bureau@ (president,
// treasurer, secretary) and single forwarders (webmaster@, postmaster@,
// dpo@, delegue75@ to a personal address); a 20 GB account.
func (s *Server) SeedDemo() {
	s.AddDomain(DemoDomain)
	for _, m := range []struct {
		local   string
		quotaMB int
		usedMB  float64
	}{
		{"sysadmin", 2048, 612.4}, {"tresoriere", 1024, 388.2}, {"president", 1024, 455.9},
		{"ca-membre", 1024, 96.3}, {"secretaire", 1024, 301.7}, {"vice-president", 1024, 142},
		{"contact", 4096, 1720.5}, {"adhesions", 2048, 830.1}, {"communication", 1024, 77.8},
		{"archives", 0, 1120.4},
		{"delegue06", 512, 120.4}, {"delegue13", 1024, 968.7}, {"delegue29", 512, 45},
		{"delegue31", 512, 210.6}, {"delegue33", 512, 330.2}, {"delegue44", 512, 12.9},
		{"delegue59", 512, 260}, {"delegue67", 512, 88.1}, {"delegue69", 512, 402.5},
		{"delegue75", 1024, 517.3}, {"delegue92", 512, 133.3}, {"delegue974", 512, 58.7},
	} {
		s.AddMailbox(m.local+"@"+DemoDomain, m.quotaMB, m.usedMB)
	}
	s.SetSuspended("delegue59@"+DemoDomain, true, false)
	for _, f := range [][2]string{
		{"bureau", "president"}, {"bureau", "tresoriere"}, {"bureau", "secretaire"},
		{"webmaster", "sysadmin"}, {"postmaster", "sysadmin"}, {"dpo", "president"},
	} {
		s.AddForwarder(f[0]+"@"+DemoDomain, f[1]+"@"+DemoDomain)
	}
	s.AddForwarder("delegue75@"+DemoDomain, "dominique.delegue75@example.org")
	s.SetAccountQuota(20480, 1843.2)
}
