package coherence

import (
	"slices"

	"github.com/anopex/opsbot/bot"
)

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
