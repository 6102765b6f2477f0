package commands

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Server is one cPanel server of the host commands: its IP blocker,
// certificates and AutoSSL, DNS zone and home's disk usage. A nil
// capability leaves its commands out.
type Server struct {
	Name    string // the configuration's name, given as the serveur argument
	Blocks  bot.IPBlocks
	Certs   bot.Certificates
	AutoSSL bot.AutoSSL
	Files   bot.DirUsages
	Zones   bot.DNSZones
	// Zone is the DNS zone the dns commands edit ("anopex.fr").
	Zone string
}

// Hosting is what the host commands use: the cPanel servers, the live TLS
// probe, and optionally the hosting provider's account.
type Hosting struct {
	Server // the first cPanel server (the one that holds the mail)
	// Others are the other cPanel servers: with any, every command of a
	// server takes a serveur argument.
	Others []Server
	TLS    bot.TLSProber
	// TLSHosts are checked live by host ssl ("mail.anopex.fr:993").
	TLSHosts []string
	// Protected ranges are never blocked: the bot's own addresses and the
	// allow-listed ranges of the configuration.
	Protected []netip.Prefix
	// Account is the hosting provider's account (PlanetHoster), and Domains
	// the domains whose registration host account shows.
	Account bot.HostingInfo
	Domains []string
	Now     func() time.Time // required
}

// servers returns every cPanel server, the first one first.
func (h hostCommands) servers() []Server { return append([]Server{h.Server}, h.Others...) }

// at returns h working on the server the call names (the first when it
// names none).
func (h hostCommands) at(c bot.Call) hostCommands {
	for _, s := range h.Others {
		if s.Name == c.Args.Get("serveur") {
			h.Server = s
		}
	}
	return h
}

// onServer prefixes a preview with the server it changes, when there are several.
func (h hostCommands) onServer(c bot.Call, text string) string {
	if len(h.Others) == 0 {
		return text
	}
	return fmt.Sprintf(c.T("Serveur %s — %s", "Server %s — %s"), h.Name, text)
}

// withServer adds the serveur argument to the specs of a server's commands
// when there are several servers, and to their verification command.
func (h hostCommands) withServer(specs []bot.Spec, optional bool) []bot.Spec {
	if len(h.Others) == 0 {
		return specs
	}
	var names []string
	for _, s := range h.servers() {
		names = append(names, s.Name)
	}
	for i := range specs {
		specs[i].Args = append([]bot.Arg{{Name: "serveur", Choices: names, Optional: optional}}, specs[i].Args...)
		if v := specs[i].Verify; v != "" {
			cmd, rest, _ := strings.Cut(v, " {")
			specs[i].Verify = cmd + " {serveur}" + strings.TrimSuffix(" {"+rest, " {")
		}
	}
	return specs
}

// hostCommands are the host family: the IP blocker, the certificates, the
// DNS zone and the hosting account.
type hostCommands Hosting

func (h hostCommands) specs() []bot.Spec {
	var specs []bot.Spec
	if h.Blocks != nil {
		ip := bot.Arg{Name: "ip", Type: argIP}
		specs = append(specs, h.withServer([]bot.Spec{{
			Path: "host ip list", Help: "Liste les adresses IP bloquées sur les sites web (cPanel).",
			HelpEN: "Lists the IP addresses blocked from the web sites (cPanel).",
			Roles:  readers, Read: h.listIPs,
		}, {
			Path: "host ip block", Help: "Bloque une adresse IP ou une plage CIDR sur les sites web (pas le courrier).",
			HelpEN: "Blocks an IP address or CIDR range from the web sites (not mail).",
			Roles:  admins, Args: []bot.Arg{ip, {Name: "raison", Type: bot.ArgText, Optional: true, Rest: true}},
			Preview: ipChange{h, true}.preview, Apply: ipChange{h, true}.apply, Idempotent: true,
			Verify: "host ip list",
		}, {
			Path: "host ip unblock", Help: "Débloque une adresse IP ou une plage CIDR.",
			HelpEN: "Unblocks an IP address or CIDR range.",
			Roles:  admins, Args: []bot.Arg{ip},
			Preview: ipChange{h, false}.preview, Apply: ipChange{h, false}.apply, Idempotent: true,
			Verify: "host ip list",
		}}, false)...)
	}
	if h.Certs != nil {
		specs = append(specs, h.withServer([]bot.Spec{{
			Path: "host ssl list", Help: "Liste les certificats TLS et leur expiration, et vérifie en direct les hôtes configurés.",
			HelpEN: "Lists the TLS certificates with their expiry and checks the configured hosts live.",
			Roles:  readers, Read: h.ssl,
		}}, true)...)
	}
	if h.AutoSSL != nil {
		specs = append(specs, h.withServer([]bot.Spec{{
			Path: "host ssl renew", Help: "Lance une vérification AutoSSL : cPanel renouvelle les certificats qu'il peut.",
			HelpEN: "Starts an AutoSSL check: cPanel renews the certificates it can.",
			Roles:  admins, Preview: h.previewRenew, Apply: h.applyRenew, Idempotent: true, Verify: "host ssl list",
		}}, false)...)
	}
	if h.Files != nil {
		specs = append(specs, h.withServer([]bot.Spec{{
			Path: "host files usage", Help: "Affiche les plus gros dossiers de l'hébergement (ou d'un de ses dossiers).",
			HelpEN: "Shows the largest directories of the hosting account's home (or of one of its directories).",
			Roles:  readers, Args: []bot.Arg{{Name: "chemin", Type: argHomePath, Optional: true}}, Read: h.filesUsage,
		}}, false)...)
	}
	if h.Zones != nil && h.Zone != "" {
		specs = append(specs, h.withServer(h.dnsSpecs(), false)...)
	}
	if h.Account != nil {
		specs = append(specs, bot.Spec{
			Path: "host account", Help: "Affiche le compte d'hébergement : crédit, serveurs, disque, expiration des domaines.",
			HelpEN: "Shows the hosting account: credit, servers, disk, domain expiry.",
			Roles:  readers, Read: h.account,
		})
	}
	return specs
}

func (h hostCommands) listIPs(ctx context.Context, c bot.Call) (bot.Reply, error) {
	list, err := h.at(c).Blocks.BlockedIPs(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list blocked ips: %w", err)
	}
	if len(list) == 0 {
		return bot.Reply{Text: c.T("Aucune adresse bloquée.", "No address blocked.")}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d adresse(s) bloquée(s) sur les sites web :\n%s", "%d address(es) blocked from the web sites:\n%s"),
		len(list), strings.Join(list, "\n"))}, nil
}

// ipChange is host ip block (block) or host ip unblock.
type ipChange struct {
	h     hostCommands
	block bool
}

// target reads the ip argument; to block, it refuses a protected range
// (unblocking one, blocked by hand in cPanel, is always allowed).
func (i ipChange) target(c bot.Call) (string, error) {
	p, err := parseBlockTarget(c.Args.Get("ip"))
	if err != nil {
		return "", err
	}
	if pr, bad := protectedBy(p, i.h.Protected); bad && i.block {
		return "", bot.Userf("%s ne peut pas être bloquée : elle recouvre %s (adresse d'opsbot ou plage autorisée dans la configuration).",
			"%s cannot be blocked: it overlaps %s (opsbot's address or a range allowed in the configuration).", formatBlockTarget(p), pr)
	}
	return formatBlockTarget(p), nil
}

// preview shows no count of blocked addresses: another block meanwhile
// would move it and make the request stale.
func (i ipChange) preview(ctx context.Context, c bot.Call) (string, error) {
	ip, err := i.target(c)
	if err != nil {
		return "", err
	}
	h := i.h.at(c)
	list, err := h.Blocks.BlockedIPs(ctx)
	if err != nil {
		return "", fmt.Errorf("list blocked ips: %w", err)
	}
	has := slices.Contains(list, ip)
	switch {
	case i.block && has:
		return "", bot.Unchanged("%s est déjà bloquée.", "%s is already blocked.", ip)
	case !i.block && !has:
		return "", bot.Unchanged("%s n'est pas bloquée (voir /host ip list).", "%s is not blocked (see /host ip list).", ip)
	case i.block:
		reason := ""
		if r := c.Args.Get("raison"); r != "" {
			reason = fmt.Sprintf(c.T(" (raison : %s)", " (reason: %s)"), r)
		}
		return h.onServer(c, fmt.Sprintf(c.T("Blocage de %s sur les sites web%s. Le courrier n'est pas concerné.",
			"Block %s from the web sites%s. Mail is not affected."), ip, reason)), nil
	}
	return h.onServer(c, fmt.Sprintf(c.T("Déblocage de %s.", "Unblock %s."), ip)), nil
}

func (i ipChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	ip, err := i.target(c) // the protected ranges may have changed since the request
	if err != nil {
		return bot.Outcome{}, err
	}
	if !i.block {
		return applied(c, i.h.at(c).Blocks.UnblockIP(ctx, ip), "unblock ip", "%s débloquée", "%s unblocked", ip)
	}
	got, err := i.h.at(c).Blocks.BlockIP(ctx, ip)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("block ip: %w", err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("%s bloquée (cPanel : %s)", "%s blocked (cPanel: %s)"), ip, strings.Join(got, ", "))}, nil
}

// days renders how long until t, with a marker when it is soon or past.
func days(c bot.Call, now, t time.Time) string {
	d := int(math.Round(t.Sub(now).Hours() / 24))
	switch {
	case t.Before(now):
		return fmt.Sprintf(c.T("❌ expiré depuis le %s", "❌ expired on %s"), t.Format("02/01/2006"))
	case d < 21:
		return fmt.Sprintf(c.T("⚠️ expire le %s (dans %d j)", "⚠️ expires %s (in %d d)"), t.Format("02/01/2006"), d)
	}
	return fmt.Sprintf(c.T("expire le %s (dans %d j)", "expires %s (in %d d)"), t.Format("02/01/2006"), d)
}

// ssl lists the certificates of the server the call names, or of every
// server, then checks the configured hosts live.
func (h hostCommands) ssl(ctx context.Context, c bot.Call) (bot.Reply, error) {
	servers := h.servers()
	if c.Args.Has("serveur") {
		servers = []Server{h.at(c).Server}
	}
	now := h.Now()
	var b strings.Builder
	for _, s := range servers {
		certs, err := s.Certs.Certificates(ctx)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("list certificates of %s: %w", s.Name, err)
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if len(h.Others) > 0 {
			fmt.Fprintf(&b, c.T("%d certificat(s) sur le serveur %s :", "%d certificate(s) on server %s:"), len(certs), s.Name)
		} else {
			fmt.Fprintf(&b, c.T("%d certificat(s) sur cPanel :", "%d certificate(s) on cPanel:"), len(certs))
		}
		for _, ct := range certs {
			where := cmp.Or(strings.Join(ct.Hosts, ", "), c.T("non installé", "not installed"))
			auto := ""
			if ct.AutoSSL {
				auto = " AutoSSL"
			}
			fmt.Fprintf(&b, "\n%s — %s — %s%s (%s)", ct.Subject, days(c, now, ct.NotAfter), ct.Issuer, auto, where)
		}
	}
	if h.TLS != nil && len(h.TLSHosts) > 0 {
		b.WriteString(c.T("\nVérification en direct :", "\nLive check:"))
		for _, line := range h.probeAll(ctx, c, now) {
			b.WriteString("\n" + line)
		}
	}
	return bot.Reply{Text: b.String()}, nil
}

// previewRenew names the domains AutoSSL could not secure at its last
// check: those are what a new check may renew.
func (h hostCommands) previewRenew(ctx context.Context, c bot.Call) (string, error) {
	h = h.at(c)
	running, err := h.AutoSSL.AutoSSLRunning(ctx)
	if err != nil {
		return "", fmt.Errorf("read autossl check: %w", err)
	}
	if running {
		return "", bot.Unchanged("Une vérification AutoSSL est déjà en cours (voir /host ssl list dans quelques minutes).",
			"An AutoSSL check is already under way (see /host ssl list in a few minutes).")
	}
	problems, err := h.AutoSSL.AutoSSLProblems(ctx)
	if err != nil {
		return "", fmt.Errorf("list autossl problems: %w", err)
	}
	text := c.T("Vérification AutoSSL : cPanel renouvelle en arrière-plan les certificats qu'il peut.",
		"AutoSSL check: cPanel renews in the background the certificates it can.")
	for _, p := range problems {
		text += fmt.Sprintf(c.T("\nÉchec au dernier passage : %s — %s", "\nFailed at the last check: %s — %s"), p.Domain, p.Problem)
	}
	return h.onServer(c, text), nil
}

func (h hostCommands) applyRenew(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	return applied(c, h.at(c).AutoSSL.StartAutoSSL(ctx), "start autossl check", "vérification AutoSSL lancée ; /host ssl list dans quelques minutes montre les certificats renouvelés",
		"AutoSSL check started; /host ssl list in a few minutes shows the renewed certificates")
}

// filesUsage lists the largest entries of a directory of the home.
func (h hostCommands) filesUsage(ctx context.Context, c bot.Call) (bot.Reply, error) {
	h = h.at(c)
	dir := c.Args.Get("chemin")
	list, err := h.Files.DirUsage(ctx, dir)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("read directory usage: %w", err)
	}
	where := "~/" + dir
	if len(h.Others) > 0 {
		where = h.Name + ":" + where
	}
	if len(list) == 0 {
		return bot.Reply{Text: fmt.Sprintf(c.T("%s : aucun dossier (chemin absent ou vide).", "%s: no directory (path absent or empty)."), where)}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("Les plus gros éléments de %s :", "The largest entries of %s:"), where)
	for _, u := range list[:min(len(list), 15)] {
		name := u.Name
		if u.Dir {
			name += "/"
		}
		fmt.Fprintf(&b, "\n%s  %s", bot.FormatMB(c.Locale, float64(u.Bytes)/(1<<20)), name)
	}
	return bot.Reply{Text: b.String()}, nil
}

// probeAll dials every configured host at once; one host down is a line of
// the answer, not a failure of the command.
func (h hostCommands) probeAll(ctx context.Context, c bot.Call, now time.Time) []string {
	out := make([]string, len(h.TLSHosts))
	var wg sync.WaitGroup
	for i, hp := range h.TLSHosts {
		wg.Go(func() {
			lc, err := h.TLS.ProbeTLS(ctx, hp)
			switch {
			case err != nil:
				out[i] = fmt.Sprintf(c.T("%s — ⚠️ injoignable en TLS", "%s — ⚠️ unreachable over TLS"), hp)
			case !lc.Verified:
				out[i] = fmt.Sprintf(c.T("%s — ⚠️ certificat non valide (%s) — %s", "%s — ⚠️ certificate not valid (%s) — %s"), hp, lc.Subject, days(c, now, lc.NotAfter))
			default:
				out[i] = fmt.Sprintf(c.T("%s — %s — chaîne valide", "%s — %s — chain valid"), hp, days(c, now, lc.NotAfter))
			}
		})
	}
	wg.Wait()
	return out
}

func (h hostCommands) account(ctx context.Context, c bot.Call) (bot.Reply, error) {
	a, err := h.Account.Account(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("read hosting account: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("Compte d'hébergement : crédit %s, %d commande(s) active(s), %d domaine(s).",
		"Hosting account: credit %s, %d active order(s), %d domain(s)."), a.Credit.Format(c.Locale), a.ActiveOrders, a.ActiveDomains)
	for _, s := range a.Hostings {
		fmt.Fprintf(&b, c.T("\n%s sur %s (%s) — %s — disque : %s", "\n%s on %s (%s) — %s — disk: %s"), s.Domain, s.Server, s.IP, s.State, bot.FormatMB(c.Locale, s.DiskMB))
	}
	now := h.Now()
	for _, d := range h.Domains {
		st, err := h.Account.Domain(ctx, d)
		if err != nil {
			fmt.Fprintf(&b, c.T("\nDomaine %s : %s", "\nDomain %s: %s"), d, bot.ErrorText(c.Locale, err, c.Invocation))
			continue
		}
		fmt.Fprintf(&b, c.T("\nDomaine %s (%s) — %s", "\nDomain %s (%s) — %s"), d, st.Status, days(c, now, st.Expires))
	}
	return bot.Reply{Text: b.String()}, nil
}
