package mailer_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/bot"
)

// mailpitBinary finds mailpit (github.com/axllent/mailpit, which .ci/run
// installs with go install): $OPSBOT_MAILPIT, else on PATH or in
// $HOME/go/bin. Without it the test is skipped, saying why; when
// OPSBOT_MAILPIT names it (CI does), a missing binary fails.
func mailpitBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OPSBOT_MAILPIT"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("OPSBOT_MAILPIT=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	home, _ := os.UserHomeDir()
	if p := filepath.Join(home, "go", "bin", "mailpit"); home != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("real SMTP server not available: go install github.com/axllent/mailpit@v1.33.1 (see README)")
	return ""
}

// mailpit starts a real SMTP server on loopback with the extra flags and
// returns its SMTP port and the base URL of its API; it stops with the test.
func mailpit(t *testing.T, flags ...string) (int, string) {
	t.Helper()
	bin, dir := mailpitBinary(t), t.TempDir()
	smtpPort, apiPort := freePort(t), freePort(t)
	api := fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	cmd := exec.Command(bin, append([]string{"--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort), "--listen", strings.TrimPrefix(api, "http://"),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--smtp-disable-rdns", "--quiet"}, flags...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 100 {
		if resp, err := http.Get(api + "/api/v1/info"); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", smtpPort)); err == nil {
				c.Close()
				return smtpPort, api
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailpit did not start on %d/%d", smtpPort, apiPort)
	return 0, ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// certFiles writes a self-signed certificate for 127.0.0.1 and its key.
func certFiles(t *testing.T) (cert, key string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailpit"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// TestRealSMTP sends each kind of e-mail opsbot sends (a PlanetHoster
// ticket, its threaded reply, a letter to CF2D with a copy) through mailpit
// with STARTTLS, a private CA (smtp.ca_file) and authentication, and reads
// each raw message back from mailpit's API; then the settings that cannot
// work, each with its own sentence.
func TestRealSMTP(t *testing.T) {
	cert, key := certFiles(t)
	auth := filepath.Join(t.TempDir(), "auth")
	os.WriteFile(auth, []byte("opsbot@anopex.test:"+password+"\n"), 0o600)
	port, api := mailpit(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls", "--smtp-auth-file", auth)
	opts := mailer.Options{Host: "127.0.0.1", Port: port, Username: "opsbot@anopex.test", Password: bot.NewSecret(password),
		From: "opsbot@anopex.test", FromName: "Anopex — opsbot", CAFile: cert, ReplyTo: "sysadmin@anopex.test", Timeout: 5 * time.Second}
	c, err := mailer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	tickets := &mailer.Tickets{Provider: "planethoster", Ref: "ph", Account: "anopex.fr", From: c.From(), To: "support@planethoster.test",
		Sign: "Association Anopex", Mail: c, Store: &memTickets{}}
	tk, err := tickets.Open(t.Context(), "Certificat expiré : « mail.anopex.test »", "Bonjour,\nle certificat a expiré.")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if err := tickets.Reply(t.Context(), tk.ID, "Une relance, merci."); err != nil {
		t.Fatalf("Reply = %v", err)
	}
	if _, err := c.Send(t.Context(), bot.Email{To: []string{"contact@cf2d.test"}, Cc: []string{"tresoriere@anopex.test"},
		Subject: "Demande d'évolution W751234567", Body: "Madame, Monsieur,\n" + strings.Repeat("Une ligne accentuée — é à ç. ", 10)}); err != nil {
		t.Fatalf("Send (CF2D) = %v", err)
	}

	raw := rawMessages(t, api)
	if len(raw) != 3 {
		t.Fatalf("mailpit holds %d messages, want 3", len(raw))
	}
	open, reply, letter := raw[0], raw[1], raw[2]
	dec := new(mime.WordDecoder)
	for _, m := range raw {
		from, _ := dec.DecodeHeader(m.Header.Get("From"))
		if from != `"Anopex — opsbot" <opsbot@anopex.test>` && from != "Anopex — opsbot <opsbot@anopex.test>" ||
			m.Header.Get("Reply-To") != "<sysadmin@anopex.test>" || m.Header.Get("Date") == "" ||
			!strings.HasSuffix(m.Header.Get("Message-Id"), "@anopex.test>") || m.Header.Get("Bcc") != "" ||
			!strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain; charset=UTF-8") {
			t.Errorf("headers %v", m.Header)
		}
	}
	if s, _ := dec.DecodeHeader(open.Header.Get("Subject")); s != "Certificat expiré : « mail.anopex.test »" ||
		!strings.Contains(open.body, "Référence interne : ph-1 ") || !strings.Contains(open.body, "Compte client : anopex.fr") {
		t.Errorf("ticket: subject %q, body %q", s, open.body)
	}
	if reply.Header.Get("In-Reply-To") != open.Header.Get("Message-Id") || reply.Header.Get("References") != open.Header.Get("Message-Id") {
		t.Errorf("reply not threaded: %v", reply.Header)
	}
	if letter.Header.Get("Cc") != "<tresoriere@anopex.test>" || !strings.Contains(letter.body, "accentuée — é à ç") {
		t.Errorf("letter: %v %q", letter.Header, letter.body)
	}

	bad := []struct {
		name string
		o    func(*mailer.Options)
		says string
	}{
		{"wrong password", func(o *mailer.Options) { o.Password = bot.NewSecret("wrong-Pa55") }, "smtp.user et smtp.password"},
		{"tls none, STARTTLS required", func(o *mailer.Options) { o.TLS = "none" }, "mettez smtp.tls à starttls"},
		{"tls none, STARTTLS required, no login", func(o *mailer.Options) { o.TLS, o.Username = "none", "" }, "mettez smtp.tls à starttls"},
		{"certificate not trusted", func(o *mailer.Options) { o.CAFile = "" }, "smtp.ca_file"},
		{"implicit tls to the STARTTLS port", func(o *mailer.Options) { o.TLS = "tls" }, "commence en clair"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			tt.o(&o)
			c, err := mailer.New(o)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(t.Context(), bot.Email{To: []string{"a@b.test"}, Subject: "x", Body: "y"})
			if text := bot.ErrorText(bot.FR, err, "r"); bot.KindOf(err) != bot.Denied || !strings.Contains(text, tt.says) {
				t.Errorf("Send = %v, reads %q; want denied saying %q", err, text, tt.says)
			}
		})
	}
	if n := len(rawMessages(t, api)); n != 3 {
		t.Errorf("mailpit holds %d messages after the refusals, want 3", n)
	}
}

type rawMessage struct {
	Header mail.Header
	body   string
}

// rawMessages reads every message mailpit holds, oldest first, as sent.
// API: GET /api/v1/messages, GET /api/v1/message/{ID}/raw (mailpit's
// API docs), the text body from GET /api/v1/message/{ID}.
func rawMessages(t *testing.T, api string) []rawMessage {
	t.Helper()
	var list struct{ Messages []struct{ ID string } }
	getJSON(t, api+"/api/v1/messages", &list)
	var out []rawMessage
	for i := len(list.Messages) - 1; i >= 0; i-- { // newest first
		id := list.Messages[i].ID
		resp, err := http.Get(api + "/api/v1/message/" + id + "/raw")
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(resp.Body)
		if err != nil {
			t.Fatalf("raw message %s: %v", id, err)
		}
		resp.Body.Close()
		var full struct{ Text string }
		getJSON(t, api+"/api/v1/message/"+id, &full)
		out = append(out, rawMessage{Header: m.Header, body: full.Text})
	}
	return out
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}
