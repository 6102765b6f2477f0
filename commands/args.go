package commands

import (
	"fmt"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
)

// Argument types of the hosting commands (IP blocks, DNS, tickets, bills).
var (
	// argIP is an IPv4 or IPv6 address or CIDR range to block, normalised
	// ("192.0.2.7/24" → "192.0.2.0/24").
	argIP = bot.ArgType{Name: "ip", Example: "192.0.2.10", Check: normalized(parseBlockTarget, formatBlockTarget)}
	// argDNSName is a record name: "@", "www", "_dmarc", "*.dev" or a full name.
	argDNSName = bot.ArgType{Name: "dns-name", Example: "www", Check: normalizeDNSName}
	// argRecordType is one of the record types opsbot edits.
	argRecordType = bot.ArgType{Name: "record-type", Example: "TXT", Check: checkRecordType}
	// argRecordValue is a record's value; checkRecord validates it for its type.
	argRecordValue = bot.ArgType{Name: "record-value", Example: "\"v=spf1 mx ~all\"", Check: checkRecordText}
	// argTTL is a record's time to live in seconds ("3600", "1h").
	argTTL = bot.ArgType{Name: "ttl", Example: "3600", Check: checkTTL}
	// argHomePath is a directory of a hosting account's home, relative to it.
	argHomePath = bot.ArgType{Name: "home-path", Example: "public_html/wp-content", Check: checkHomePath}
	// argSubject is a one-line subject (tickets, e-mails).
	argSubject = bot.ArgType{Name: "subject", Example: "\"Serveur injoignable\"", Check: checkSubject}
	// argBody is a multi-line message body.
	argBody = bot.ArgType{Name: "body", Example: "Bonjour, …", Check: checkBody}
	// argTicketID is a ticket number with its provider: "ovh-8123456", "ph-3".
	argTicketID = bot.ArgType{Name: "ticket", Example: "ovh-8123456", Check: checkTicketID}
	// argBillID is a bill reference ("FR56012345") or "order-N".
	argBillID = bot.ArgType{Name: "bill", Example: "FR56012345", Check: checkBillID}
	// argAmount is an amount in euros, normalised to "1500.50" (parseAmount reads it back).
	argAmount = bot.ArgType{Name: "amount", Example: "1500", Check: normalized(parseAmount, formatCents)}
)

// Block-range limits: wider ranges are refused, they would block whole providers.
const (
	minPrefix4 = 16
	minPrefix6 = 32
)

// parseBlockTarget reads an IPv4 or IPv6 address or a CIDR range. An address
// becomes a /32 or /128; a range is masked to its network; IPv4-mapped IPv6
// becomes IPv4. Unspecified, loopback, multicast and link-local addresses,
// zones ("%eth0") and ranges wider than /16 (IPv4) or /32 (IPv6) are refused
// with a *UserError.
func parseBlockTarget(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	bad := func(why, whyEN string) (netip.Prefix, error) {
		return netip.Prefix{}, bot.Userf("adresse IP invalide « %[1]s » : %[2]s ; écrivez par exemple 192.0.2.10, 192.0.2.0/24 ou 2001:db8::/48",
			"invalid IP address %[1]q: %[3]s; write e.g. 192.0.2.10, 192.0.2.0/24 or 2001:db8::/48", s, why, whyEN)
	}
	if s == "" || len(s) > 64 || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return bad("vide, trop longue ou avec des espaces", "empty, too long or with spaces")
	}
	if strings.Contains(s, "%") {
		return bad("zone d'interface interdite", "interface zones are not allowed")
	}
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return bad("ce n'est pas une plage CIDR", "not a CIDR range")
		}
		if a := p.Addr(); a.Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return bad("plage mixte IPv4/IPv6", "mixed IPv4/IPv6 range")
			}
			p = netip.PrefixFrom(a.Unmap(), bits)
		}
		p = p.Masked()
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return bad("ce n'est pas une adresse IPv4 ou IPv6", "not an IPv4 or IPv6 address")
		}
		a = a.Unmap()
		p = netip.PrefixFrom(a, a.BitLen())
	}
	a := p.Addr()
	switch {
	case a.Is4() && p.Bits() < minPrefix4, a.Is6() && p.Bits() < minPrefix6:
		return bad(fmt.Sprintf("plage trop large (au plus /%d en IPv4, /%d en IPv6)", minPrefix4, minPrefix6),
			fmt.Sprintf("range too wide (at most /%d for IPv4, /%d for IPv6)", minPrefix4, minPrefix6))
	case a.IsUnspecified(), a.IsLoopback(), a.IsMulticast(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return bad("adresse spéciale (locale, multicast ou non spécifiée)", "special address (local, multicast or unspecified)")
	}
	return p, nil
}

// formatBlockTarget renders p as people and cPanel write it: a single
// address without its /32 or /128.
func formatBlockTarget(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// normalized is the Check of an argument type: parse, then format the
// value as it is stored and shown.
func normalized[T any](parse func(string) (T, error), format func(T) string) func(string) (string, error) {
	return func(s string) (string, error) {
		v, err := parse(s)
		if err != nil {
			return "", err
		}
		return format(v), nil
	}
}

// protectedBy returns the first of protected that overlaps target: blocking
// target would cut off the bot itself or an allow-listed range.
func protectedBy(target netip.Prefix, protected []netip.Prefix) (netip.Prefix, bool) {
	for _, p := range protected {
		if p.Overlaps(target) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// normalizeDNSName lower-cases a record name and checks it: "@" (the zone
// apex), or dot-separated labels of letters, digits, hyphens (not first or
// last) and underscores, at most 63 bytes each and 253 in all, where "*"
// may be the whole first label. A trailing dot is dropped. Quotes,
// backslashes, spaces, semicolons, "$" and control characters can never pass,
// so a name cannot inject anything into a zone file.
func normalizeDNSName(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	bad := func(why, whyEN string) (string, error) {
		return "", bot.Userf("nom DNS invalide « %[1]s » : %[2]s ; écrivez par exemple www, _dmarc, @ ou mail.anopex.fr",
			"invalid DNS name %[1]q: %[3]s; write e.g. www, _dmarc, @ or mail.anopex.fr", s, why, whyEN)
	}
	if s == "@" {
		return s, nil
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return bad("vide ou trop long", "empty or too long")
	}
	for i, label := range strings.Split(s, ".") {
		if label == "*" && i == 0 {
			continue
		}
		if label == "" || len(label) > 63 {
			return bad("partie vide ou trop longue entre deux points", "empty or too long label")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return bad("un tiret ne peut pas commencer ou finir une partie", "a hyphen cannot start or end a label")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return bad(fmt.Sprintf("caractère %q interdit", r), fmt.Sprintf("character %q not allowed", r))
			}
		}
	}
	return s, nil
}

// recordTypes are the record types opsbot edits. SOA and NS are left to the
// hosting provider: a mistake there takes the whole domain down.
var recordTypes = []string{"A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA"}

func checkRecordType(s string) (string, error) {
	if t := strings.ToUpper(strings.TrimSpace(s)); slices.Contains(recordTypes, t) {
		return t, nil
	}
	return "", bot.Userf("type d'enregistrement « %s » non géré ; choisissez parmi %s", "record type %q not handled; choose one of %s", s, strings.Join(recordTypes, ", "))
}

// maxTXT is the longest TXT value accepted (a 4096-bit DKIM key fits).
const maxTXT = 2048

// checkRecordText is the type-independent part of a value check; checkRecord
// does the rest once the type is known.
func checkRecordText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", bot.Userf("valeur vide", "empty value")
	}
	if len(s) > maxTXT+100 {
		return "", bot.Userf("valeur trop longue (%d caractères au plus)", "value too long (at most %d characters)", maxTXT)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
		return "", bot.Userf("la valeur contient un caractère de contrôle ou un saut de ligne", "the value holds a control character or a line break")
	}
	return s, nil
}

// checkRecord validates value for a record of type typ and returns it
// normalised (as shown to people) and as the RDATA fields cPanel stores:
// A → [address]; AAAA → [address]; CNAME → [host]; MX → [priority, host];
// SRV → [priority, weight, port, target]; CAA → [flags, tag, value];
// TXT → chunks of at most 255 bytes. A host with a dot gets a trailing dot
// (absolute); one without stays relative to the zone. TXT refuses quotes and
// backslashes, every type refuses control characters: no value can end a
// zone-file line or a quoted string early.
func checkRecord(typ, value string) (string, []string, error) {
	v, err := checkRecordText(value)
	if err != nil {
		return "", nil, err
	}
	bad := func(why, whyEN, example string) (string, []string, error) {
		return "", nil, bot.Userf("valeur %[1]s invalide « %[2]s » : %[3]s ; écrivez par exemple %[5]s",
			"invalid %[1]s value %[2]q: %[4]s; write e.g. %[5]s", typ, v, why, whyEN, example)
	}
	f := strings.Fields(v)
	switch typ {
	case "A", "AAAA":
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" || (typ == "A") != a.Is4() {
			if typ == "A" {
				return bad("il faut une adresse IPv4", "an IPv4 address is needed", "203.0.113.7")
			}
			return bad("il faut une adresse IPv6", "an IPv6 address is needed", "2001:db8::7")
		}
		return a.String(), []string{a.String()}, nil
	case "CNAME":
		h, err := recordHost(v)
		if err != nil || h == "@" {
			return bad("il faut un nom d'hôte", "a host name is needed", "www.anopex.fr.")
		}
		return h, []string{h}, nil
	case "MX":
		if len(f) != 2 {
			return bad("il faut une priorité et un hôte", "a priority and a host are needed", "\"10 mail.anopex.fr\"")
		}
		p, err1 := uint16Of(f[0])
		h, err2 := recordHost(f[1])
		if err1 != nil || err2 != nil || h == "@" {
			return bad("priorité de 0 à 65535 puis un nom d'hôte", "priority 0 to 65535 then a host name", "\"10 mail.anopex.fr\"")
		}
		return p + " " + h, []string{p, h}, nil
	case "SRV":
		if len(f) != 4 {
			return bad("il faut priorité, poids, port et cible", "priority, weight, port and target are needed", "\"10 5 443 sip.anopex.fr\"")
		}
		out := make([]string, 0, 4)
		for _, n := range f[:3] {
			x, err := uint16Of(n)
			if err != nil {
				return bad("priorité, poids et port de 0 à 65535", "priority, weight and port from 0 to 65535", "\"10 5 443 sip.anopex.fr\"")
			}
			out = append(out, x)
		}
		h, err := recordHost(f[3])
		if err != nil {
			return bad("cible invalide", "invalid target", "\"10 5 443 sip.anopex.fr\"")
		}
		out = append(out, h)
		return strings.Join(out, " "), out, nil
	case "CAA":
		if len(f) != 3 {
			return bad("il faut drapeaux, étiquette et valeur", "flags, tag and value are needed", "\"0 issue letsencrypt.org\"")
		}
		flags, err := strconv.ParseUint(f[0], 10, 8)
		tag := strings.ToLower(f[1])
		val := strings.Trim(f[2], `"`)
		if err != nil || (tag != "issue" && tag != "issuewild" && tag != "iodef") || val == "" || strings.ContainsAny(val, `"\`) {
			return bad("drapeaux 0 à 255, étiquette issue, issuewild ou iodef, valeur sans guillemets", "flags 0 to 255, tag issue, issuewild or iodef, value without quotes", "\"0 issue letsencrypt.org\"")
		}
		fs := strconv.FormatUint(flags, 10)
		return fs + " " + tag + " " + val, []string{fs, tag, val}, nil
	case "TXT":
		if strings.ContainsAny(v, "\"\\") {
			return bad("pas de guillemets ni de barre oblique inverse dans un TXT", "no quotes nor backslashes in a TXT", "\"v=spf1 mx ~all\"")
		}
		if len(v) > maxTXT {
			return bad(fmt.Sprintf("%d octets au plus", maxTXT), fmt.Sprintf("%d bytes at most", maxTXT), "\"v=spf1 mx ~all\"")
		}
		return v, chunks(v, 255), nil
	}
	return "", nil, bot.Userf("type d'enregistrement « %s » non géré", "record type %q not handled", typ)
}

// recordHost normalises a host name in a record value: "@" stays, a name with a
// dot becomes absolute (trailing dot), one without stays relative.
func recordHost(s string) (string, error) {
	abs := strings.HasSuffix(s, ".")
	n, err := normalizeDNSName(s)
	if err != nil || strings.Contains(n, "*") {
		return "", bot.Userf("nom d'hôte invalide", "invalid host name")
	}
	if n == "@" {
		return n, nil
	}
	if abs || strings.Contains(n, ".") {
		return n + ".", nil
	}
	return n, nil
}

func uint16Of(s string) (string, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(n, 10), nil
}

// chunks splits s in pieces of at most n bytes without cutting a character.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return append(out, s)
}

// TTL bounds: one minute to one week.
const (
	minTTL = 60
	maxTTL = 604800
)

// ttlUnits are the units a TTL may end with, in seconds.
var ttlUnits = map[string]int{"s": 1, "m": 60, "h": 3600, "d": 86400, "j": 86400}

// checkTTL reads a TTL in seconds ("3600") or with a unit s, m, h or d
// ("1h") and returns it in seconds.
func checkTTL(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	if m, ok := ttlUnits[t[max(len(t)-1, 0):]]; ok {
		t, mult = t[:len(t)-1], m
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > maxTTL || n*mult < minTTL || n*mult > maxTTL || strings.HasPrefix(t, "+") {
		return "", bot.Userf("durée de vie invalide « %s » : entre 60 secondes et 7 jours, par exemple 3600 ou 1h",
			"invalid TTL %q: between 60 seconds and 7 days, e.g. 3600 or 1h", s)
	}
	return strconv.Itoa(n * mult), nil
}

// Text limits of tickets and e-mails.
const (
	maxSubject = 200
	maxBody    = 10000
)

// checkSubject trims a subject and checks it is one line of 1 to 200
// characters without any control character: it ends up in an e-mail header
// or a provider's ticket, where a line break would inject headers.
func checkSubject(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", bot.Userf("l'objet n'est pas du texte UTF-8", "the subject is not UTF-8 text")
	case s == "":
		return "", bot.Userf("objet vide", "empty subject")
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", bot.Userf("l'objet doit tenir sur une ligne, sans caractère de contrôle", "the subject must be one line without control characters")
	case utf8.RuneCountInString(s) > maxSubject:
		return "", bot.Userf("objet trop long (%d caractères au plus)", "subject too long (%d characters at most)", maxSubject)
	}
	return s, nil
}

// checkHomePath reads a directory of the home as people write it
// ("public_html/", "~/mail", "/tmp") into a clean relative path. cPanel
// itself drops ".." and reads a leading "/" as the home: both are refused
// here rather than answered with another directory.
func checkHomePath(s string) (string, error) {
	p := path.Clean(strings.TrimPrefix(strings.TrimSpace(s), "~/"))
	p = strings.TrimPrefix(p, "/")
	switch {
	case !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
		return "", bot.Userf("caractère de contrôle ou texte qui n'est pas de l'UTF-8", "a control character or text that is not UTF-8")
	case strings.Contains(s, ".."):
		return "", bot.Userf("« .. » n'est pas accepté ; donnez un dossier de l'hébergement, par exemple public_html/wp-content",
			"\"..\" is not accepted; give a directory of the hosting account, e.g. public_html/wp-content")
	case len(p) > 1024:
		return "", bot.Userf("trop long (1024 caractères au plus)", "too long (1024 characters at most)")
	case p == ".":
		return "", nil
	}
	return p, nil
}

// checkBody normalises line ends of a message body to "\n", trims it, and
// checks it holds 1 to 10,000 characters with no control character other
// than line breaks and tabs.
func checkBody(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	switch {
	case !utf8.ValidString(s):
		return "", bot.Userf("le texte n'est pas de l'UTF-8", "the text is not UTF-8")
	case s == "":
		return "", bot.Userf("texte vide : écrivez-le après « -- »", "empty text: write it after \"--\"")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return "", bot.Userf("le texte contient un caractère de contrôle", "the text holds a control character")
	case utf8.RuneCountInString(s) > maxBody:
		return "", bot.Userf("texte trop long (%d caractères au plus)", "text too long (%d characters at most)", maxBody)
	}
	return s, nil
}

// ticketProviders maps what people write before the dash to a provider.
var ticketProviders = map[string]string{"ovh": "ovh", "ph": "planethoster", "planethoster": "planethoster"}

// parseTicketID splits "ovh-8123456" or "ph-3" into a provider and a number.
func parseTicketID(s string) (provider, id string, err error) {
	t := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#")))
	p, n, ok := strings.Cut(t, "-")
	prov := ticketProviders[p]
	num, err2 := strconv.ParseUint(n, 10, 63)
	if !ok || prov == "" || err2 != nil || num == 0 || strings.HasPrefix(n, "+") {
		return "", "", bot.Userf("numéro de ticket invalide « %s » : écrivez le fournisseur et le numéro, par exemple ovh-8123456 ou ph-3",
			"invalid ticket number %q: write the provider and the number, e.g. ovh-8123456 or ph-3", s)
	}
	return prov, strconv.FormatUint(num, 10), nil
}

// ticketRef renders a ticket's reference as people type it: "ovh-8123456", "ph-3".
func ticketRef(provider, id string) string {
	if provider == "planethoster" {
		return "ph-" + id
	}
	return provider + "-" + id
}

func checkTicketID(s string) (string, error) {
	p, id, err := parseTicketID(s)
	if err != nil {
		return "", err
	}
	return ticketRef(p, id), nil
}

func checkBillID(s string) (string, error) {
	t := strings.TrimSpace(s)
	if n, ok := strings.CutPrefix(strings.ToLower(t), "order-"); ok {
		if v, err := strconv.ParseUint(n, 10, 63); err == nil && v > 0 && !strings.HasPrefix(n, "+") {
			return "order-" + strconv.FormatUint(v, 10), nil
		}
	} else if len(t) >= 3 && len(t) <= 40 && !strings.ContainsFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		return strings.ToUpper(t), nil
	}
	return "", bot.Userf("référence de facture invalide « %s » : écrivez-la comme FR56012345 (voir /invoice list)",
		"invalid bill reference %q: write it like FR56012345 (see /invoice list)", s)
}

// maxAmountCents is the largest amount accepted (one million euros).
const maxAmountCents = 100_000_000

// parseAmount reads an amount in euros: "1500", "1 500", "1500,50",
// "1 500.50 €", "1500 EUR". It returns cents.
func parseAmount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(t, "€"), "EUR"), "eur"))
	// Every space goes, the thin and non-breaking ones that French
	// typography puts inside numbers ("1 500 €") included: Fields splits on them.
	t = strings.ReplaceAll(strings.Join(strings.Fields(t), ""), "_", "")
	bad := func() (int64, error) {
		return 0, bot.Userf("montant invalide « %s » : écrivez un montant en euros, par exemple 1500, 1 500 € ou 1 500,50 €", "invalid amount %q: write an amount in euros, e.g. 1500, €1,500 or €1,500.50", s)
	}
	units, frac, hasFrac := strings.Cut(strings.Replace(t, ",", ".", 1), ".")
	if units == "" || len(units) > 9 || (hasFrac && (frac == "" || len(frac) > 2)) || strings.Trim(units+frac, "0123456789") != "" {
		return bad()
	}
	u, _ := strconv.ParseInt(units, 10, 64)
	c := int64(0)
	if hasFrac {
		c, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	cents := u*100 + c
	if cents <= 0 || cents > maxAmountCents {
		return 0, bot.Userf("montant hors limites « %s » : entre 0,01 € et 1 000 000 €", "amount out of range %q: between €0.01 and €1,000,000", s)
	}
	return cents, nil
}

func formatCents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// Argument types of the mail, core and WordPress commands.
var (
	// argQuota is a mailbox size, normalised to megabytes ("0" is unlimited).
	argQuota = bot.ArgType{Name: "quota", Example: "2 Go", Check: normalized(parseQuota, strconv.Itoa)}
	// argCount is a positive whole number.
	argCount = bot.ArgType{Name: "count", Example: "20", Check: checkCount}
	// argID is a change-request or record number.
	argID = bot.ArgType{Name: "id", Example: "12", Check: checkID}
	// argWPUser is a WordPress account: its ID or its login.
	argWPUser = bot.ArgType{Name: "user", Example: "j.dupont", Check: bot.NormalizeWPLogin}
)

func checkCount(s string) (string, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return "", bot.Userf("« %s » n'est pas un nombre entre 1 et 1000", "%q is not a number between 1 and 1000", s)
	}
	return strconv.Itoa(n), nil
}

func checkID(s string) (string, error) {
	s = strings.TrimPrefix(s, "#")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return "", bot.Userf("« %s » n'est pas un numéro (écrivez par exemple 12)", "%q is not a number (write e.g. 12)", s)
	}
	return strconv.FormatInt(n, 10), nil
}

// maxQuotaMB is the largest mailbox quota accepted (100 GB).
const maxQuotaMB = 100 * 1024

// quotaUnits are the units a mailbox size may end with, in megabytes.
var quotaUnits = map[string]float64{"": 1, "m": 1, "mo": 1, "mb": 1, "g": 1024, "go": 1024, "gb": 1024}

// parseQuota reads a mailbox size: a number of megabytes ("500"), or a number
// with a unit M/Mo/MB or G/Go/GB ("2G", "1,5 Go"), or "illimité"/"unlimited"
// (0). The result is in megabytes.
func parseQuota(s string) (int, error) {
	t := strings.ToLower(strings.Join(strings.Fields(s), "")) // no space, as in parseAmount
	switch t {
	case "illimité", "illimite", "unlimited", "0":
		return 0, nil
	}
	num := strings.TrimRight(t, "abcdefghijklmnopqrstuvwxyz")
	mult, unit := quotaUnits[t[len(num):]]
	t = strings.Replace(num, ",", ".", 1)
	f, err := strconv.ParseFloat(t, 64)
	bad := func(why, whyEN string) (int, error) {
		return 0, bot.Userf("taille invalide « %[1]s » : %[2]s ; écrivez par exemple 500 Mo, 2 Go, 1,5 Go ou illimité", "invalid size %[1]q: %[3]s; write e.g. 500 MB, 2 GB, 1.5 GB or unlimited", s, why, whyEN)
	}
	if err != nil || !unit || t == "" || strings.ContainsAny(t, "+-eEnNiI_x") {
		return bad("ce n'est pas un nombre", "not a number")
	}
	mb := f * mult
	if mb < 1 {
		return bad("moins de 1 Mo", "less than 1 MB")
	}
	if mb > maxQuotaMB {
		return bad("plus de 100 Go", "more than 100 GB")
	}
	return int(mb + 0.5), nil
}
