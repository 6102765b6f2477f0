package mattermost

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/bot"
)

// The emoji names the bot seeds on a change request, and the button IDs.
// The names are Mattermost's system emoji (server/public/model/emoji_data.go,
// SystemEmojis): "ticket" is 1f3ab 🎫, while "tickets" and
// "admission_tickets" are 1f39f 🎟, another emoji.
const (
	emojiApprove  = "white_check_mark"
	emojiReject   = "x"
	emojiAck      = "eyes"
	emojiTicket   = "ticket"
	actionApprove = "approve"
	actionReject  = "reject"
)

// maxPostRunes is Mattermost's post size limit (model.PostMessageMaxRunesV2,
// 65535 bytes over 4).
const maxPostRunes = 16383

// Post sends m to channel as the bot and returns the post ID: files are
// uploaded first and attached, ReplyTo makes it a reply in that thread. A
// change request (m.Approval) gets the bot's ✅ and ❌ reactions and two
// buttons, Approuver and Refuser, whose signed action leads back to the bot;
// an alert post (m.Ticket) gets its 🎫.
// Errors: Denied when the bot may not post there, Unavailable when the
// server cannot be reached. Once the post exists, a failure to add the
// reactions or buttons is logged, not returned: people can still react.
func (c *Chat) Post(ctx context.Context, channel string, m bot.Message) (string, error) {
	m.Text, m.Attachments = c.fit(noMentions(m.Text), m.Attachments)
	return c.post(ctx, channel, m.Text, m)
}

// fit sends a text longer than bot.MaxReplyMessages posts as a file. A
// post takes at most 5 files (API reference, create post: file_ids), each up
// to the server's FileSettings.MaxFileSize (100 MB by default); opsbot sends
// one or two.
func (c *Chat) fit(text string, files []bot.Attachment) (string, []bot.Attachment) {
	return relay.Fit(c.cfg.Locale, text, len(split(text, maxPostRunes)) > bot.MaxReplyMessages, files)
}

// Direct sends m privately to userID in the direct channel between the bot
// and the user; the message's secret is revealed here and nowhere else.
func (c *Chat) Direct(ctx context.Context, userID string, m bot.Message) error {
	ch, err := c.directChannel(ctx, userID)
	if err != nil {
		return err
	}
	m.Approval, m.ReplyTo = false, ""
	m.Text = noMentions(m.Text) // never the secret, which must arrive as it is
	text := m.PrivateText()
	if m.Secret.Empty() { // a secret never goes into a file
		text, m.Attachments = c.fit(text, m.Attachments)
	}
	_, err = c.post(ctx, ch, text, m)
	return err
}

func (c *Chat) post(ctx context.Context, channel, text string, m bot.Message) (string, error) {
	var files []string
	for _, a := range m.Attachments {
		// API: POST /api/v4/files?channel_id=&filename= with the file as the body.
		var up struct {
			FileInfos []struct{ ID string } `json:"file_infos"`
		}
		q := url.Values{"channel_id": {channel}, "filename": {a.Name}}.Encode()
		if _, err := c.api.do(ctx, "upload file", http.MethodPost, "/files?"+q, a.Data, &up); err != nil {
			return "", err
		}
		for _, fi := range up.FileInfos {
			files = append(files, fi.ID)
		}
	}
	parts := split(text, maxPostRunes)
	var first string
	for i, part := range parts {
		p := post{ChannelID: channel, Message: part, RootID: m.ReplyTo}
		if i == len(parts)-1 {
			p.FileIDs = files
		}
		if i > 0 && m.ReplyTo == "" {
			p.RootID = first // the rest of a long message follows in its thread
		}
		if _, err := c.api.do(ctx, "create post", http.MethodPost, "/posts", p, &p); err != nil {
			return "", err
		}
		if i == 0 {
			first = p.ID
		}
	}
	if m.Approval {
		c.offerVote(ctx, channel, first)
	}
	if m.Ticket {
		c.seed(ctx, first, emojiTicket)
	}
	return first, nil
}

// seed adds the bot's own reactions to a post; a failure is logged, not
// returned: people can still react.
func (c *Chat) seed(ctx context.Context, postID string, emoji ...string) {
	botID, err := c.BotID(ctx)
	if err != nil {
		c.log.Warn().Err(err).Str("post", postID).Msg("reactions not added")
		return
	}
	for _, e := range emoji {
		r := reaction{UserID: botID, PostID: postID, EmojiName: e}
		if _, err := c.api.do(ctx, "save reaction", http.MethodPost, "/reactions", r, nil); err != nil {
			c.log.Warn().Err(err).Str("post", postID).Str("emoji", e).Msg("reaction not added")
		}
	}
}

// offerVote seeds ✅ and ❌ on a change request and adds the buttons. The
// buttons' context is signed over the post ID, so it is added by a patch
// once the post exists.
func (c *Chat) offerVote(ctx context.Context, channel, postID string) {
	c.watch.Add(postID, channel)
	c.seed(ctx, postID, emojiApprove, emojiReject)
	// A message attachment with two buttons (reference §6).
	props := map[string]any{"attachments": []map[string]any{{
		"fallback": c.cfg.Locale.Pick("Approuver ou refuser la demande", "Approve or reject the request"),
		"actions": []map[string]any{
			c.button(actionApprove, c.cfg.Locale.Pick("Approuver", "Approve"), "success", postID, channel),
			c.button(actionReject, c.cfg.Locale.Pick("Refuser", "Reject"), "danger", postID, channel),
		},
	}}}
	if _, err := c.api.do(ctx, "patch post", http.MethodPut, "/posts/"+postID+"/patch", map[string]any{"props": props}, nil); err != nil {
		c.log.Warn().Err(err).Str("post", postID).Msg("approval buttons not added")
	}
}

func (c *Chat) button(action, label, style, postID, channel string) map[string]any {
	return map[string]any{"id": action, "type": "button", "name": label, "style": style,
		"integration": map[string]any{"url": c.cfg.PublicURL + ActionPath,
			"context": map[string]string{"action": action, "sig": c.sign(postID, channel, action)}}}
}

// sign binds a button to its post, its channel and its action: a context
// copied to another post or turned from reject into approve does not verify.
func (c *Chat) sign(postID, channel, action string) string {
	mac := hmac.New(sha256.New, c.actionKey)
	fmt.Fprintf(mac, "%s\x00%s\x00%s", postID, channel, action)
	return hex.EncodeToString(mac.Sum(nil))
}

// verify checks a button's signature in constant time.
func (c *Chat) verify(postID, channel, action, sig string) bool {
	return hmac.Equal([]byte(sig), []byte(c.sign(postID, channel, action)))
}

// directChannel returns (creating it if needed) the direct channel between
// the bot and userID; the server returns the existing one when there is.
func (c *Chat) directChannel(ctx context.Context, userID string) (string, error) {
	c.mu.Lock()
	ch, ok := c.dms[userID]
	c.mu.Unlock()
	if ok {
		return ch, nil
	}
	botID, err := c.BotID(ctx)
	if err != nil {
		return "", err
	}
	var got struct{ ID string }
	if _, err := c.api.do(ctx, "create direct channel", http.MethodPost, "/channels/direct", []string{botID, userID}, &got); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.dms[userID] = got.ID
	c.mu.Unlock()
	return got.ID, nil
}

func split(text string, limit int) []string { return relay.Split(text, limit, false) }

// mention is an @ that Mattermost would read as a mention: at the start or
// after a character that cannot end a username (so an e-mail address's @ is
// not one), followed by a username character. @channel, @all, @here and
// @someone in text the bot echoes (a preview, a ticket's body) would notify
// the channel or that person. Compiled on first use: its Unicode classes
// allocate 57 KB at every start (GODEBUG=inittrace=1), Mattermost configured or not.
var mention = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[^\p{L}\p{N}_.\-])@([\p{L}\p{N}_.\-])`) })

// noMentions puts a zero-width space after each such @: the text reads the
// same, and Mattermost, whose mention parser splits words on white space and
// punctuation (U+200B is neither), finds no mention in "@\u200bchannel".
// Discord's allowed_mentions does the same job there.
func noMentions(s string) string {
	return mention().ReplaceAllString(s, "$1@\u200b$2")
}

// parseAction decodes a button's integration request (reference §6) and
// checks its signed context: a click becomes the ✅ or ❌ reaction of the
// clicking user. It returns ok false for anything that was not produced by
// one of the bot's own buttons.
func (c *Chat) parseAction(body []byte) (reactionEvent, bool) {
	var req struct { // model.PostActionIntegrationRequest
		UserID    string         `json:"user_id"`
		ChannelID string         `json:"channel_id"`
		PostID    string         `json:"post_id"`
		Context   map[string]any `json:"context"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return reactionEvent{}, false
	}
	action, _ := req.Context["action"].(string)
	sig, _ := req.Context["sig"].(string)
	emoji := map[string]string{actionApprove: emojiApprove, actionReject: emojiReject}[action]
	if req.UserID == "" || req.PostID == "" || req.ChannelID == "" || emoji == "" || !c.verify(req.PostID, req.ChannelID, action, sig) {
		return reactionEvent{}, false
	}
	return reactionEvent{UserID: req.UserID, ChannelID: req.ChannelID, PostID: req.PostID, Emoji: emoji}, true
}

// serveAction is the buttons' endpoint. A click with a valid signature
// becomes a bot.Reaction (✅ or ❌) from the clicking user, handled in the
// post's queue like an emoji; the person sees an ephemeral acknowledgement.
// A forged or tampered request gets 401 and nothing happens.
func (c *Chat) serveAction(ctx context.Context, h bot.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := c.body(w, r)
		if !ok {
			return
		}
		re, ok := c.parseAction(body)
		if !ok {
			c.log.Warn().Str("remote", r.RemoteAddr).Msg("button action with a bad signature refused")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		ack := c.cfg.Locale.Pick("Votre refus est transmis.", "Your rejection was sent.")
		if re.Emoji == emojiApprove {
			ack = c.cfg.Locale.Pick("Votre approbation est transmise.", "Your approval was sent.")
		}
		writeJSON(w, map[string]any{"ephemeral_text": ack, "skip_slack_parsing": true}) // model.PostActionIntegrationResponse
		c.deliver(ctx, h, re)
	}
}
