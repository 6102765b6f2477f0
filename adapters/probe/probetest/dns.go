package probetest

import (
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// DNS is a small authoritative DNS server on 127.0.0.1 (UDP) whose records a
// test sets and changes. A name it has no record of at all answers
// NXDOMAIN; a known name without the asked type answers an empty NOERROR.
type DNS struct {
	srv   *dns.Server
	addr  string
	mu    sync.Mutex
	rrs   map[string][]dns.RR // fqdn → records
	rcode int                 // when not success, every answer carries it
	count int
}

// NewDNS starts the server.
func NewDNS() (*DNS, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &DNS{addr: pc.LocalAddr().String(), rrs: map[string][]dns.RR{}}
	started := make(chan struct{})
	d.srv = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(d.serve), NotifyStartedFunc: func() { close(started) }}
	go d.srv.ActivateAndServe()
	<-started
	return d, nil
}

// Addr returns the server's "127.0.0.1:port".
func (d *DNS) Addr() string { return d.addr }

// Close stops the server.
func (d *DNS) Close() { d.srv.Shutdown() }

// Queries returns how many queries the server answered.
func (d *DNS) Queries() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.count
}

// Set replaces the records of type typ ("A", "AAAA", "MX", "TXT") of name
// by values, written as in a zone file after the type ("10 mail.anopex.test.",
// "192.0.2.1"); a TXT value is the text itself, quoted here. No value
// removes them.
func (d *DNS) Set(name, typ string, values ...string) error {
	fq := dns.Fqdn(strings.ToLower(name))
	t, ok := dns.StringToType[strings.ToUpper(typ)]
	if !ok {
		return fmt.Errorf("dns: unknown type %q", typ)
	}
	var rrs []dns.RR
	for _, v := range values {
		if t == dns.TypeTXT {
			rrs = append(rrs, &dns.TXT{Hdr: dns.RR_Header{Name: fq, Rrtype: t, Class: dns.ClassINET, Ttl: 300}, Txt: []string{v}})
			continue
		}
		rr, err := dns.NewRR(fmt.Sprintf("%s 300 IN %s %s", fq, strings.ToUpper(typ), v))
		if err != nil {
			return fmt.Errorf("dns: %s %s %q: %w", name, typ, v, err)
		}
		rrs = append(rrs, rr)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	kept := d.rrs[fq][:0:0]
	for _, rr := range d.rrs[fq] {
		if rr.Header().Rrtype != t {
			kept = append(kept, rr)
		}
	}
	d.rrs[fq] = append(kept, rrs...)
	return nil
}

// Fail makes every answer carry rcode (dns.RcodeServerFailure, …);
// dns.RcodeSuccess restores normal answers.
func (d *DNS) Fail(rcode int) {
	d.mu.Lock()
	d.rcode = rcode
	d.mu.Unlock()
}

func (d *DNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative, m.RecursionAvailable = true, true
	d.mu.Lock()
	d.count++
	switch {
	case d.rcode != dns.RcodeSuccess:
		m.Rcode = d.rcode
	case len(req.Question) != 1:
		m.Rcode = dns.RcodeFormatError
	default:
		q := req.Question[0]
		rrs, known := d.rrs[strings.ToLower(q.Name)]
		if !known || len(rrs) == 0 {
			m.Rcode = dns.RcodeNameError
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, dns.Copy(rr))
			}
		}
	}
	d.mu.Unlock()
	w.WriteMsg(m)
}
