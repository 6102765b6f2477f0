// Package mailertest is a small SMTP server on loopback for tests and the
// demo (github.com/emersion/go-smtp). It offers STARTTLS with a certificate
// made at start, requires PLAIN authentication after STARTTLS when it was
// given credentials, records every message (headers decoded, body decoded
// from quoted-printable or base64), and can refuse the next commands with a
// chosen SMTP code. It shares no type with the client.
package mailertest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	ID         int      // 1, 2, … in arrival order
	From       string   // envelope sender
	To         []string // envelope recipients
	Subject    string   // decoded
	MessageID  string   // without angle brackets
	InReplyTo  string   // without angle brackets
	References string
	Header     mail.Header
	Body       string // decoded text
	Raw        []byte
}

// Line is how the demo shows a message: "mail to ADDRESS: SUBJECT".
func (m Message) Line() string {
	return fmt.Sprintf("mail to %s: %s", strings.Join(m.To, ", "), m.Subject)
}

// Server is the fake SMTP server.
type Server struct {
	srv      *smtp.Server
	ln       net.Listener
	pool     *x509.CertPool
	certPEM  []byte
	user     string
	password string

	mu     sync.Mutex
	msgs   []Message
	onMsg  func(Message)
	reject map[string]*rejection // "mail", "rcpt", "data" → next refusals
	conns  int
}

type rejection struct {
	n    int
	code int
	msg  string
}

// New starts a server on 127.0.0.1 with a fresh certificate. When user is
// not empty, sending requires STARTTLS then AUTH PLAIN with user/password.
func New(user, password string) *Server {
	cert, pool, err := selfSigned()
	if err != nil {
		panic(fmt.Sprintf("mailertest: certificate: %v", err))
	}
	s := &Server{pool: pool, user: user, password: password, reject: map[string]*rejection{},
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "mail.anopex.test"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.MaxRecipients = 50
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("mailertest: listen: %v", err))
	}
	s.ln = &countingListener{Listener: ln, s: s}
	go s.srv.Serve(s.ln)
	return s
}

// Host returns the server's host (127.0.0.1).
func (s *Server) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port returns the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Addr returns host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// TLSConfig returns a client TLS configuration that trusts the server.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: s.Host(), MinVersion: tls.VersionTLS12}
}

// CAPEM returns the server's certificate (its own authority) in PEM, the
// content of a file for smtp.ca_file.
func (s *Server) CAPEM() []byte { return s.certPEM }

// Close stops the server. The listener is closed here too: Serve may not
// have registered it with the server yet.
func (s *Server) Close() {
	s.ln.Close()
	s.srv.Close()
}

// Messages returns the accepted messages, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections returns how many TCP connections the server accepted.
func (s *Server) Connections() int { s.mu.Lock(); defer s.mu.Unlock(); return s.conns }

// OnMessage sets a function called with each accepted message (the demo
// prints m.Line()). It runs on the server's goroutine.
func (s *Server) OnMessage(fn func(Message)) { s.mu.Lock(); s.onMsg = fn; s.mu.Unlock() }

// RejectNext makes the next n commands of stage ("mail", "rcpt" or "data")
// fail with code and msg: 4xx is a temporary refusal, 5xx a permanent one.
func (s *Server) RejectNext(stage string, n, code int, msg string) {
	s.mu.Lock()
	s.reject[stage] = &rejection{n: n, code: code, msg: msg}
	s.mu.Unlock()
}

func (s *Server) refuse(stage string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reject[stage]
	if r == nil || r.n == 0 {
		return nil
	}
	r.n--
	return &smtp.SMTPError{Code: r.code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: r.msg}
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if ss.s.user == "" || user != ss.s.user || pass != ss.s.password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if err := ss.s.refuse("mail"); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.refuse("rcpt"); err != nil {
		return err
	}
	if !strings.Contains(to, "@") {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.refuse("data"); err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	ss.s.mu.Lock()
	m.ID = len(ss.s.msgs) + 1
	ss.s.msgs = append(ss.s.msgs, m)
	fn := ss.s.onMsg
	ss.s.mu.Unlock()
	if fn != nil {
		fn(m)
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// parse decodes the headers and the single text body of a message.
func parse(raw []byte) (Message, error) {
	pm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(pm.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	body, err := io.ReadAll(pm.Body)
	if err != nil {
		return Message{}, err
	}
	switch strings.ToLower(pm.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	case "base64":
		body, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	}
	if err != nil {
		return Message{}, fmt.Errorf("body: %w", err)
	}
	trim := func(s string) string { return strings.Trim(strings.TrimSpace(s), "<>") }
	return Message{
		Subject: subject, MessageID: trim(pm.Header.Get("Message-ID")), InReplyTo: trim(pm.Header.Get("In-Reply-To")),
		References: pm.Header.Get("References"), Header: pm.Header, Body: strings.ReplaceAll(string(body), "\r\n", "\n"), Raw: raw,
	}, nil
}

// selfSigned makes a certificate for 127.0.0.1 valid for a day, and a pool
// that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "mailertest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns++
		l.s.mu.Unlock()
	}
	return c, err
}
