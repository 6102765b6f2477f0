// Package mailer sends opsbot's e-mail (tickets to PlanetHoster, requests to
// the contractor CF2D) through the association's SMTP server, with
// github.com/wneessen/go-mail. Every message is plain text in UTF-8, has a
// Message-ID on the association's domain and may be threaded under an
// earlier one. Sending is a write: it is never retried. Tickets (tickets.go)
// is the bot.Tickets of a provider without a ticket API: a ticket is a thread
// of e-mails to its support address, kept in the store.
//
// Sources: go-mail v0.8.1's source (client.go: TLSMandatory, WithSSL, the
// dial errors wrapped with %w; senderror.go: SendError has no Unwrap, so
// its code is read with ErrorCode), RFC 3207 (STARTTLS; 530 "must issue a
// STARTTLS command first"), RFC 4954 (535 authentication refused), RFC 5322
// (Reply-To, In-Reply-To, References). Checked against a real server,
// mailpit (real_test.go): its raw messages, and the refusals of a wrong
// password, of tls none where STARTTLS is required, of an untrusted
// certificate and of implicit TLS to a STARTTLS port.
package mailer

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/rs/zerolog"
	mail "github.com/wneessen/go-mail"

	"github.com/anopex/opsbot/bot"
)

const provider = "mailer"

// Options describe the SMTP server, its credentials and the sender.
type Options struct {
	Host     string // smtp.anopex.fr
	Port     int    // default 587 (465 with TLS "tls")
	Username string // empty: no authentication
	Password bot.Secret
	From     string // the association's sending address
	FromName string // "Anopex — opsbot"
	// TLS is "starttls" (default: STARTTLS is mandatory), "tls" (implicit
	// TLS, port 465) or "none" (only to a loopback server, as in tests).
	TLS string
	// TLSConfig overrides the TLS settings (tests give their CA here); nil
	// means the system roots and Host as server name.
	TLSConfig *tls.Config
	// CAFile is a PEM file of authorities to trust instead of the system's
	// (a private CA); it replaces TLSConfig.
	CAFile string
	// ReplyTo is where answers go (the administrator, not the bot's
	// mailbox); empty: no Reply-To.
	ReplyTo string
	// Timeout bounds the dial and each SMTP command (default 30 s).
	Timeout time.Duration
	// Now is the clock of the Date header and the Message-IDs (default time.Now).
	Now func() time.Time
	Log zerolog.Logger
}

// Client sends e-mail. It is safe for concurrent use: each Send opens its own
// SMTP session.
type Client struct {
	set  Options
	opts []mail.Option // of every session's go-mail client, the password in them
	log  zerolog.Logger
}

var _ bot.MailSender = (*Client)(nil)

// New checks the options and returns a client. The password is revealed
// here only; it is handed to go-mail for each session and never logged.
func New(s Options) (*Client, error) {
	if s.Host == "" {
		return nil, errors.New("mailer: the SMTP host is required")
	}
	from, err := bot.NormalizeEmail(s.From)
	if err != nil {
		return nil, fmt.Errorf("mailer: from %q is not an address", s.From)
	}
	s.From = from
	if strings.ContainsFunc(s.FromName, unicode.IsControl) {
		return nil, errors.New("mailer: the sender name holds a control character")
	}
	var policy mail.Option
	switch s.TLS {
	case "", "starttls":
		s.TLS, policy = "starttls", mail.WithTLSPolicy(mail.TLSMandatory)
	case "tls":
		policy = mail.WithSSL()
	case "none":
		if ip := net.ParseIP(s.Host); s.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("mailer: tls none is only for a loopback server, not %s", s.Host)
		}
		policy = mail.WithTLSPolicy(mail.NoTLS)
	default:
		return nil, fmt.Errorf("mailer: tls %q: write starttls, tls or none", s.TLS)
	}
	if s.ReplyTo != "" {
		if s.ReplyTo, err = bot.NormalizeEmail(s.ReplyTo); err != nil {
			return nil, fmt.Errorf("mailer: reply-to %q is not an address", s.ReplyTo)
		}
	}
	if s.CAFile != "" {
		b, err := os.ReadFile(s.CAFile)
		pool := x509.NewCertPool()
		if err != nil || !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("mailer: ca_file %s holds no PEM certificate (%v)", s.CAFile, err)
		}
		s.TLSConfig = &tls.Config{RootCAs: pool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	if s.Port == 0 {
		s.Port = 587
		if s.TLS == "tls" {
			s.Port = 465
		}
	}
	s.Timeout = cmp.Or(s.Timeout, 30*time.Second)
	if s.Now == nil {
		s.Now = time.Now
	}
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(s.Timeout), policy}
	if s.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(s.TLSConfig))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(s.Username), mail.WithPassword(s.Password.Reveal()))
	}
	return &Client{set: s, opts: opts, log: s.Log.With().Str("component", provider).Logger()}, nil
}

// From returns the sending address.
func (c *Client) From() string { return c.set.From }

// Send delivers e and returns its Message-ID. Bad headers (a subject with a
// line break, a malformed Message-ID) are refused before any connection,
// with kind Invalid, so nothing can be injected into the message.
func (c *Client) Send(ctx context.Context, e bot.Email) (string, error) {
	const op = "send mail"
	m, id, err := c.message(e)
	if err != nil {
		return "", &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
	}
	cl, err := mail.NewClient(c.set.Host, c.opts...)
	if err != nil {
		return "", &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err}
	}
	start := time.Now()
	err = cl.DialAndSendWithContext(ctx, m)
	c.log.Debug().Str("message_id", id).Int("recipients", len(e.To)+len(e.Cc)).Dur("duration", time.Since(start)).Err(err).Msg("smtp")
	if err != nil {
		return "", c.fail(ctx, op, err)
	}
	return id, nil
}

// message builds the go-mail message of e.
func (c *Client) message(e bot.Email) (*mail.Msg, string, error) {
	if len(e.To) == 0 {
		return nil, "", errors.New("no recipient")
	}
	m := mail.NewMsg()
	if err := m.FromFormat(c.set.FromName, c.set.From); err != nil {
		return nil, "", fmt.Errorf("from: %w", err)
	}
	if c.set.ReplyTo != "" {
		if err := m.ReplyTo(c.set.ReplyTo); err != nil {
			return nil, "", fmt.Errorf("reply-to: %w", err)
		}
	}
	for _, list := range []struct {
		h     mail.AddrHeader
		addrs []string
	}{{mail.HeaderTo, e.To}, {mail.HeaderCc, e.Cc}} {
		var norm []string
		for _, a := range list.addrs {
			n, err := bot.NormalizeEmail(a)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %q is not an address", list.h, a)
			}
			norm = append(norm, n)
		}
		if len(norm) > 0 {
			if err := m.SetAddrHeader(list.h, norm...); err != nil {
				return nil, "", fmt.Errorf("%s: %w", list.h, err)
			}
		}
	}
	if e.Subject == "" || strings.ContainsFunc(e.Subject, unicode.IsControl) {
		return nil, "", errors.New("the subject is empty or holds a control character")
	}
	m.Subject(e.Subject)
	id := e.MessageID
	if id == "" {
		id = bot.NewMessageID(c.set.From, c.set.Now())
	}
	ids := append([]string{id}, e.References...)
	if e.InReplyTo != "" {
		ids = append(ids, e.InReplyTo)
	}
	if i := slices.IndexFunc(ids, func(s string) bool { return !validID(s) }); i >= 0 {
		return nil, "", fmt.Errorf("malformed Message-ID, In-Reply-To or reference %q", ids[i])
	}
	m.SetMessageIDWithValue(id)
	if e.InReplyTo != "" {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+e.InReplyTo+">")
	}
	if len(e.References) > 0 {
		m.SetGenHeader(mail.HeaderReferences, "<"+strings.Join(e.References, "> <")+">")
	}
	m.SetDateWithValue(c.set.Now())
	m.SetBodyString(mail.TypeTextPlain, e.Body)
	return m, id, nil
}

// validID accepts a Message-ID value without angle brackets: "left@right",
// both sides of printable ASCII without spaces, brackets or quotes.
func validID(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 250 || strings.Count(s, "@") != 1 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' || strings.ContainsRune(`<>()[]\",;:`, r) {
			return false
		}
	}
	return true
}

// kindOf maps an SMTP failure: authentication refused is Denied, a
// permanent refusal of an address or the message is Invalid, everything
// else (connection, timeout, temporary 4xx) is Unavailable.
func kindOf(ctx context.Context, err error) bot.Kind {
	if ctx.Err() != nil {
		return bot.Unavailable
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		switch {
		case se.IsTemp():
			return bot.Unavailable
		case se.ErrorCode() >= 500:
			return bot.Invalid // MAIL FROM, RCPT TO or DATA refused for good
		}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		switch {
		case te.Code == 530 || te.Code == 534 || te.Code == 535 || te.Code == 538:
			return bot.Denied
		case te.Code >= 500:
			return bot.Invalid
		}
		return bot.Unavailable
	}
	if errors.Is(err, mail.ErrPlainAuthNotSupported) || strings.Contains(err.Error(), "does not support SMTP AUTH") {
		return bot.Denied
	}
	return bot.Unavailable
}

// fail maps a failed session to an error. Those only a setting fixes get
// their own sentence: a refused login, STARTTLS required while tls is
// none (a 530, or no AUTH offered in clear), a certificate not trusted,
// implicit TLS to a port that speaks plain SMTP first (the greeting is no
// TLS record). None of them sent anything.
func (c *Client) fail(ctx context.Context, op string, err error) error {
	kind, code, msg := kindOf(ctx, err), 0, strings.ToLower(err.Error())
	var (
		te *textproto.Error
		se *mail.SendError
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		rh tls.RecordHeaderError
		ue *bot.UserError
	)
	if errors.As(err, &te) {
		code = te.Code
	} else if errors.As(err, &se) {
		code = se.ErrorCode()
	}
	switch {
	case ctx.Err() != nil:
	case c.set.TLS == "none" && (code == 530 || strings.Contains(msg, "starttls") || kind == bot.Denied && c.set.Username != "" &&
		(errors.Is(err, mail.ErrPlainAuthNotSupported) || strings.Contains(msg, "does not support smtp auth"))):
		ue = bot.Userf("Le serveur SMTP exige une connexion chiffrée : mettez smtp.tls à starttls (ou tls sur le port 465).",
			"The SMTP server requires an encrypted connection: set smtp.tls to starttls (or tls on port 465).")
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he):
		ue = bot.Userf("Le certificat du serveur SMTP %s n'est pas reconnu : donnez l'autorité qui l'a signé dans smtp.ca_file, ou vérifiez smtp.host.",
			"The certificate of SMTP server %s is not trusted: give its authority in smtp.ca_file, or check smtp.host.", c.set.Host)
	case errors.As(err, &rh):
		ue = bot.Userf("Le port %d du serveur SMTP commence en clair (STARTTLS) : mettez smtp.tls à starttls, ou le port du TLS direct (465).",
			"Port %d of the SMTP server starts in clear (STARTTLS): set smtp.tls to starttls, or the implicit TLS port (465).", c.set.Port)
	case kind == bot.Denied:
		ue = bot.Userf("Le serveur SMTP refuse l'identifiant ou le mot de passe : vérifiez smtp.user et smtp.password.",
			"The SMTP server refuses the user or the password: check smtp.user and smtp.password.")
	}
	if ue != nil {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Denied, Err: fmt.Errorf("%w: %w", ue, err)}
	}
	return &bot.Error{Provider: provider, Op: op, Kind: kind, Err: err}
}

// Check tests the settings and the credentials: it connects, negotiates TLS,
// authenticates and quits without sending anything.
func (c *Client) Check(ctx context.Context) error {
	cl, err := mail.NewClient(c.set.Host, c.opts...)
	if err != nil {
		return &bot.Error{Provider: provider, Op: "check", Kind: bot.Internal, Err: err}
	}
	sc, err := cl.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return c.fail(ctx, "check", err)
	}
	return cl.CloseWithSMTPClient(sc)
}
