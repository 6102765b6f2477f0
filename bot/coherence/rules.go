package coherence

import (
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// samePerson compares two names given in parts; the common case (the same
// parts, up to case) allocates nothing.
func samePerson(f1, l1, f2, l2 string) bool {
	if strings.EqualFold(f1, f2) && strings.EqualFold(l1, l2) {
		return true
	}
	return SameName(joinName(f1, l1), joinName(f2, l2))
}

// sameWPName compares a member's name with a WordPress account's.
func sameWPName(a *bot.Adherent, u *bot.WPUser) bool {
	if u.FirstName != "" || u.LastName != "" {
		return samePerson(a.FirstName, a.LastName, u.FirstName, u.LastName)
	}
	return SameName(a.Name(), wpName(u))
}

// statusReason says why the member at an address (nil: none) is not active.
func statusReason(a *bot.Adherent) Reason {
	if a == nil {
		return UnknownEmail
	}
	switch a.Status {
	case bot.AdherentResigned:
		return Resigned
	case bot.AdherentExcluded:
		return Excluded
	case bot.AdherentDraft:
		return Draft
	}
	return Expired
}

// membersOnly reports whether roles holds one of the members-only roles.
func membersOnly(roles, only []string) bool {
	return slices.ContainsFunc(roles, func(r string) bool { return slices.Contains(only, r) })
}
