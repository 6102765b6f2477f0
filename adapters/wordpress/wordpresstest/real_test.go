package wordpresstest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
)

// TestFakeAgainstRealWordPress seeds the fake with the accounts of a real
// WordPress started by scripts/wordpress-up.sh, sends the same requests to
// both (beyond the recordings: errors of every parameter, searches, sorts,
// _fields, offsets, the rest_route form with pages, callers of every kind,
// role changes that are then undone) and compares the answers as the
// replay test does. Without a real WordPress it is skipped, saying so.
func TestFakeAgainstRealWordPress(t *testing.T) {
	peer := wordpresstest.RealPeer(t)
	const fakePw = "fake fake fake fake fake fake"
	fake := wordpresstest.New(peer.User, fakePw)
	defer fake.Close()

	do := func(base, method, path, auth, contentType, body string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth)))
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}

	// Seed the fake with the real accounts (every page), their IDs, their
	// roles (those of plugins too) and who has posts.
	type account struct {
		ID                         int
		Username, Name, Email, URL string
		FirstName                  string `json:"first_name"`
		LastName                   string `json:"last_name"`
		Roles                      []string
	}
	var real []account
	for p := 1; ; p++ {
		resp, b := do(peer.URL, "GET", "/wp-json/wp/v2/users?context=edit&per_page=100&orderby=id&page="+strconv.Itoa(p),
			peer.User+":"+peer.AppPassword, "", "")
		var page []account
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatalf("real accounts, page %d: %v", p, err)
		}
		real = append(real, page...)
		if last, _ := strconv.Atoi(resp.Header.Get("X-WP-TotalPages")); p >= last {
			break
		}
	}
	if len(real) < 10 {
		t.Fatalf("%d real accounts", len(real))
	}
	_, b := do(peer.URL, "GET", "/wp-json/wp/v2/users?per_page=100", "", "", "")
	var posters []struct{ ID int }
	json.Unmarshal(b, &posters)
	hasPosts := map[int]bool{}
	for _, p := range posters {
		hasPosts[p.ID] = true
	}
	core := []string{"administrator", "editor", "author", "contributor", "subscriber"}
	for _, u := range real {
		for _, r := range u.Roles {
			if !slices.Contains(core, r) {
				fake.AddRole(r, r) // a plugin's role: a subscriber's capabilities, as setup.php gives it
			}
		}
		if u.Username == peer.User {
			if u.ID != 1 || !hasPosts[1] {
				t.Fatalf("the real administrator is %d (posts: %v); the fake's is 1 with a post", u.ID, hasPosts[1])
			}
			continue
		}
		posts := 0
		if hasPosts[u.ID] {
			posts = 1
		}
		fake.AddUser(wordpresstest.User{ID: u.ID, Login: u.Username, Email: u.Email, FirstName: u.FirstName,
			LastName: u.LastName, Name: u.Name, URL: u.URL, Roles: u.Roles, Posts: posts})
	}
	fakeEditorPw := fake.AddAppPassword(peer.EditorUser, "opsbot-test")
	sam, _ := fake.UserByLogin("sam.subscriber")
	samURL := "/wp-json/wp/v2/users/" + strconv.Itoa(sam.ID)

	type creds struct{ real, fake string }
	var (
		admin  = creds{peer.User + ":" + peer.AppPassword, peer.User + ":" + fakePw}
		editor = creds{peer.EditorUser + ":" + peer.EditorAppPassword, peer.EditorUser + ":" + fakeEditorPw}
		bad    = creds{peer.User + ":wrong-password-0000", peer.User + ":wrong-password-0000"}
		login  = creds{peer.User + ":" + peer.LoginPassword, peer.User + ":" + peer.LoginPassword}
		none   = creds{}
	)
	const users = "/wp-json/wp/v2/users"
	const js = "application/json"
	cases := []struct {
		name                      string
		as                        creds
		method, path, ctype, body string
	}{
		{"page 2 of 4", admin, "GET", users + "?context=edit&per_page=4&page=2", "", ""},
		{"rest_route with pages and _fields", admin, "GET", "/?rest_route=/wp/v2/users&context=edit&per_page=4&page=3&_fields=id,username,roles", "", ""},
		{"past the end", admin, "GET", users + "?context=edit&per_page=100&page=50", "", ""},
		{"several bad parameters", admin, "GET", users + "?page=abc&per_page=500&order=up", "", ""},
		{"bad context", admin, "GET", users + "?context=bogus", "", ""},
		{"bad orderby", admin, "GET", users + "?orderby=bogus", "", ""},
		{"bad include", admin, "GET", users + "?include=x", "", ""},
		{"bad order alone", admin, "GET", users + "?order=up", "", ""},
		{"bad who", admin, "GET", users + "?who=x", "", ""},
		{"bad context and page", admin, "GET", users + "?context=bogus&page=abc&orderby=x", "", ""},
		{"authors only", admin, "GET", users + "?who=authors&_fields=id", "", ""},
		{"exclude", admin, "GET", users + "?exclude=1,2&per_page=3&_fields=id", "", ""},
		{"page 0", admin, "GET", users + "?context=edit&page=0", "", ""},
		{"per_page 0", admin, "GET", users + "?context=edit&per_page=0", "", ""},
		{"search in names", admin, "GET", users + "?context=edit&search=zo", "", ""},
		{"search an address without case", admin, "GET", users + "?context=edit&search=EVE.EDITOR@example.test&_fields=id,email", "", ""},
		{"search a domain, 2 per page", admin, "GET", users + "?context=edit&search=example.test&per_page=2&_fields=id", "", ""},
		{"search a number: logins and the ID", admin, "GET", users + "?context=edit&search=2&_fields=id,username", "", ""},
		{"search with a space", admin, "GET", users + "?context=edit&search=Pierre%20M&_fields=id,name", "", ""},
		{"search with blanks around and inside", admin, "GET", users + "?context=edit&search=%20Pierre%20%20%09M%20&_fields=id,name", "", ""},
		{"search with an escape", admin, "GET", users + "?context=edit&search=Pier%2541re&_fields=id,name", "", ""},
		{"search an address with an escape", admin, "GET", users + "?context=edit&search=anne%2541b@example.test&_fields=id", "", ""},
		{"a login with a space", admin, "GET", users + "?context=edit&search=jean%20dupont&_fields=id,username,slug", "", ""},
		{"a plugin's role", admin, "GET", users + "?context=edit&roles=membre_actif", "", ""},
		{"page 2 of 100", admin, "GET", users + "?context=edit&per_page=100&page=2&_fields=id,username", "", ""},
		{"another account, edit context, editor", editor, "GET", samURL + "?context=edit", "", ""},
		{"another account, edit context, anonymous", none, "GET", samURL + "?context=edit", "", ""},
		{"search an accent", admin, "GET", users + "?context=edit&search=zoe&_fields=id,name", "", ""},
		{"two roles", admin, "GET", users + "?context=edit&roles=editor,author&_fields=id,name&per_page=100", "", ""},
		{"two roles, pages of 2", admin, "GET", users + "?context=edit&roles=editor,author&_fields=id&per_page=2&page=2", "", ""},
		{"a role nobody has", admin, "GET", users + "?context=edit&roles=nosuch", "", ""},
		{"by id, descending", admin, "GET", users + "?context=edit&orderby=id&order=desc&per_page=2&_fields=id", "", ""},
		{"offset", admin, "GET", users + "?offset=2&per_page=3&_fields=id", "", ""},
		{"by e-mail", admin, "GET", users + "?context=edit&orderby=email&per_page=3&_fields=id,email", "", ""},
		{"by slug", admin, "GET", users + "?context=edit&slug=eve-editor", "", ""},
		{"include in its order", admin, "GET", users + "?include=3,2,5&orderby=include&_fields=id", "", ""},
		{"embed context", admin, "GET", users + "?context=embed&per_page=2", "", ""},
		{"one user", admin, "GET", samURL + "?context=edit", "", ""},
		{"no such user", admin, "GET", users + "/9999?context=edit", "", ""},
		{"not an ID", admin, "GET", users + "/abc", "", ""},
		{"no such route", admin, "GET", "/wp-json/nope/x", "", ""},
		{"no such method", admin, "PUT", users, "", ""},
		{"me", admin, "GET", users + "/me?context=edit", "", ""},
		{"me, capabilities", editor, "GET", users + "/me?context=edit&_fields=id,username,roles,capabilities", "", ""},
		{"me, anonymous", none, "GET", users + "/me", "", ""},
		{"a user without posts, anonymous", none, "GET", samURL, "", ""},
		{"a user with posts, anonymous", none, "GET", users + "/1", "", ""},
		{"list, anonymous", none, "GET", users + "?per_page=100", "", ""},
		{"edit context, anonymous", none, "GET", users + "?context=edit", "", ""},
		{"edit context, editor", editor, "GET", users + "?context=edit&per_page=100", "", ""},
		{"list, editor", editor, "GET", users + "?per_page=100", "", ""},
		{"roles filter, editor", editor, "GET", users + "?roles=editor", "", ""},
		{"order by e-mail, editor", editor, "GET", users + "?orderby=email", "", ""},
		{"wrong password", bad, "GET", users + "?context=edit&per_page=100", "", ""},
		{"login password", login, "GET", users + "?context=edit&per_page=100", "", ""},
		{"promote", admin, "POST", samURL, js, `{"roles":["editor"]}`},
		{"several roles", admin, "POST", samURL + "?_fields=id,roles,capabilities", js, `{"roles":["subscriber","author"]}`},
		{"role as a string", admin, "POST", samURL + "?_fields=id,roles", js, `{"roles":"editor"}`},
		{"form body", admin, "POST", samURL + "?_fields=id,roles", "application/x-www-form-urlencoded", `roles=author`},
		{"back to subscriber", admin, "POST", samURL, js, `{"roles":["subscriber"]}`},
		{"unknown role", admin, "POST", samURL, js, `{"roles":["no-such-role"]}`},
		{"role not a string", admin, "POST", samURL, js, `{"roles":[5]}`},
		{"demote oneself", admin, "POST", users + "/1", js, `{"roles":["subscriber"]}`},
		{"promote nobody", admin, "POST", users + "/9999", js, `{"roles":["editor"]}`},
		{"editor promotes", editor, "POST", samURL, js, `{"roles":["editor"]}`},
		{"promote with a wrong password", bad, "POST", samURL, js, `{"roles":["editor"]}`},
		{"change the login", admin, "POST", samURL, js, `{"username":"sam2"}`},
		{"take an address", admin, "POST", samURL, js, `{"email":"eve.editor@example.test"}`},
		{"broken JSON", admin, "POST", samURL, js, `{"roles":`},
		{"delete without reassign", admin, "DELETE", samURL, "", ""},
		{"delete without force", admin, "DELETE", samURL + "?reassign=1", "", ""},
		{"create without fields", admin, "POST", users, js, `{"username":"x"}`},
		{"create an existing login", admin, "POST", users, js, `{"username":"eve.editor","email":"new@example.test","password":"p"}`},
		{"create, editor", editor, "POST", users, js, `{"username":"x2","email":"x2@example.test","password":"p"}`},
	}
	host := strings.TrimPrefix(fake.URL(), "http://")
	realHost := strings.TrimPrefix(peer.URL, "http://")
	norm := func(s string) string {
		s = strings.ReplaceAll(s, realHost, "HOST")
		return strings.ReplaceAll(s, host, "HOST")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr, wb := do(peer.URL, tc.method, tc.path, tc.as.real, tc.ctype, tc.body)
			gr, gb := do(fake.URL(), tc.method, tc.path, tc.as.fake, tc.ctype, tc.body)
			if gr.StatusCode != wr.StatusCode {
				t.Fatalf("fake %d, real %d\nfake: %s\nreal: %s", gr.StatusCode, wr.StatusCode, gb, wb)
			}
			for _, k := range headerNames(wr.Header, gr.Header) {
				if w, g := norm(strings.Join(wr.Header.Values(k), ", ")), norm(strings.Join(gr.Header.Values(k), ", ")); w != g {
					t.Errorf("header %s: fake %q, real %q", k, g, w)
				}
			}
			var want, got any
			if err := json.Unmarshal(wb, &want); err != nil {
				t.Fatalf("real answer: %v: %s", err, wb)
			}
			if err := json.Unmarshal(gb, &got); err != nil {
				t.Fatalf("fake answer: %v: %s", err, gb)
			}
			for _, d := range diffJSON("body", want, got, nil, norm) {
				t.Error(d)
			}
		})
	}

	// The lost-password form of a site that cannot send mail (Debian's
	// WordPress has no MTA): the same status, redirect and error.
	fake.SetMailBroken(true)
	loginError := regexp.MustCompile(`(?s)<div id="login_error">.*?</div>`)
	for _, login := range []string{"sam.subscriber", "Sam.Subscriber", "nobody.here", ""} {
		t.Run("lost password "+login, func(t *testing.T) {
			const path, form = "/wp-login.php?action=lostpassword", "application/x-www-form-urlencoded"
			body := "user_login=" + url.QueryEscape(login) + "&wp-submit=Get+New+Password"
			wr, wb := do(peer.URL, "POST", path, "", form, body)
			gr, gb := do(fake.URL(), "POST", path, "", form, body)
			if gr.StatusCode != wr.StatusCode || gr.Header.Get("Location") != wr.Header.Get("Location") {
				t.Fatalf("fake %d %q, real %d %q", gr.StatusCode, gr.Header.Get("Location"), wr.StatusCode, wr.Header.Get("Location"))
			}
			if w, g := loginError.Find(wb), loginError.Find(gb); string(w) != string(g) {
				t.Errorf("error: fake %q, real %q", g, w)
			}
		})
	}
}
