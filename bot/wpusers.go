package bot

import (
	"context"
	"slices"
	"strings"
	"unicode"
)

// WPUser is an account of the association's WordPress site as an
// administrator sees it (the REST API's edit context): editors, functional
// administrators, and members with a members-only role.
type WPUser struct {
	ID        int    // WordPress user ID
	Username  string // the login; WordPress never lets it change
	Name      string // the display name
	FirstName string // may be empty
	LastName  string // may be empty
	Email     string // as stored (WordPress keeps it unique per site), not normalised
	// Roles are role slugs (administrator, editor, author, contributor,
	// subscriber, or a plugin's): usually one, possibly none or several.
	Roles []string
}

// HasRole reports whether the account holds the role slug role.
func (u WPUser) HasRole(role string) bool { return slices.Contains(u.Roles, role) }

// RoleList returns the roles joined by ", ", or "-" when there is none, for
// previews such as "author → editor".
func (u WPUser) RoleList() string {
	if len(u.Roles) == 0 {
		return "-"
	}
	return strings.Join(u.Roles, ", ")
}

// WPUsers reads and changes the accounts of the WordPress site. Every error
// is a *Error of provider "wordpress" with one of these kinds:
//   - NotFound: no such account (WPUser, WPUserByEmail, SetWPRole);
//   - Invalid: a malformed argument (checked before any request), or a role
//     WordPress does not know (SetWPRole);
//   - Denied: the application password is wrong or revoked (WordPress then
//     answers as to an anonymous caller), the account lacks list_users or
//     promote_users, or WordPress refuses the change (an administrator
//     demoting itself);
//   - Conflict: the accounts changed while a full list was being read, twice
//     in a row;
//   - RateLimited: 429 from a security plugin or a proxy, after the retries
//     of reads;
//   - Unavailable: timeout, 5xx, an HTML page instead of JSON (a WAF's 403,
//     a host's error page), after the retries of reads;
//   - Internal: an answer that does not parse, or a change that did not take.
type WPUsers interface {
	// WPUsers returns every account, or only those holding role when role
	// is not "", in ID order. It reads pages of 100 (the API's maximum) and,
	// once the first page has told the number of pages, the others with a
	// configured number of requests in flight. On error nothing partial is
	// returned: a sweep never works from incomplete data.
	WPUsers(ctx context.Context, role string) ([]WPUser, error)
	// WPUser returns one account by ID (a string of digits) or by login
	// (matched case-insensitively, as WordPress matches logins).
	WPUser(ctx context.Context, idOrLogin string) (WPUser, error)
	// WPUserByEmail returns the account whose e-mail address is email,
	// compared case-insensitively; NotFound if none. A constant number of
	// requests whatever the number of accounts.
	WPUserByEmail(ctx context.Context, email string) (WPUser, error)
	// SetWPRole replaces every role of account id by role; role "" leaves
	// the account with no role on the site (it can no longer do anything
	// there). It is a write: never retried. Setting the role an account
	// already holds alone is not an error.
	SetWPRole(ctx context.Context, id int, role string) error
}

// WPUserAdmin creates accounts on the WordPress site. Errors as WPUsers,
// and Conflict when the login or the address is taken. Never retried.
type WPUserAdmin interface {
	// CreateWPUser creates the account with one role and returns its ID.
	CreateWPUser(ctx context.Context, login, email, name, role string, password Secret) (int, error)
	// SendWPPasswordReset has WordPress mail the account the link to
	// choose its password; Invalid when WordPress did not send it.
	SendWPPasswordReset(ctx context.Context, login string) error
}

// WPCoreRoles are WordPress's own role slugs, from most to least powerful.
// Sites add others through plugins (a members-only role, say), so a slug
// outside this list is not an error in itself.
var WPCoreRoles = []string{"administrator", "editor", "author", "contributor", "subscriber"}

// NormalizeWPRole checks a role slug and returns it in lower case. WordPress
// stores roles under slugs of letters, digits, '_' and '-' (sanitize_key);
// the French labels (« éditeur ») are not slugs, and are refused with a
// message that names the slugs to write.
func NormalizeWPRole(s string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(s))
	if r == "" || len(r) > 64 || strings.Trim(r, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return "", Userf("« %s » n'est pas un rôle WordPress : écrivez son identifiant, par exemple %s",
			"%q is not a WordPress role: write its slug, for example %s", Clip(s, 40), strings.Join(WPCoreRoles, ", "))
	}
	return r, nil
}

// NormalizeWPLogin checks a WordPress account given by ID or login: at most
// 60 characters (WordPress's limit for logins) without control characters
// nor other spaces than U+0020, which WordPress allows inside a login
// (sanitize_user keeps them, one between words: so are runs collapsed
// here). The case is kept: WordPress compares logins without it.
func NormalizeWPLogin(s string) (string, error) {
	l := strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
	if l == "" || len([]rune(l)) > 60 || strings.IndexFunc(l, func(r rune) bool {
		return unicode.IsControl(r) || unicode.IsSpace(r) && r != ' ' || r == unicode.ReplacementChar
	}) >= 0 {
		return "", Userf("« %s » n'est pas un identifiant WordPress : écrivez le numéro ou l'identifiant de connexion du compte, par exemple 12 ou j.dupont",
			"%q is not a WordPress account: write its number or its login, for example 12 or j.dupont", Clip(s, 40))
	}
	return l, nil
}

// Clip shortens s to n runes for an error message, invalid UTF-8 replaced.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
