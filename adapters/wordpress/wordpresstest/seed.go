package wordpresstest

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// User is an account to seed, or a snapshot of one.
type User struct {
	ID        int    // 0 when seeding: the next free ID
	Login     string // required, unique (case-insensitively)
	Email     string // required, unique
	FirstName string
	LastName  string
	Name      string   // display name; "" when seeding: "First Last", else the login
	URL       string   // the profile's website
	Roles     []string // role slugs; nil when seeding: subscriber
	// Posts counts the user's published posts: callers without list_users
	// only see users who have some.
	Posts int
	// Password is the login password, which the REST API refuses (only
	// application passwords open it).
	Password string
}

// AddUser adds an account and returns its ID. A duplicate login or e-mail,
// a taken ID or an unknown role is a seeding mistake and panics.
func (s *Server) AddUser(u User) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.insert(u).id
}

// insert adds u; call with s.mu held for writing.
func (s *Server) insert(u User) *user {
	if u.Login == "" || u.Email == "" {
		panic("wordpresstest: a user needs a login and an e-mail")
	}
	if s.byLogin[fold(u.Login)] != nil || s.byEmail[strings.ToLower(u.Email)] != nil {
		panic(fmt.Sprintf("wordpresstest: login %q or e-mail %q already taken", u.Login, u.Email))
	}
	if u.ID == 0 {
		u.ID = s.nextID
	}
	if s.users[u.ID] != nil {
		panic(fmt.Sprintf("wordpresstest: ID %d already taken", u.ID))
	}
	s.nextID = max(s.nextID, u.ID+1)
	if u.Roles == nil {
		u.Roles = []string{"subscriber"}
	}
	for _, r := range u.Roles {
		if s.roles[r] == nil {
			panic(fmt.Sprintf("wordpresstest: unknown role %q (AddRole it first)", r))
		}
	}
	if u.Name == "" {
		u.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
		if u.Name == "" {
			u.Name = u.Login
		}
	}
	x := &user{id: u.ID, login: u.Login, email: u.Email, first: u.FirstName, last: u.LastName, display: u.Name,
		nickname: u.Login, url: u.URL, roles: append([]string(nil), u.Roles...),
		registered: s.now().UTC().Truncate(time.Second), posts: u.Posts, password: u.Password,
		nicename: s.uniqueNicename(sanitizeTitle(u.Login))}
	x.refold()
	s.users[x.id] = x
	s.byLogin[x.folded.login] = x
	s.byEmail[strings.ToLower(x.email)] = x
	s.byNice[x.nicename] = x
	s.changed()
	return x
}

// User returns a snapshot of account id.
func (s *Server) User(id int) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.users[id]
	if u == nil {
		return User{}, false
	}
	return User{ID: u.id, Login: u.login, Email: u.email, FirstName: u.first, LastName: u.last, Name: u.display,
		URL: u.url, Roles: append([]string(nil), u.roles...), Posts: u.posts, Password: u.password}, true
}

// UserByLogin returns a snapshot of the account whose login is login.
func (s *Server) UserByLogin(login string) (User, bool) {
	s.mu.RLock()
	u := s.byLogin[fold(login)]
	s.mu.RUnlock()
	if u == nil {
		return User{}, false
	}
	return s.User(u.id)
}

// Len returns the number of accounts.
func (s *Server) Len() int { s.mu.RLock(); defer s.mu.RUnlock(); return len(s.users) }

// AddRole adds a role, as a plugin does (a members-only role, say), with
// the given capabilities (default read and level_0, a subscriber's).
func (s *Server) AddRole(slug, name string, caps ...string) {
	if len(caps) == 0 {
		caps = []string{"read", "level_0"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addRole(slug, name, caps)
	s.changed()
}

func (s *Server) addRole(slug, name string, caps []string) {
	r := &role{slug: slug, name: name, caps: caps, has: map[string]bool{}}
	for _, c := range caps {
		r.has[c] = true
	}
	if s.roles[slug] == nil {
		s.roleOrder = append(s.roleOrder, slug)
	}
	s.roles[slug] = r
}

// AddAppPassword gives account login a new application password named name
// and returns it as WordPress shows it once ("abcd efgh ijkl mnop qrst uvwx").
func (s *Server) AddAppPassword(login, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.byLogin[fold(login)]
	if u == nil {
		panic(fmt.Sprintf("wordpresstest: no user %q", login))
	}
	return chunk(s.addAppPassword(u, name, "").password)
}

// addAppPassword stores an application password (a new random one when pw
// is ""); call with s.mu held for writing.
func (s *Server) addAppPassword(u *user, name, pw string) appPassword {
	if pw == "" {
		pw = randomPassword()
	}
	ap := appPassword{uuid: newUUID(), name: name, password: alnum(pw), created: s.now().UTC().Truncate(time.Second)}
	u.appPasswords = append(u.appPasswords, ap)
	return ap
}

const pwAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomPassword draws 24 letters and digits, as WordPress does.
func randomPassword() string {
	b := make([]byte, 24)
	rand.Read(b)
	for i := range b {
		b[i] = pwAlphabet[int(b[i])%len(pwAlphabet)]
	}
	return string(b)
}

// chunk is WP_Application_Passwords::chunk_password: groups of four.
func chunk(pw string) string {
	var parts []string
	for len(pw) > 4 {
		parts, pw = append(parts, pw[:4]), pw[4:]
	}
	return strings.Join(append(parts, pw), " ")
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// SeedRecorded adds the five accounts of the recorded site (IDs 2 to 6,
// ../testdata/recorded/): eve.editor, arthur.author,
// carl.contributor, sam.subscriber and zoe.durand, with their roles.
func (s *Server) SeedRecorded() {
	for _, u := range []User{
		{ID: 2, Login: "eve.editor", FirstName: "Eve", LastName: "Editor", Roles: []string{"editor"}},
		{ID: 3, Login: "arthur.author", FirstName: "Arthur", LastName: "Author", Roles: []string{"author"}},
		{ID: 4, Login: "carl.contributor", FirstName: "Carl", LastName: "Contributor", Roles: []string{"contributor"}},
		{ID: 5, Login: "sam.subscriber", FirstName: "Sam", LastName: "Subscriber", Roles: []string{"subscriber"}},
		{ID: 6, Login: "zoe.durand", FirstName: "Zoé", LastName: "Durand", Roles: []string{"subscriber"}},
	} {
		u.Email = u.Login + "@example.test"
		s.AddUser(u)
	}
}

// SeedDemo adds the association's site as the demo shows it: the members-only
// role "adherent" (a plugin's), two editors who write the news, a
// functional administrator, an author, and members with the adherent role.
func (s *Server) SeedDemo() {
	s.AddRole("adherent", "Adhérent")
	for _, u := range []User{
		{Login: "c.bernard", FirstName: "Claire", LastName: "Bernard", Roles: []string{"administrator"}, Posts: 3},
		{Login: "j.dupont", FirstName: "Jeanne", LastName: "Dupont", Roles: []string{"editor"}, Posts: 12},
		{Login: "p.martin", FirstName: "Pierre", LastName: "Martin", Roles: []string{"editor"}, Posts: 7},
		{Login: "l.moreau", FirstName: "Louis", LastName: "Moreau", Roles: []string{"author"}, Posts: 2},
		{Login: "m.petit", FirstName: "Marie", LastName: "Petit", Roles: []string{"adherent"}},
		{Login: "h.garnier", FirstName: "Henri", LastName: "Garnier", Roles: []string{"adherent"}},
		{Login: "o.lefebvre", FirstName: "Odile", LastName: "Lefebvre", Roles: []string{"adherent"}},
		{Login: "m.roux", FirstName: "Marcel", LastName: "Roux", Roles: []string{"subscriber"}},
	} {
		u.Email = fold(u.FirstName) + "." + fold(u.LastName) + "@asso-exemple.fr"
		s.AddUser(u)
	}
}

var (
	firstNames = []string{"Jeanne", "Pierre", "Marie", "Louis", "Claire", "Henri", "Odile", "Marcel", "Zoé", "Hélène",
		"André", "Françoise", "Jacques", "Geneviève", "René", "Thérèse", "Lucien", "Agnès", "Gérard", "Cécile"}
	lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
		"Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"}
)

// Generate adds n accounts drawn from seed (the same seed gives the same
// accounts): logins prenom.nomN, e-mails prenom.nomN@example.test, roles
// mostly subscriber, one in 10 author, one in 50 editor, one in 25
// contributor. It returns them in ID order.
func (s *Server) Generate(n int, seed uint64) []User {
	rng := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]User, 0, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range n {
		f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		login := fold(f) + "." + fold(l) + strconv.Itoa(s.nextID)
		role := "subscriber"
		switch {
		case i%50 == 49:
			role = "editor"
		case i%25 == 24:
			role = "contributor"
		case i%10 == 9:
			role = "author"
		}
		u := s.insert(User{Login: login, Email: login + "@example.test", FirstName: f, LastName: l, Roles: []string{role}})
		out = append(out, User{ID: u.id, Login: u.login, Email: u.email, FirstName: f, LastName: l, Name: u.display, Roles: u.roles})
	}
	return out
}

// fold lower-cases s and drops the accents of Latin letters, as MariaDB's
// utf8mb4_unicode_ci compares.
func fold(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] < 0x80 && (s[i] < 'A' || s[i] > 'Z')
	}
	if plain {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if base, ok := accents[r]; ok {
			b.WriteString(base)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accents = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'æ': "ae", 'ß': "ss"}
	for base, list := range map[string]string{"a": "àáâãäåā", "c": "çćč", "e": "èéêëēėę", "i": "ìíîïī", "n": "ñń",
		"o": "òóôõöøō", "u": "ùúûüū", "y": "ýÿ", "s": "śš", "z": "źżž"} {
		for _, r := range list {
			m[r] = base
		}
	}
	return m
}()

// sanitizeTitle is sanitize_title for a login: accents dropped, lower
// case, '.' as '-', anything but letters, digits, '_' and '-' removed.
func sanitizeTitle(login string) string {
	var b strings.Builder
	for _, r := range fold(login) {
		switch {
		case r == '.' || unicode.IsSpace(r):
			b.WriteByte('-')
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-':
			b.WriteRune(r)
		}
	}
	out := b.String()
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	return strings.Trim(out, "-")
}

// uniqueNicename appends -2, -3… as wp_insert_user does when the slug is
// taken. Call with s.mu held.
func (s *Server) uniqueNicename(n string) string {
	out := n
	for i := 2; s.byNice[out] != nil; i++ {
		out = n + "-" + strconv.Itoa(i)
	}
	return out
}
