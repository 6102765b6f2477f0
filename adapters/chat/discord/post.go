package discord

import (
	"bytes"
	"cmp"
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/bot"
)

// maxMessage is Discord's limit on a message's content, in characters.
const maxMessage = 2000

// Post sends m to channel and returns the ID of its first message. A text
// longer than Discord's limit goes out as several messages (more than
// bot.MaxReplyMessages: as one attached file instead), the
// attachments with the last one; with m.ReplyTo the first one answers that
// message; with m.Approval the bot adds ✅ and ❌ to it and watches its
// reactions; with m.Ticket (an alert) it adds 🎫. Errors: Denied (missing permission), NotFound (unknown
// channel), Invalid, RateLimited, Unavailable.
func (c *Chat) Post(ctx context.Context, channel string, m bot.Message) (string, error) {
	if m.Text == "" && len(m.Attachments) == 0 {
		return "", &bot.Error{Provider: Platform, Op: "post message", Kind: bot.Invalid, Err: errEmpty}
	}
	text, files := c.fit(m.Text, m.Attachments)
	first, err := c.send(ctx, channel, text, m.ReplyTo, files)
	if err != nil {
		return first, err
	}
	var seed []string
	if m.Approval {
		c.votes.Add(first, channel)
		seed = []string{bot.EmojiApprove, bot.EmojiReject}
	}
	if m.Ticket {
		seed = append(seed, bot.EmojiTicket)
	}
	for _, e := range seed {
		// Without the bot's reactions people can still add their own.
		if err := c.s.MessageReactionAdd(channel, first, e, discordgo.WithContext(ctx)); err != nil {
			c.log.Warn().Err(check(err, "add reaction")).Str("message", first).Msg("reaction not added")
		}
	}
	return first, nil
}

// Direct sends m privately to userID, in their DM channel: the only place a
// secret leaves the bot. Errors: Denied (the user does not take DMs),
// NotFound (unknown user), RateLimited, Unavailable. The text never
// appears in an error or a log line.
func (c *Chat) Direct(ctx context.Context, userID string, m bot.Message) error {
	ch, err := c.dmChannel(ctx, userID)
	if err != nil {
		return err
	}
	text := m.PrivateText()
	if text == "" && len(m.Attachments) == 0 {
		return &bot.Error{Provider: Platform, Op: "send private message", Kind: bot.Invalid, Err: errEmpty}
	}
	files := m.Attachments
	if m.Secret.Empty() { // a secret never goes into a file
		text, files = c.fit(text, files)
	}
	_, err = c.send(ctx, ch, text, "", files)
	return err
}

// fit sends a text longer than bot.MaxReplyMessages messages as a file.
// Discord takes 10 files of up to 10 MiB on a message (API reference,
// "Uploading Files").
func (c *Chat) fit(text string, files []bot.Attachment) (string, []bot.Attachment) {
	return relay.Fit(c.cfg.Locale, text, len(split(text, maxMessage)) > bot.MaxReplyMessages, files)
}

var errEmpty = errors.New("empty message")

func (c *Chat) dmChannel(ctx context.Context, userID string) (string, error) {
	c.mu.Lock()
	ch, ok := c.dms[userID]
	c.mu.Unlock()
	if ok {
		return ch, nil
	}
	st, err := c.s.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return "", check(err, "open private channel")
	}
	c.mu.Lock()
	c.dms[userID] = st.ID
	c.mu.Unlock()
	return st.ID, nil
}

// send posts text (split at Discord's limit) and the files; it returns the
// first message's ID.
func (c *Chat) send(ctx context.Context, channel, text, replyTo string, files []bot.Attachment) (string, error) {
	chunks := split(text, maxMessage)
	first := ""
	for k, chunk := range chunks {
		ms := &discordgo.MessageSend{Content: chunk, AllowedMentions: noMentions()}
		if k == 0 && replyTo != "" {
			no := false
			ms.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channel, FailIfNotExists: &no}
		}
		if k == len(chunks)-1 {
			ms.Files = discordFiles(files)
		}
		msg, err := c.s.ChannelMessageSendComplex(channel, ms, discordgo.WithContext(ctx))
		if err != nil {
			return first, check(err, "post message")
		}
		if k == 0 {
			first = msg.ID
		}
	}
	return first, nil
}

// noMentions keeps user text from pinging anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func discordFiles(as []bot.Attachment) []*discordgo.File {
	var out []*discordgo.File
	for _, a := range as {
		ct := cmp.Or(a.ContentType, "application/octet-stream")
		out = append(out, &discordgo.File{Name: a.Name, ContentType: ct, Reader: bytes.NewReader(a.Data)})
	}
	return out
}

func split(text string, limit int) []string { return relay.Split(text, limit, true) }
