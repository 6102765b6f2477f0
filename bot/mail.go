package bot

import "context"

// Mailbox is one mailbox of the association's mail server.
type Mailbox struct {
	Address           string  // full address, lower case
	QuotaMB           int     // 0 means unlimited
	UsedMB            float64 // disk used
	SuspendedLogin    bool
	SuspendedIncoming bool
}

// UsedPercent returns the share of the quota in use (0 when unlimited).
func (m Mailbox) UsedPercent() float64 {
	if m.QuotaMB <= 0 {
		return 0
	}
	return 100 * m.UsedMB / float64(m.QuotaMB)
}

// Forwarder is one forwarding rule: mail to Address also goes to Dest. An
// address with several forwarders is a distribution list.
type Forwarder struct {
	Address string
	Dest    string
}

// Mailboxes lists and reads mailboxes. Errors: Unavailable, Denied; Mailbox
// returns NotFound for an unknown address.
type Mailboxes interface {
	// Mailboxes returns every mailbox with its usage.
	Mailboxes(ctx context.Context) ([]Mailbox, error)
	// Mailbox returns one mailbox.
	Mailbox(ctx context.Context, address string) (Mailbox, error)
}

// MailboxAdmin changes mailboxes. Errors: NotFound (unknown address), Conflict
// (already exists), Invalid (weak password, quota over the maximum),
// Unavailable, Denied. Writes are never retried.
type MailboxAdmin interface {
	CreateMailbox(ctx context.Context, address string, password Secret, quotaMB int) error
	DeleteMailbox(ctx context.Context, address string) error
	SetPassword(ctx context.Context, address string, password Secret) error
	SetQuota(ctx context.Context, address string, quotaMB int) error
}

// MailboxLogin suspends and restores a mailbox's login (IMAP, POP, SMTP,
// webmail); the mailbox keeps receiving mail. Errors as MailboxAdmin.
type MailboxLogin interface {
	SuspendLogin(ctx context.Context, address string) error
	UnsuspendLogin(ctx context.Context, address string) error
}

// Forwarders manages forwarders and distribution lists. Errors as
// MailboxAdmin; DeleteForwarder returns NotFound for an unknown rule.
type Forwarders interface {
	// Forwarders returns the rules of domain.
	Forwarders(ctx context.Context, domain string) ([]Forwarder, error)
	AddForwarder(ctx context.Context, address, dest string) error
	DeleteForwarder(ctx context.Context, address, dest string) error
}

// Mail is every mail capability together, as the cPanel client provides it.
type Mail interface {
	Mailboxes
	MailboxAdmin
	MailboxLogin
	Forwarders
}
