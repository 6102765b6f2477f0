package commands

import "github.com/anopex/opsbot/bot"

// verify names, per change command, the read command that shows whether
// the change happened ({arg} is an argument of the change): the engine
// names it when an outcome is unknown (a write that timed out, a connection
// that dropped after the request was sent). TestVerifyNamesReadCommands
// checks that each key is a change and each value a read command.
var verify = map[string]string{
	"mail create":         "mail show {boite}",
	"mail passwd":         "mail show {boite}",
	"mail delete":         "mail show {boite}",
	"mail quota":          "mail show {boite}",
	"mail suspend":        "mail show {boite}",
	"mail unsuspend":      "mail show {boite}",
	"mail forward add":    "mail forward list {adresse}",
	"mail forward remove": "mail forward list {adresse}",
	"mail list-add":       "mail list-members {liste}",
	"mail list-remove":    "mail list-members {liste}",
	"host ip block":       "host ip list",
	"host ip unblock":     "host ip list",
	"host dns set":        "host dns list {nom}",
	"host dns delete":     "host dns list {nom}",
	"invoice pay":         "invoice list unpaid",
	"wp role":             "wp users",
	"doli user create":    "doli users",
	"doli user function":  "doli users",
	"doli user disable":   "doli users",
	"coherence fix":       "coherence sweep",
	"ticket open":         "ticket list",
	"ticket reply":        "ticket show {ticket}",
	"evolution request":   "evolution list",
}

// recipients names, per change command whose outcome carries a password,
// the argument holding the mailbox whose owner receives it (bot.Spec.Recipient).
var recipients = map[string]string{
	"mail create": "boite",
	"mail passwd": "boite",
}

// declareOutcomes sets Verify and Recipient on the specs from the tables
// above.
func declareOutcomes(specs []bot.Spec) []bot.Spec {
	for i := range specs {
		s := &specs[i]
		if v, ok := verify[s.Path]; ok && s.Verify == "" {
			s.Verify = v
		}
		if r, ok := recipients[s.Path]; ok && s.Recipient == "" {
			s.Recipient = r
		}
	}
	return specs
}
