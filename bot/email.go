package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// Email is one plain-text e-mail opsbot sends (a ticket to a provider
// without a ticket API, a request to the maintenance contractor).
type Email struct {
	To      []string
	Cc      []string
	Subject string // one line
	Body    string // plain text
	// MessageID is the Message-ID without angle brackets. Senders fill it
	// when empty; callers that must record it before sending set it with
	// NewMessageID.
	MessageID string
	// InReplyTo and References thread a follow-up under an earlier message
	// (Message-IDs without angle brackets).
	InReplyTo  string
	References []string
}

// MailSender sends e-mail through the association's SMTP server. Errors:
// Invalid (an address or header the server or the sender refuses), Denied
// (authentication), Unavailable (server unreachable, timeout, temporary
// refusal). Send is a write: never retried.
type MailSender interface {
	// Send delivers e and returns its Message-ID (without angle brackets).
	Send(ctx context.Context, e Email) (string, error)
}

// NewMessageID returns a unique Message-ID value for a message from the
// address from: 24 random hex digits, the date, and from's domain (never the
// machine's host name).
func NewMessageID(from string, now time.Time) string {
	var b [12]byte
	rand.Read(b[:])
	domain := from[strings.LastIndexByte(from, '@')+1:]
	if domain == "" || domain == from {
		domain = "opsbot.invalid"
	}
	return now.UTC().Format("20060102150405") + "." + hex.EncodeToString(b[:]) + "@" + domain
}
