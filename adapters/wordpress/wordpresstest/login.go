package wordpresstest

import (
	"html"
	"net/http"
	"strings"
)

// Mail is a password-reset mail the site sent.
type Mail struct {
	To    string // the account's address
	Login string
}

// SetMailBroken makes the site unable to send mail, as a host without an
// MTA: wp_mail fails, so the lost-password form answers
// retrieve_password_email_failure.
func (s *Server) SetMailBroken(broken bool) { s.mu.Lock(); s.mailBroken = broken; s.mu.Unlock() }

// Mails returns the password-reset mails sent, oldest first.
func (s *Server) Mails() []Mail {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Mail(nil), s.mails...)
}

// lostPassword serves wp-login.php?action=lostpassword (and its alias
// retrievepassword) as WordPress 6.1 does: a POST runs retrieve_password
// (wp-includes/user.php) on user_login, an account's login or address;
// on success the site mails the reset link and redirects (302) to
// wp-login.php?checkemail=confirm; on an error it shows the form again
// (200) with the error in #login_error. A GET shows the form. The form is
// anonymous: the Authorization header plays no part.
func (s *Server) lostPassword(w http.ResponseWriter, r *http.Request) {
	var errText string
	if r.Method == http.MethodPost {
		if errText = s.retrievePassword(strings.TrimSpace(r.PostFormValue("user_login"))); errText == "" {
			w.Header().Set("Location", "wp-login.php?checkemail=confirm")
			w.WriteHeader(http.StatusFound)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	page := "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Lost Password &lsaquo; WordPress</title></head>\n<body class=\"login no-js login-action-lostpassword wp-core-ui\">\n<div id=\"login\">\n"
	if errText != "" {
		page += "<div id=\"login_error\">\t" + errText + "<br />\n</div>\n"
	}
	page += "<p class=\"message\">Please enter your username or email address. You will receive an email message with instructions on how to reset your password.</p>\n" +
		"<form name=\"lostpasswordform\" id=\"lostpasswordform\" action=\"" + html.EscapeString("http://"+r.Host+"/wp-login.php?action=lostpassword") + "\" method=\"post\">\n" +
		"<input type=\"text\" name=\"user_login\" id=\"user_login\" class=\"input\" value=\"" + html.EscapeString(r.PostFormValue("user_login")) + "\" size=\"20\" />\n" +
		"<input type=\"submit\" name=\"wp-submit\" id=\"wp-submit\" class=\"button button-primary button-large\" value=\"Get New Password\" />\n</form>\n</div>\n</body></html>\n"
	w.Write([]byte(page))
}

// retrievePassword is retrieve_password: "" when the mail went, else the
// error WordPress shows (empty_username, invalid_email, invalidcombo,
// retrieve_password_email_failure).
func (s *Server) retrievePassword(login string) string {
	const noAccount = "<strong>Error:</strong> There is no account with that username or email address."
	if login == "" {
		return "<strong>Error:</strong> Please enter a username or email address."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.byLogin[fold(login)]
	if strings.Contains(login, "@") && s.byEmail[strings.ToLower(login)] != nil {
		u = s.byEmail[strings.ToLower(login)]
	}
	switch {
	case u == nil:
		return noAccount
	case s.mailBroken:
		return "<strong>Error:</strong> The email could not be sent. Your site may not be correctly configured to send emails. " +
			"<a href=\"https://wordpress.org/support/article/resetting-your-password/\">Get support for resetting your password</a>."
	}
	s.mails = append(s.mails, Mail{To: u.email, Login: u.login})
	return ""
}
