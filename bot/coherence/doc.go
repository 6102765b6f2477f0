// Package coherence checks that the association's three lists of people
// agree: the members' register (Dolibarr), the newsletter contacts (Brevo)
// and the website accounts (WordPress).
//
// The model is a join on the address. Each source's records are keyed by
// NormalizeEmail (lenient: data typed over the years must still join) and
// every address is then judged on what the three sources hold for it. What
// is wrong becomes a Finding with a stable Code (missing_in_newsletter,
// not_member_in_newsletter, blacklisted_member, duplicate_email,
// wp_role_without_membership, name_mismatch) and a Reason. Names are
// compared with SameName, which forgives accents, case, hyphens, word order
// and missing words.
//
// A Checker reads the sources through the bot interfaces (bot.Adherents,
// bot.Contacts, bot.WPUsers): Sweep reads all three at the same time, one
// goroutine each, so the time of a sweep is the slowest source's round trips
// (or Brevo's rate limit); Member checks one person with a constant number
// of requests. Join itself is a map keyed by the normalised address and does
// no I/O (BenchmarkJoin times it).
//
// What must stay true: a report built from a source that failed part-way
// never holds the findings that need that source (the others are still
// given), it says which source failed and how far its read got
// (bot.Progress), and PlanFix refuses it, so no change is ever made from
// partial data.
//
// WriteCSV renders a report for a spreadsheet, every cell made safe against
// formula injection. A complete sweep's Summary (its counts per code, no
// person) goes to Sources.Log, for the monthly report's trend.
package coherence
