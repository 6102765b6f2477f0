package coherence

import (
	"slices"

	"github.com/anopex/opsbot/bot"
)

// address is what the three sources hold at one normalised address, in
// Data's slices: its members in register order, its first contact and its
// first account (nil for none).
type address struct {
	email   string
	members []*bot.Adherent
	contact *bot.Contact
	account *bot.WPUser
}

// Join joins the sources on the normalised address and returns the findings,
// by code (Codes order), each code's findings in the order their address
// first appears: Dolibarr register order, then Brevo, then WordPress. A
// source in d.Missing is left out, and the codes that need it are skipped.
// It does no I/O; the report's At and Sources are left for the caller.
func Join(d Data, cfg Config) Report {
	var rep Report
	missing := func(s Source) bool { return slices.Contains(d.Missing, s) }
	for _, c := range Codes {
		if slices.ContainsFunc(c.needs(), missing) {
			rep.Skipped = append(rep.Skipped, c)
		}
	}

	n := len(d.Members) + len(d.Contacts) + len(d.WPUsers)
	order := make([]address, 0, n) // in order of first appearance
	byEmail := make(map[string]int, n)
	at := func(email string) *address {
		key, ok := NormalizeEmail(email)
		if !ok {
			return nil
		}
		i, ok := byEmail[key]
		if !ok {
			i = len(order)
			byEmail[key] = i
			order = append(order, address{email: key})
		}
		return &order[i]
	}
	if !missing(Dolibarr) {
		rep.Stats.Members = len(d.Members)
		for i := range d.Members {
			m := &d.Members[i]
			if m.Active {
				rep.Stats.Active++
			}
			if a := at(m.Email); a != nil {
				a.members = append(a.members, m)
			} else {
				rep.Stats.NoEmail++
			}
		}
	}
	if !missing(Brevo) {
		rep.Stats.Contacts = len(d.Contacts)
		for i := range d.Contacts {
			c := &d.Contacts[i]
			if c.InList(cfg.NewsletterList) {
				rep.Stats.InList++
			}
			if a := at(c.Email); a != nil && a.contact == nil {
				a.contact = c
			}
		}
	}
	if !missing(WordPress) {
		rep.Stats.WPUsers = len(d.WPUsers)
		for i := range d.WPUsers {
			u := &d.WPUsers[i]
			if membersOnly(u.Roles, cfg.MembersOnlyRoles) {
				rep.Stats.WPMembersOnly++
			}
			if a := at(u.Email); a != nil && a.account == nil {
				a.account = u
			}
		}
	}

	j := judge{cfg: cfg, skipped: rep.Skipped}
	for i := range order {
		j.address(&order[i])
	}
	slices.SortStableFunc(j.out, func(a, b Finding) int { return slices.Index(Codes, a.Code) - slices.Index(Codes, b.Code) })
	rep.Findings = j.out
	return rep
}

// judge applies the rules to each address.
type judge struct {
	cfg     Config
	skipped []Code
	out     []Finding
}

// address judges the records of one address.
func (j *judge) address(a *address) {
	// The address's member is its first active member, else its latest record.
	var pm *bot.Adherent
	isActive := false
	for _, pm = range a.members {
		if pm.Active {
			isActive = true
			break
		}
	}
	ct, wp := a.contact, a.account
	add := func(c Code, reason Reason) { j.out = append(j.out, j.finding(a, c, reason, pm, ct, wp)) }
	run := func(c Code) bool { return !slices.Contains(j.skipped, c) }

	if len(a.members) > 1 && run(DuplicateEmail) {
		add(DuplicateEmail, Shared)
	}
	if run(MissingInNewsletter) { // Dolibarr and Brevo are complete
		list := j.cfg.NewsletterList
		inList := ct != nil && ct.InList(list)
		switch {
		case isActive && ct != nil && ct.Blacklisted:
			add(BlacklistedMember, Blacklisted)
		case isActive && ct != nil && slices.Contains(ct.Unsubscribed, list):
			add(BlacklistedMember, Unsubscribed)
		case isActive && ct == nil:
			add(MissingInNewsletter, NoContact)
		case isActive && !inList:
			add(MissingInNewsletter, NotInList)
		case !isActive && inList:
			add(NotMemberInNewsletter, statusReason(pm))
		}
		if ct != nil && pm != nil && !SameName(pm.Name(), ct.Name()) {
			add(NameMismatch, InBrevo)
		}
	}
	if wp != nil && run(WPRoleWithoutMembership) { // Dolibarr and WordPress are complete
		if !isActive && membersOnly(wp.Roles, j.cfg.MembersOnlyRoles) {
			add(WPRoleWithoutMembership, statusReason(pm))
		}
		if pm != nil && !SameName(pm.Name(), wpName(wp)) {
			add(NameMismatch, InWordPress)
		}
	}
}

// finding builds a finding about address a; pm, ct and wp are its member,
// contact and account (nil when it has none).
func (j *judge) finding(a *address, c Code, reason Reason, pm *bot.Adherent, ct *bot.Contact, wp *bot.WPUser) Finding {
	f := Finding{Code: c, Reason: reason, Email: a.email}
	for _, m := range a.members {
		f.MemberIDs = append(f.MemberIDs, m.ID)
	}
	if ct != nil {
		f.ContactName, f.ContactEmail, f.HasContact = ct.Name(), ct.Email, true
	}
	if wp != nil {
		f.WPName, f.WPLogin, f.WPRoles = wpName(wp), wp.Username, wp.Roles
	}
	if pm != nil {
		f.MemberName, f.FirstName, f.LastName = pm.Name(), pm.FirstName, pm.LastName
	}
	return f
}

// wpName returns the name of a WordPress account: first and last name when
// set, else the display name unless it is only the login.
func wpName(u *bot.WPUser) string {
	if n := (bot.Adherent{FirstName: u.FirstName, LastName: u.LastName}).Name(); n != "" {
		return n
	}
	if u.Name == u.Username {
		return ""
	}
	return u.Name
}
