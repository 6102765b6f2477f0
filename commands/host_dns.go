package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
)

func (h hostCommands) dnsSpecs() []bot.Spec {
	name := bot.Arg{Name: "nom", Type: argDNSName}
	typ := bot.Arg{Name: "type", Type: argRecordType}
	return []bot.Spec{{
		Path: "host dns list", Help: "Affiche la zone DNS (ou les enregistrements d'un nom).",
		HelpEN: "Shows the DNS zone (or the records of one name).",
		Roles:  readers, Args: []bot.Arg{{Name: "nom", Type: argDNSName, Optional: true}}, Read: h.listDNS,
	}, {
		Path: "host dns set", Help: "Crée ou remplace un enregistrement DNS (valeur entre guillemets si elle a des espaces).",
		HelpEN: "Creates or replaces a DNS record (quote a value with spaces).",
		Roles:  admins, Args: []bot.Arg{name, typ, {Name: "valeur", Type: argRecordValue}, {Name: "ttl", Type: argTTL, Optional: true}},
		Preview: dnsChange{h, true}.preview, Apply: dnsChange{h, true}.apply,
		Verify: "host dns list {nom}",
	}, {
		Path: "host dns delete", Help: "Supprime les enregistrements DNS d'un nom et d'un type (ou celui de cette valeur).",
		HelpEN: "Deletes the DNS records of a name and type (or the one with this value).",
		Roles:  admins, Args: []bot.Arg{name, typ, {Name: "valeur", Type: argRecordValue, Optional: true}},
		Preview: dnsChange{h, false}.preview, Apply: dnsChange{h, false}.apply,
		Verify: "host dns list {nom}",
	}}
}

// defaultTTL is the TTL of a new record when none is given (cPanel's).
const defaultTTL = 14400

// absName makes a validated record name absolute in zone: "@" is the apex,
// a name inside the zone keeps its form, any other is relative to the zone.
func absName(name, zone string) string {
	switch {
	case name == "@" || name == zone:
		return zone + "."
	case strings.HasSuffix(name, "."+zone):
		return name + "."
	}
	return name + "." + zone + "."
}

// relName shows an absolute name relative to zone.
func relName(abs, zone string) string {
	if abs == zone+"." {
		return "@"
	}
	if r, ok := strings.CutSuffix(abs, "."+zone+"."); ok {
		return r
	}
	return abs
}

// value renders a record's data as people write it: TXT chunks joined and
// quoted; bytes that are not UTF-8 shown escaped.
func value(r bot.DNSRecord) string {
	v := strings.Join(r.Data, " ")
	if r.Type == "TXT" {
		v = `"` + strings.Join(r.Data, "") + `"`
	}
	if !utf8.ValidString(v) {
		v = strconv.QuoteToASCII(v)
	}
	return v
}

func recordLine(r bot.DNSRecord, zone string) string {
	return fmt.Sprintf("%s %d %s %s", relName(r.Name, zone), r.TTL, r.Type, value(r))
}

// sameData compares record data case-insensitively (host names), TXT as one string.
func sameData(typ string, a, b []string) bool {
	if typ == "TXT" {
		return strings.Join(a, "") == strings.Join(b, "")
	}
	return slices.EqualFunc(a, b, strings.EqualFold)
}

// txtKey is the kind of a TXT value that can exist once per name: the
// "v=spf1", "v=DMARC1", "v=DKIM1" tag; "" for any other text.
func txtKey(data []string) string {
	v := strings.ToLower(strings.Join(data, ""))
	if !strings.HasPrefix(v, "v=") {
		return ""
	}
	end := strings.IndexAny(v, "; ")
	if end < 0 {
		end = len(v)
	}
	return v[:end]
}

// dnsPlan is a previewed zone change: the records of one name and type
// before and after, and the edit that goes from one to the other.
type dnsPlan struct {
	zone, name, typ string
	before, after   []bot.DNSRecord
	edit            bot.ZoneEdit
	serial          string
}

// text is the preview people approve; Apply recomputes it and refuses to
// run if it changed.
func (p dnsPlan) text(c bot.Call) string {
	list := func(rs []bot.DNSRecord) string {
		if len(rs) == 0 {
			return "\n  " + c.T("(aucun)", "(none)")
		}
		var b strings.Builder
		for _, r := range rs {
			b.WriteString("\n  " + recordLine(r, p.zone))
		}
		return b.String()
	}
	return fmt.Sprintf(c.T("Zone %s — %s %s\nAvant :%s\nAprès :%s", "Zone %s — %s %s\nBefore:%s\nAfter:%s"),
		p.zone, relName(p.name, p.zone), p.typ, list(p.before), list(p.after))
}

// plan reads the zone and computes the change the call asks for.
func (h hostCommands) plan(ctx context.Context, c bot.Call, set bool) (dnsPlan, error) {
	h = h.at(c)
	z, err := h.Zones.Zone(ctx, h.Zone)
	if err != nil {
		return dnsPlan{}, fmt.Errorf("read zone: %w", err)
	}
	p := dnsPlan{zone: h.Zone, name: absName(c.Args.Get("nom"), h.Zone), typ: c.Args.Get("type"), serial: z.Serial}
	var others []bot.DNSRecord // other types at the same name
	for _, r := range z.Records {
		switch {
		case r.Name != p.name:
		case r.Type == p.typ:
			p.before = append(p.before, r)
		default:
			others = append(others, r)
		}
	}
	if set {
		return p, p.set(c, others)
	}
	return p, p.delete(c)
}

func (p *dnsPlan) set(c bot.Call, others []bot.DNSRecord) error {
	norm, data, err := checkRecord(p.typ, c.Args.Get("valeur"))
	if err != nil {
		return err
	}
	rel := relName(p.name, p.zone)
	switch {
	case p.typ == "CNAME" && rel == "@":
		return bot.Userf("Un CNAME est impossible à la racine de la zone.", "A CNAME is not possible at the zone apex.")
	case p.typ == "CNAME" && len(others) > 0:
		return bot.Userf("%s a déjà des enregistrements %s : un CNAME doit être seul.", "%s already has %s records: a CNAME must be alone.", rel, others[0].Type)
	case p.typ != "CNAME" && slices.ContainsFunc(others, func(r bot.DNSRecord) bool { return r.Type == "CNAME" }):
		return bot.Userf("%s est un CNAME : supprimez-le avant d'y ajouter un %s.", "%s is a CNAME: delete it before adding a %s.", rel, p.typ)
	}
	// Which existing records the new one replaces: all of them for A, AAAA
	// and CNAME, else those of the same value or the same kind of TXT.
	var replaced []bot.DNSRecord
	whole := p.typ == "A" || p.typ == "AAAA" || p.typ == "CNAME"
	for _, r := range p.before {
		if whole || sameData(p.typ, r.Data, data) || p.typ == "TXT" && txtKey(data) != "" && txtKey(r.Data) == txtKey(data) {
			replaced = append(replaced, r)
		} else {
			p.after = append(p.after, r)
		}
	}
	ttl := defaultTTL
	if len(replaced) > 0 {
		ttl = replaced[0].TTL
	}
	ttl = cmp.Or(c.Args.Int("ttl"), ttl) // a TTL given is at least 60
	rec := bot.DNSRecord{Name: p.name, TTL: ttl, Type: p.typ, Data: data}
	if len(replaced) == 1 && replaced[0].TTL == ttl && sameData(p.typ, replaced[0].Data, data) {
		return bot.Unchanged("%s %s vaut déjà %s.", "%s %s is already %s.", rel, p.typ, norm)
	}
	p.after = append(p.after, rec)
	if len(replaced) == 0 {
		p.edit.Add = []bot.DNSRecord{rec}
		return nil
	}
	rec.Line = replaced[0].Line
	p.edit.Edit = []bot.DNSRecord{rec}
	for _, r := range replaced[1:] {
		p.edit.Remove = append(p.edit.Remove, r.Line)
	}
	return nil
}

func (p *dnsPlan) delete(c bot.Call) error {
	rel := relName(p.name, p.zone)
	var data []string
	if v := c.Args.Get("valeur"); v != "" {
		var err error
		if _, data, err = checkRecord(p.typ, v); err != nil {
			return err
		}
	}
	for _, r := range p.before {
		if data == nil || sameData(p.typ, r.Data, data) {
			p.edit.Remove = append(p.edit.Remove, r.Line)
		} else {
			p.after = append(p.after, r)
		}
	}
	if len(p.edit.Remove) == 0 {
		return bot.Unchanged("Aucun enregistrement %s %s à supprimer (voir /host dns list %s).", "No %s %s record to delete (see /host dns list %s).", rel, p.typ, rel)
	}
	return nil
}

func (h hostCommands) listDNS(ctx context.Context, c bot.Call) (bot.Reply, error) {
	h = h.at(c)
	z, err := h.Zones.Zone(ctx, h.Zone)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("read zone: %w", err)
	}
	only := ""
	if c.Args.Has("nom") {
		only = absName(c.Args.Get("nom"), h.Zone)
	}
	var lines []string
	for _, r := range z.Records {
		if r.Type == "SOA" || only != "" && r.Name != only {
			continue
		}
		lines = append(lines, recordLine(r, h.Zone))
	}
	if len(lines) == 0 {
		return bot.Reply{Text: fmt.Sprintf(c.T("Aucun enregistrement pour %s dans %s.", "No record for %s in %s."), c.Args.Get("nom"), h.Zone)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("Zone %s (série %s), %d enregistrement(s) :\n%s", "Zone %s (serial %s), %d record(s):\n%s"),
		h.Zone, z.Serial, len(lines), strings.Join(lines, "\n"))}, nil
}

// dnsChange is host dns set (set) or host dns delete.
type dnsChange struct {
	h   hostCommands
	set bool
}

func (d dnsChange) preview(ctx context.Context, c bot.Call) (string, error) {
	p, err := d.h.plan(ctx, c, d.set)
	if err != nil {
		return "", err
	}
	return d.h.at(c).onServer(c, p.text(c)), nil
}

// apply re-reads the zone for its serial and the edit to make: the
// engine has just checked that the records of this name and type are still
// what the approvers saw (the same preview), and the serial read now guards
// the edit against a change in between.
func (d dnsChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	h := d.h.at(c)
	p, err := h.plan(ctx, c, d.set)
	if err != nil {
		return bot.Outcome{}, err
	}
	serial, err := h.Zones.EditZone(ctx, h.Zone, p.serial, p.edit)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("edit zone: %w", err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("Zone %s modifiée (série %s → %s)", "Zone %s changed (serial %s → %s)"), h.Zone, p.serial, serial)}, nil
}
