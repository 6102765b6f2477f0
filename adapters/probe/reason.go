package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"syscall"

	"github.com/anopex/opsbot/bot"
)

// reason says in a few words why a connection failed, for people: the raw
// error text stays in the log.
func reason(l bot.Locale, err error) string {
	var (
		ne   net.Error
		de   *net.DNSError
		rh   tls.RecordHeaderError
		ae   tls.AlertError
		ue   x509.UnknownAuthorityError
		he   x509.HostnameError
		ce   x509.CertificateInvalidError
		verr *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &de):
		return l.Pick("nom inconnu (DNS)", "unknown host (DNS)")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return l.Pick("délai dépassé", "timed out")
	case errors.Is(err, syscall.ECONNREFUSED):
		return l.Pick("connexion refusée", "connection refused")
	case errors.Is(err, syscall.ECONNRESET):
		return l.Pick("connexion coupée", "connection reset")
	case errors.As(err, &rh), errors.As(err, &ae), errors.As(err, &ue), errors.As(err, &he), errors.As(err, &ce), errors.As(err, &verr):
		return l.Pick("erreur TLS", "TLS error")
	}
	return l.Pick("erreur réseau", "network error")
}
