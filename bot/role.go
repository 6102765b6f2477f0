package bot

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Role is a bot role. Chat identities map to roles through the Policy.
type Role string

// The bot roles of DESIGN.md.
const (
	Admin     Role = "admin"
	Board     Role = "board"
	Delegate  Role = "delegate"
	Treasurer Role = "treasurer"
	President Role = "president"
)

// Roles lists every role, in display order.
var Roles = []Role{Admin, Board, Delegate, Treasurer, President}

// ParseRole accepts a role name as written in the configuration.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want one of admin, board, delegate, treasurer, president)", s)
}

// Person is a chat user as the engine sees them: the platform's user ID (never
// a display name), a name for messages and the audit log, their bot roles and
// the mailboxes they own.
type Person struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Roles     []Role   `json:"roles,omitempty"`
	Mailboxes []string `json:"mailboxes,omitempty"`
	Bot       bool     `json:"bot,omitempty"`
}

// Has reports whether p holds any of roles.
func (p Person) Has(roles ...Role) bool {
	return slices.ContainsFunc(roles, func(r Role) bool { return slices.Contains(p.Roles, r) })
}

// Owns reports whether address is one of p's mailboxes (SameEmail).
func (p Person) Owns(address string) bool {
	return slices.ContainsFunc(p.Mailboxes, func(m string) bool { return SameEmail(m, address) })
}

// Member describes one configured person: their roles, their mailboxes and
// their user ID on each platform ("discord", "mattermost", "console").
type Member struct {
	Name      string
	Roles     []Role
	Mailboxes []string
	IDs       map[string]string // platform → user ID
}

// Policy maps chat identities to bot roles. It is built once from the
// configuration and read concurrently.
type Policy struct {
	members       []Member
	byID          map[string]int             // platform+"\x00"+userID → index in members
	platformRoles map[string]map[string]Role // platform → platform role ID → role
}

// NewPolicy builds a policy from the configured people and, per platform, the
// map of platform role IDs (Discord role IDs, Mattermost team roles) to bot
// roles. Two people sharing one platform ID is a configuration error.
func NewPolicy(members []Member, platformRoles map[string]map[string]Role) (*Policy, error) {
	p := &Policy{members: members, byID: map[string]int{}, platformRoles: platformRoles}
	for i, m := range members {
		for _, r := range m.Roles {
			if !slices.Contains(Roles, r) {
				return nil, fmt.Errorf("policy: %s: unknown role %q", m.Name, r)
			}
		}
		for platform, id := range m.IDs {
			if id == "" {
				continue
			}
			k := platform + "\x00" + id
			if j, dup := p.byID[k]; dup {
				return nil, fmt.Errorf("policy: %s id %q given to both %s and %s", platform, id, members[j].Name, m.Name)
			}
			p.byID[k] = i
		}
	}
	return p, nil
}

// Person resolves a platform user. Roles come from the configured person with
// that ID and from the platform roles the user holds; an unknown user gets no
// role at all (the engine then refuses politely).
func (p *Policy) Person(platform, userID, displayName string, platformRoles []string, isBot bool) Person {
	out := Person{ID: userID, Name: displayName, Bot: isBot}
	if i, ok := p.byID[platform+"\x00"+userID]; ok {
		m := p.members[i]
		out.Name = cmp.Or(m.Name, out.Name)
		out.Roles = append(out.Roles, m.Roles...)
		out.Mailboxes = append(out.Mailboxes, m.Mailboxes...)
	}
	for _, pr := range platformRoles {
		if r, ok := p.platformRoles[platform][pr]; ok && !slices.Contains(out.Roles, r) {
			out.Roles = append(out.Roles, r)
		}
	}
	out.Name = cmp.Or(out.Name, userID)
	return out
}

// owner returns the user ID on platform of the person who owns mailbox,
// else fallback (for an empty mailbox too).
func (p *Policy) owner(platform, mailbox, fallback string) string {
	for _, m := range p.members {
		if mailbox != "" && (Person{Mailboxes: m.Mailboxes}).Owns(mailbox) && m.IDs[platform] != "" {
			return m.IDs[platform]
		}
	}
	return fallback
}

// holders returns the user IDs on platform of the configured people holding role.
func (p *Policy) holders(platform string, role Role) []string {
	var ids []string
	for _, m := range p.members {
		if slices.Contains(m.Roles, role) && m.IDs[platform] != "" {
			ids = append(ids, m.IDs[platform])
		}
	}
	return ids
}

// Members returns the configured people.
func (p *Policy) Members() []Member { return slices.Clone(p.members) }

// PlatformRoles returns the platform role IDs mapped for platform.
func (p *Policy) PlatformRoles(platform string) map[string]Role { return p.platformRoles[platform] }
