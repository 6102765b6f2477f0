package coherence

import (
	"fmt"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// Code identifies a kind of finding. Codes are stable: they appear in the
// CSV report, in alerts and in scripts that read them.
type Code string

// The finding codes, in the order reports list them.
const (
	// MissingInNewsletter: an active member is not in the newsletter list
	// (no Brevo contact, or a contact outside the list) and has not
	// unsubscribed.
	MissingInNewsletter Code = "missing_in_newsletter"
	// NotMemberInNewsletter: a contact of the newsletter list is not an
	// active member (expired, resigned, excluded, draft or unknown): the
	// association keeps and uses personal data it should not.
	NotMemberInNewsletter Code = "not_member_in_newsletter"
	// BlacklistedMember: an active member has unsubscribed (from the list or
	// from all marketing e-mail) or was blocked by Brevo.
	BlacklistedMember Code = "blacklisted_member"
	// DuplicateEmail: the same address is on two or more Dolibarr members.
	DuplicateEmail Code = "duplicate_email"
	// WPRoleWithoutMembership: a WordPress account holds a members-only role
	// and its address is no active member's.
	WPRoleWithoutMembership Code = "wp_role_without_membership"
	// NameMismatch: the same address carries different names in Dolibarr
	// and in Brevo or WordPress (compared with SameName).
	NameMismatch Code = "name_mismatch"
)

// Codes lists every code in report order.
var Codes = []Code{MissingInNewsletter, NotMemberInNewsletter, BlacklistedMember, DuplicateEmail, WPRoleWithoutMembership, NameMismatch}

// needs returns the sources a code is computed from: a finding is only
// reported when all of them were read completely.
func (c Code) needs() []Source {
	switch c {
	case DuplicateEmail, NameMismatch: // name_mismatch: each other side is checked when it is complete
		return []Source{Dolibarr}
	case WPRoleWithoutMembership:
		return []Source{Dolibarr, WordPress}
	}
	return []Source{Dolibarr, Brevo}
}

var codeLabels = map[Code][2]string{
	MissingInNewsletter:     {"adhérent actif absent de la lettre d'information", "active member missing from the newsletter"},
	NotMemberInNewsletter:   {"contact de la lettre qui n'est pas adhérent actif", "newsletter contact who is not an active member"},
	BlacklistedMember:       {"adhérent actif désinscrit ou bloqué dans Brevo", "active member unsubscribed or blocked in Brevo"},
	DuplicateEmail:          {"adresse partagée par plusieurs adhérents", "address shared by several members"},
	WPRoleWithoutMembership: {"compte WordPress réservé aux adhérents sans adhésion active", "members-only WordPress account without an active membership"},
	NameMismatch:            {"nom différent pour la même adresse", "different name for the same address"},
}

// Label returns a short description of the code for people.
func (c Code) Label(l bot.Locale) string {
	if t, ok := codeLabels[c]; ok {
		return l.Pick(t[0], t[1])
	}
	return string(c)
}

// Source names one of the three systems a sweep reads.
type Source string

// The sources, in the order reports list them.
const (
	Dolibarr  Source = "dolibarr"
	Brevo     Source = "brevo"
	WordPress Source = "wordpress"
)

// Label returns the source's name for people.
func (s Source) Label() string {
	return bot.ProviderName(string(s))
}

// Reason refines a finding; like codes, reasons are stable snake_case words.
type Reason string

// The reasons.
const (
	NoContact    Reason = "no_contact"   // missing_in_newsletter: no Brevo contact at all
	NotInList    Reason = "not_in_list"  // missing_in_newsletter: a contact outside the list
	Blacklisted  Reason = "blacklisted"  // blacklisted_member: Brevo's emailBlacklisted
	Unsubscribed Reason = "unsubscribed" // blacklisted_member: left the newsletter list only
	Expired      Reason = "expired"      // not a member: validated, subscription ended or never paid
	Resigned     Reason = "resigned"     // not a member: resiliated
	Excluded     Reason = "excluded"     // not a member: excluded
	Draft        Reason = "draft"        // not a member: never validated
	UnknownEmail Reason = "unknown"      // not a member: no Dolibarr member has the address
	InBrevo      Reason = "brevo"        // name_mismatch: the Brevo contact's name differs
	InWordPress  Reason = "wordpress"    // name_mismatch: the WordPress account's name differs
	Shared       Reason = "shared"       // duplicate_email
)

// Finding is one incoherence about one address.
type Finding struct {
	Code   Code
	Reason Reason
	// Email is the normalised address the sources were joined on.
	Email string
	// MemberIDs are the Dolibarr members with that address, in register
	// order (several for duplicate_email).
	MemberIDs []string
	// The names as each source holds them ("" when the source has none).
	MemberName, ContactName, WPName string
	// WPLogin and WPRoles describe the WordPress account, if any.
	WPLogin string
	WPRoles []string
	// HasContact tells, for missing_in_newsletter, whether Brevo already has
	// a contact at that address (the fix adds it to the list) or not (the
	// fix creates it with the member's names).
	HasContact bool
	// ContactEmail is the address as Brevo stores it (what a removal sends).
	ContactEmail string
	// FirstName and LastName are the member's, for a contact to create.
	FirstName, LastName string
}

// Detail explains the finding in one sentence for people.
func (f Finding) Detail(l bot.Locale) string {
	d := f.reasonText(l)
	if f.Code == WPRoleWithoutMembership {
		return fmt.Sprintf(l.Pick("rôle %s ; %s", "role %s; %s"), strings.Join(f.WPRoles, ", "), d)
	}
	return d
}

var reasonTexts = map[Reason][2]string{
	NoContact:    {"aucun contact Brevo à cette adresse", "no Brevo contact at this address"},
	NotInList:    {"contact Brevo existant mais hors de la liste", "Brevo contact exists but is not in the list"},
	Blacklisted:  {"adresse bloquée dans Brevo (désinscrite de tous les envois)", "address blocked in Brevo (unsubscribed from all e-mail)"},
	Unsubscribed: {"désinscrit de la liste", "unsubscribed from the list"},
	Expired:      {"adhésion expirée ou cotisation jamais payée", "membership expired or never paid"},
	Resigned:     {"adhérent résilié", "member resigned"},
	Excluded:     {"adhérent exclu", "member excluded"},
	Draft:        {"adhésion en brouillon (jamais validée)", "membership in draft (never validated)"},
	UnknownEmail: {"aucun adhérent à cette adresse", "no member at this address"},
}

func (f Finding) reasonText(l bot.Locale) string {
	if t, ok := reasonTexts[f.Reason]; ok {
		return l.Pick(t[0], t[1])
	}
	switch f.Reason {
	case InBrevo:
		return fmt.Sprintf(l.Pick("Dolibarr « %s », Brevo « %s »", "Dolibarr %q, Brevo %q"), f.MemberName, f.ContactName)
	case InWordPress:
		return fmt.Sprintf(l.Pick("Dolibarr « %s », WordPress « %s »", "Dolibarr %q, WordPress %q"), f.MemberName, f.WPName)
	case Shared:
		return fmt.Sprintf(l.Pick("%d adhérents : %s", "%d members: %s"), len(f.MemberIDs), strings.Join(f.MemberIDs, ", "))
	}
	return ""
}
