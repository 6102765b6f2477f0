package mattermost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/bot"
)

// Umbrella is the trigger that reaches every command, including the
// families whose name is a Mattermost built-in (/opsbot help).
const Umbrella = "opsbot"

// slashCommand is what the adapter keeps of Mattermost's slash-command form
// (reference §3.2).
type slashCommand struct {
	Trigger     string // "mail", without the slash, lower case
	Text        string // the engine's command line: "mail passwd a@b.fr"
	TeamID      string
	UserID      string
	UserName    string
	ChannelID   string
	ResponseURL string
}

// errBadForm is a form that lacks a field Mattermost always sends.
var errBadForm = errors.New("slash command: missing field")

// parseSlash reads the form Mattermost POSTs. The command's own text becomes
// "family text"; for the umbrella /opsbot it is the text alone ("help" when
// empty).
func parseSlash(form url.Values) (slashCommand, error) {
	sc := slashCommand{
		Trigger:     strings.ToLower(strings.TrimPrefix(strings.TrimSpace(form.Get("command")), "/")),
		TeamID:      form.Get("team_id"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		ChannelID:   form.Get("channel_id"),
		ResponseURL: form.Get("response_url"),
	}
	if sc.Trigger == "" || strings.ContainsFunc(sc.Trigger, unicode.IsSpace) || sc.UserID == "" || sc.ChannelID == "" || sc.ResponseURL == "" {
		return sc, errBadForm
	}
	// Only trimmed: splitting is the tokenizer's job, and a body after "--"
	// (ticket, evolution) keeps its lines and spaces.
	text := strings.TrimSpace(form.Get("text"))
	switch {
	case sc.Trigger == Umbrella && text == "":
		sc.Text = "help"
	case sc.Trigger == Umbrella:
		sc.Text = text
	default:
		sc.Text = strings.TrimSpace(sc.Trigger + " " + text)
	}
	return sc, nil
}

// requestToken returns the command token of a request: the
// "Authorization: Token …" header, else the form's token field. A header
// of another scheme is not the command's: recent servers replace it with
// the one of an outgoing OAuth connection matching the bot's URL (reference
// §3.2), and the form still carries the command token.
func requestToken(header http.Header, form url.Values) string {
	if h := header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		if ok && strings.EqualFold(scheme, "token") {
			return strings.TrimSpace(tok)
		}
	}
	return form.Get("token")
}

// responseURLOK reports whether u is a command webhook of the configured
// server: the site's scheme and host, and a cleaned path that is the
// site's path, /hooks/commands/ and one ID. The adapter posts answers (and
// their text) there, so a forged form must not send them elsewhere.
func (c *Chat) responseURLOK(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.User != nil || p.RawQuery != "" || p.Fragment != "" || p.Opaque != "" {
		return false
	}
	if !strings.EqualFold(p.Scheme, c.site.Scheme) || !strings.EqualFold(p.Host, c.site.Host) {
		return false
	}
	prefix := strings.TrimRight(c.site.Path, "/") + "/hooks/commands/"
	id, ok := strings.CutPrefix(p.Path, prefix)
	return ok && path.Clean(p.Path) == p.Path && id != "" && !strings.Contains(id, "/")
}

// tokenOK compares got with the trigger's token in constant time. An unknown
// trigger is compared against a dummy so that it takes as long.
func (c *Chat) tokenOK(trigger, got string) bool {
	want, ok := c.cmdTokens[trigger]
	if !ok {
		want = []byte("opsbot-unknown-trigger-dummy-token")
	}
	eq := subtle.ConstantTimeCompare([]byte(got), want) == 1
	return ok && eq && got != ""
}

// serveCommand is the slash-command endpoint. It checks the token (401 and
// nothing runs when it is wrong or missing), answers at once with an
// ephemeral "en cours…" and runs the invocation in the background; the
// engine's reply goes to response_url.
func (c *Chat) serveCommand(ctx context.Context, h bot.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := c.body(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		trigger := strings.ToLower(strings.TrimPrefix(form.Get("command"), "/"))
		if !c.tokenOK(trigger, requestToken(r.Header, form)) {
			c.log.Warn().Str("trigger", trigger).Str("remote", r.RemoteAddr).Msg("slash command with a wrong token refused")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		sc, err := parseSlash(form)
		if err != nil || !c.responseURLOK(sc.ResponseURL) {
			c.log.Warn().Str("trigger", trigger).Msg("slash command form refused")
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if sc.TeamID != c.cfg.TeamID {
			// Roles are read in the configured team: a command run in
			// another one (a token copied there) runs nothing.
			c.log.Warn().Str("trigger", trigger).Str("team", sc.TeamID).Str("user", sc.UserID).Msg("slash command from another team refused")
			writeJSON(w, commandResponse{ResponseType: "ephemeral", SkipSlackParsing: true,
				Text: c.cfg.Locale.Pick("opsbot ne répond pas aux commandes de cette équipe.", "opsbot does not answer commands in this team.")})
			return
		}
		writeJSON(w, commandResponse{ResponseType: "ephemeral", Text: c.cfg.Locale.Pick("en cours…", "working…"), SkipSlackParsing: true})
		c.wg.Go(func() { c.invoke(ctx, h, sc) })
	}
}

// invoke resolves the caller and hands the invocation to the engine.
func (c *Chat) invoke(ctx context.Context, h bot.Handler, sc slashCommand) {
	rs := &responder{c: c, url: sc.ResponseURL, channel: sc.ChannelID, user: sc.UserID}
	log := c.log.With().Str("trigger", sc.Trigger).Str("user", sc.UserID).Str("channel", sc.ChannelID).Logger()
	defer relay.Recover(log, "slash command", bot.PanicText(c.cfg.Locale, "mattermost/"+sc.Trigger), func(m bot.Message) error {
		return rs.Respond(context.WithoutCancel(ctx), bot.Reply{Text: m.Text})
	})
	p, err := c.person(ctx, sc.UserID, false)
	if err != nil {
		c.log.Warn().Err(err).Str("user", sc.UserID).Msg("caller not resolved; configured roles only")
		p = c.cfg.Policy.Person(Platform, sc.UserID, sc.UserName, nil, false)
	}
	h.Handle(ctx, bot.Invocation{Platform: Platform, Caller: p, Channel: sc.ChannelID, Text: sc.Text, Respond: rs})
}

// responder delivers an engine reply through the command's response_url:
// ephemeral unless the reply asks for the channel. Files cannot go through
// response_url: the bot posts them itself, in the channel for an in-channel
// reply, else in a private message to the caller.
type responder struct {
	c       *Chat
	url     string
	channel string
	user    string
}

func (rs *responder) Respond(ctx context.Context, r bot.Reply) error {
	c := rs.c
	r.Text, r.Attachments = c.fit(noMentions(r.Text), r.Attachments)
	text := r.Text
	if len(r.Attachments) > 0 {
		m := bot.Message{Text: r.Text, Attachments: r.Attachments}
		if r.InChannel {
			_, err := c.Post(ctx, rs.channel, m)
			return err
		}
		if err := c.Direct(ctx, rs.user, m); err != nil {
			return err
		}
		text = c.cfg.Locale.Pick("Le résultat et son fichier vous sont envoyés en message privé.", "The result and its file were sent to you privately.")
	}
	typ := "ephemeral"
	if r.InChannel {
		typ = "in_channel"
	}
	parts := split(text, maxPostRunes)
	cr := commandResponse{ResponseType: typ, Text: parts[0], SkipSlackParsing: true}
	for _, p := range parts[1:] {
		cr.ExtraResponses = append(cr.ExtraResponses, commandResponse{ResponseType: typ, Text: p, SkipSlackParsing: true})
	}
	_, err := client{url: rs.url, hc: c.cfg.HTTPClient}.do(ctx, "respond", http.MethodPost, "", cr, nil)
	return err
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v) // the adapter's response types always encode
}
