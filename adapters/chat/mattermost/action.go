package mattermost

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/anopex/opsbot/bot"
)

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
		ack := c.t("Votre refus est transmis.", "Your rejection was sent.")
		if re.Emoji == emojiApprove {
			ack = c.t("Votre approbation est transmise.", "Your approval was sent.")
		}
		writeJSON(w, map[string]any{"ephemeral_text": ack, "skip_slack_parsing": true}) // model.PostActionIntegrationResponse
		c.deliver(ctx, h, re)
	}
}

// body returns the body of a POST of at most maxBody bytes; it answers
// anything else itself (405, 413, 400) and returns false.
func (c *Chat) body(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
	case err != nil:
		http.Error(w, "bad request", http.StatusBadRequest)
	default:
		return body, true
	}
	return nil, false
}
