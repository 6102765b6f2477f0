package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// Rights is what the rights review compares with.
type Rights struct {
	UnusedDays int      // a Dolibarr account unused longer is flagged (default 90)
	WPAdmins   []string // the WordPress administrators the association names (logins)
}

// The flags of a rights review.
const (
	NotMember       = "not_member"        // rights held by someone who is not an active member
	Unused          = "unused"            // a Dolibarr account unused for more than UnusedDays
	WPAdminUnlisted = "wp_admin_unlisted" // a WordPress administrator the configuration does not name
	MailboxUnowned  = "mailbox_unowned"   // a mailbox nobody holds
	DriveUnlisted   = "drive_unlisted"    // an editor of the Drive media folder no person's mailbox names
)

var rightsFlags = []string{NotMember, Unused, WPAdminUnlisted, MailboxUnowned, DriveUnlisted}

// RightsRow is one account holding rights somewhere.
type RightsRow struct {
	System    string // "dolibarr", "wordpress", "mail", "opsbot", "drive"
	Account   string
	Name      string
	Email     string
	Rights    string
	LastLogin time.Time
	Flags     []string
	// Own marks the account opsbot itself acts as (its Dolibarr API key's,
	// its WordPress login): never flagged, shown as opsbot's.
	Own bool
}

// RightsReport is a rights review: every row, in the order read.
type RightsReport struct {
	At         time.Time
	UnusedDays int
	Rows       []RightsRow
}

// apiUser is what the Dolibarr client says of its API key's account (GET
// /users/info), so that the review shows it as opsbot's own.
type apiUser interface {
	APIUser(ctx context.Context) (bot.StaffUser, error)
}

// rightsCommands is /rights review.
type rightsCommands struct {
	m      Members
	boxes  bot.Mailboxes
	drive  bot.FolderEditors
	people []bot.Member
	cfg    Rights
	domain string
}

func (r rightsCommands) specs() []bot.Spec {
	if r.m.Staff == nil && r.m.WPUsers == nil && r.boxes == nil && r.drive == nil {
		return nil
	}
	return []bot.Spec{{Path: "rights review",
		Help:   "Revue des droits : qui détient des droits (WordPress, Dolibarr, boîtes, opsbot, Google Drive) et ce qui est à décider ; CSV en privé.",
		HelpEN: "Rights review: who holds rights (WordPress, Dolibarr, mailboxes, opsbot, Google Drive) and what needs a decision; CSV privately.",
		Roles:  []bot.Role{bot.Admin, bot.President},
		Read:   r.review,
	}}
}

func (r rightsCommands) review(ctx context.Context, c bot.Call) (bot.Reply, error) {
	rep, err := r.Review(ctx)
	if err != nil {
		return bot.Reply{}, err
	}
	return rep.Private(c.Locale, r.domain)
}

// Review reads every source and flags what needs a decision.
func (r rightsCommands) Review(ctx context.Context) (RightsReport, error) {
	now := time.Now()
	if r.m.Now != nil {
		now = r.m.Now()
	}
	rep := RightsReport{At: now, UnusedDays: cmp.Or(r.cfg.UnusedDays, 90)}
	var active map[string]bool // normalised e-mail and "#ID" of active members; nil: not known
	if r.m.Adherents != nil {
		ads, err := r.m.Adherents.Adherents(ctx)
		if err != nil {
			return rep, fmt.Errorf("rights review: members: %w", err)
		}
		active = map[string]bool{}
		for _, a := range ads {
			if a.Active {
				active["#"+a.ID] = true
				if e, ok := coherence.NormalizeEmail(a.Email); ok {
					active[e] = true
				}
			}
		}
	}
	member := func(email, id string) bool {
		e, _ := coherence.NormalizeEmail(email)
		return active == nil || active[e] || id != "" && active["#"+id]
	}
	owners := map[string]bool{}
	own := func(email string) {
		if e, ok := coherence.NormalizeEmail(email); ok {
			owners[e] = true
		}
	}
	if r.m.Staff != nil {
		users, err := r.m.Staff.Users(ctx)
		if err != nil {
			return rep, fmt.Errorf("rights review: dolibarr users: %w", err)
		}
		self := ""
		if a, ok := r.m.Staff.(apiUser); ok {
			u, err := a.APIUser(ctx)
			if err != nil {
				return rep, fmt.Errorf("rights review: dolibarr api user: %w", err)
			}
			self = u.Login
		}
		for _, u := range users {
			if !u.Active {
				continue
			}
			own(u.Email)
			rights := strings.Join(u.Groups, ", ")
			if u.Admin {
				rights = strings.TrimSuffix("admin, "+rights, ", ")
			}
			row := RightsRow{System: "dolibarr", Account: u.Login, Name: u.Name(), Email: u.Email, Rights: rights, LastLogin: u.LastLogin, Own: u.Login == self}
			if !row.Own && !member(u.Email, u.MemberID) {
				row.Flags = append(row.Flags, NotMember)
			}
			if !row.Own && now.Sub(u.LastLogin) > time.Duration(rep.UnusedDays)*24*time.Hour {
				row.Flags = append(row.Flags, Unused)
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	if r.m.WPUsers != nil {
		for _, role := range []string{"administrator", "editor"} {
			users, err := r.m.WPUsers.WPUsers(ctx, role)
			if err != nil {
				return rep, fmt.Errorf("rights review: wordpress %s: %w", role, err)
			}
			for _, u := range users {
				own(u.Email)
				row := RightsRow{System: "wordpress", Account: u.Username, Name: u.Name, Email: u.Email, Rights: role, Own: strings.EqualFold(u.Username, r.m.WPLogin)}
				if !row.Own && !member(u.Email, "") {
					row.Flags = append(row.Flags, NotMember)
				}
				if role == "administrator" && !row.Own &&
					!slices.ContainsFunc(r.cfg.WPAdmins, func(l string) bool { return strings.EqualFold(l, u.Username) }) {
					row.Flags = append(row.Flags, WPAdminUnlisted)
				}
				rep.Rows = append(rep.Rows, row)
			}
		}
	}
	for _, p := range r.people {
		for _, b := range p.Mailboxes {
			own(b)
		}
		var roles []string
		for _, ro := range p.Roles {
			roles = append(roles, string(ro))
		}
		rep.Rows = append(rep.Rows, RightsRow{System: "opsbot", Account: strings.Join(p.Mailboxes, " "), Name: p.Name,
			Rights: strings.Join(roles, ", ")})
	}
	if r.drive != nil {
		eds, err := r.drive.Editors(ctx)
		if err != nil {
			return rep, fmt.Errorf("rights review: drive: %w", err)
		}
		named := map[string]bool{}
		for _, p := range r.people {
			for _, b := range p.Mailboxes {
				e, _ := coherence.NormalizeEmail(b)
				named[e] = true
			}
		}
		for _, s := range eds {
			row := RightsRow{System: "drive", Account: cmp.Or(s.Email, s.Type), Email: s.Email, Rights: s.Role}
			// The owner is the association's own account.
			if e, _ := coherence.NormalizeEmail(s.Email); s.Role != "owner" && !named[e] {
				row.Flags = append(row.Flags, DriveUnlisted)
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	if r.boxes != nil {
		boxes, err := r.boxes.Mailboxes(ctx)
		if err != nil {
			return rep, fmt.Errorf("rights review: mailboxes: %w", err)
		}
		for _, b := range boxes {
			row := RightsRow{System: "mail", Account: b.Address, Email: b.Address, Rights: "boîte"}
			if e, _ := coherence.NormalizeEmail(b.Address); !owners[e] {
				row.Flags = append(row.Flags, MailboxUnowned)
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	return rep, nil
}

// Counts returns the number of rows per system and per flag.
func (rep *RightsReport) Counts() map[string]int {
	n := map[string]int{}
	for _, r := range rep.Rows {
		n[r.System]++
		for _, f := range r.Flags {
			n[f]++
		}
	}
	return n
}

// Summary renders the review with counts only (no name, no address), for a
// channel.
func (rep *RightsReport) Summary(l bot.Locale) string {
	n := rep.Counts()
	return fmt.Sprintf(l.Pick(
		"Revue des droits du %s : %d compte(s) Dolibarr, %d compte(s) WordPress administrateur ou éditeur, %d boîte(s), %d personne(s) ayant un rôle opsbot.\n"+
			"À décider : %d droit(s) détenu(s) hors adhésion active, %d compte(s) Dolibarr inutilisé(s) depuis plus de %d jours, %d administrateur(s) WordPress non nommé(s) dans la configuration, %d boîte(s) sans titulaire.",
		"Rights review of %s: %d Dolibarr account(s), %d WordPress administrator or editor account(s), %d mailbox(es), %d person(s) with an opsbot role.\n"+
			"To decide: %d right(s) held outside an active membership, %d Dolibarr account(s) unused for more than %d days, %d WordPress administrator(s) not named in the configuration, %d mailbox(es) without a holder."),
		rep.At.Format("02/01/2006"), n["dolibarr"], n["wordpress"], n["mail"], n["opsbot"],
		n[NotMember], n[Unused], rep.UnusedDays, n[WPAdminUnlisted], n[MailboxUnowned]) + rep.driveSummary(l, n)
}

// driveSummary counts the Drive media folder's editors, when it was read.
func (rep *RightsReport) driveSummary(l bot.Locale, n map[string]int) string {
	if !slices.ContainsFunc(rep.Rows, func(r RightsRow) bool { return r.System == "drive" }) {
		return ""
	}
	return fmt.Sprintf(l.Pick("\nDossier Google Drive des médias : %d accès en modification, dont %d non nommé(s) dans la configuration.",
		"\nGoogle Drive media folder: %d edit access(es), %d of them not named in the configuration."), n["drive"], n[DriveUnlisted])
}

// Proposals returns the offboarding command of each flagged person (a
// Dolibarr or WordPress account) who has a mailbox in domain, once per
// mailbox, in the order of the rows. A mailbox without a holder is no person:
// it is listed, not offboarded.
func (rep *RightsReport) Proposals(domain string) []string {
	var out []string
	for _, r := range rep.Rows {
		if len(r.Flags) == 0 || r.System != "dolibarr" && r.System != "wordpress" {
			continue
		}
		e, ok := coherence.NormalizeEmail(r.Email)
		if !ok || domain == "" || !strings.HasSuffix(e, "@"+strings.ToLower(domain)) {
			continue
		}
		if cmd := "/delegate offboard " + e; !slices.Contains(out, cmd) {
			out = append(out, cmd)
		}
	}
	return out
}

// Private is the review for the asker alone (it names people): the summary,
// the offboarding proposals and every row as CSV.
func (rep *RightsReport) Private(l bot.Locale, domain string) (bot.Reply, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = coherence.CSVComma, true
	w.Write(strings.Split(l.Pick("système,compte,nom,adresse,droits,dernière connexion,à décider", "system,account,name,address,rights,last login,to decide"), ","))
	for _, r := range rep.Rows {
		last := ""
		if !r.LastLogin.IsZero() {
			last = r.LastLogin.Format("2006-01-02")
		} else if r.System == "dolibarr" {
			last = l.Pick("jamais", "never")
		}
		decide := strings.Join(r.Flags, " ")
		if r.Own {
			decide = l.Pick("compte de l'API d'opsbot", "opsbot's API account")
		}
		row := []string{r.System, r.Account, r.Name, r.Email, r.Rights, last, decide}
		for i := range row {
			row[i] = coherence.SafeCell(row[i])
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return bot.Reply{}, fmt.Errorf("rights review: write csv: %w", err)
	}
	name := "droits-" + rep.At.Format("20060102-1504") + ".csv"
	text := rep.Summary(l)
	if ps := rep.Proposals(domain); len(ps) > 0 {
		text += l.Pick("\nDéparts à proposer (chacun devient une demande si vous le lancez) :\n", "\nOffboardings to propose (each becomes a request when you run it):\n") + strings.Join(ps, "\n")
	}
	text += fmt.Sprintf(l.Pick("\nListe complète en pièce jointe : %s", "\nFull list attached: %s"), name)
	return bot.Reply{Text: text, Attachments: []bot.Attachment{{Name: name, ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}}}, nil
}
