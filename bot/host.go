package bot

import (
	"context"
	"time"
)

// IPBlocks manages the web server's IP blocker (cPanel BlockIP: it denies
// HTTP access to the account's sites, not IMAP or SMTP). Entries are written
// as the server normalised them ("192.0.2.10", "192.0.2.0/24"). Errors:
// Invalid (the server refused the entry), NotFound (UnblockIP: not
// blocked), Denied, Unavailable. Block and Unblock are writes: never retried.
type IPBlocks interface {
	// BlockedIPs lists the blocked entries.
	BlockedIPs(ctx context.Context) ([]string, error)
	// BlockIP blocks ip (an address or a CIDR range) and returns the
	// entries the server wrote.
	BlockIP(ctx context.Context, ip string) ([]string, error)
	// UnblockIP removes the block on ip.
	UnblockIP(ctx context.Context, ip string) error
}

// Certificate is a TLS certificate stored on the hosting account.
type Certificate struct {
	ID         string
	Domains    []string
	Subject    string // subject common name
	Issuer     string // issuer common name or organisation
	NotBefore  time.Time
	NotAfter   time.Time
	SelfSigned bool
	AutoSSL    bool
	// Hosts are the virtual hosts that serve it (empty: stored, not installed).
	Hosts []string
}

// Certificates lists the account's certificates with the hosts that serve
// them. Errors: Denied, Unavailable.
type Certificates interface {
	Certificates(ctx context.Context) ([]Certificate, error)
}

// LiveCert is the certificate a host presented in a TLS handshake.
type LiveCert struct {
	Host      string // host:port dialled
	Subject   string
	Issuer    string
	DNSNames  []string
	NotAfter  time.Time
	Verified  bool  // the chain and the name verified against the system roots
	VerifyErr error // why not, when Verified is false
}

// TLSProber dials a host and reads its certificate. Errors: Unavailable
// (no connection or no handshake within the timeout). A certificate that
// does not verify is not an error: LiveCert says so.
type TLSProber interface {
	ProbeTLS(ctx context.Context, hostport string) (LiveCert, error)
}

// DNSRecord is one resource record of a zone. Name is absolute with its
// trailing dot, as the zone file has it ("www.anopex.fr."); Data holds the
// RDATA fields (in the order commands/args.go's checkRecord gives them).
type DNSRecord struct {
	Line int // the record's first line in the zone (cPanel's line_index)
	Name string
	TTL  int
	Type string
	Data []string
}

// Zone is a parsed DNS zone with the serial that guards edits.
type Zone struct {
	Name    string
	Serial  string
	Records []DNSRecord // resource records only, SOA included, in file order
}

// ZoneEdit is one atomic change of a zone: records to add, records to
// replace (by Line) and lines to remove.
type ZoneEdit struct {
	Add    []DNSRecord
	Edit   []DNSRecord
	Remove []int
}

// DNSZones reads and edits zones with optimistic locking: EditZone applies
// edit only if the zone's serial is still serial, and returns the new serial.
// Errors: NotFound (no such zone), Conflict (the zone changed since it was
// read), Invalid (the server refused a record), Denied, Unavailable.
// EditZone is a write: never retried.
type DNSZones interface {
	Zone(ctx context.Context, zone string) (Zone, error)
	EditZone(ctx context.Context, zone, serial string, edit ZoneEdit) (string, error)
}

// DiskUsage is the disk space of a hosting account (web, databases and mail
// together), in megabytes.
type DiskUsage struct {
	UsedMB  float64
	LimitMB float64 // 0 means unlimited or quotas disabled
}

// UsedPercent returns the share of the limit in use (0 when unlimited).
func (d DiskUsage) UsedPercent() float64 {
	if d.LimitMB <= 0 {
		return 0
	}
	return 100 * d.UsedMB / d.LimitMB
}

// AccountQuota reads the disk usage of the mail hosting account (cPanel),
// for the disk alerts. Errors: Unavailable, Denied, RateLimited.
type AccountQuota interface {
	AccountQuota(ctx context.Context) (DiskUsage, error)
}

// AutoSSLProblem is an entry of cPanel's AutoSSL problems log: a domain
// AutoSSL could not secure or renew at its last check.
type AutoSSLProblem struct {
	Domain  string
	Problem string // cPanel's text, in English
	Time    time.Time
}

// AutoSSL reads the AutoSSL problems log of the account and starts a check
// (which renews what it can, in the background). Errors: Denied (also: the
// account lacks the sslinstall feature), Unavailable. StartAutoSSL is a
// write: never retried.
type AutoSSL interface {
	AutoSSLProblems(ctx context.Context) ([]AutoSSLProblem, error)
	AutoSSLRunning(ctx context.Context) (bool, error)
	StartAutoSSL(ctx context.Context) error
}

// DirUsage is the disk space used by one entry of a directory, everything
// below it included.
type DirUsage struct {
	Name  string
	Bytes int64
	Dir   bool
}

// DirUsages reads the disk usage of the entries of a directory of the
// account's home ("" is the home), largest first. A directory that does
// not exist has no entries. Errors: Denied, Unavailable.
type DirUsages interface {
	DirUsage(ctx context.Context, path string) ([]DirUsage, error)
}

// Share is one permission that can edit a shared folder (Google Drive).
type Share struct {
	Email string // empty for type anyone or domain
	Role  string // writer, fileOrganizer, organizer or owner
	Type  string // user, group, domain or anyone
}

// FolderEditors lists who can edit the media folder, for the rights
// review. Errors: Unavailable, Denied, NotFound.
type FolderEditors interface {
	Editors(ctx context.Context) ([]Share, error)
}
