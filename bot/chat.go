package bot

import "context"

// Chat is what the engine needs of a chat platform. Adapters (discord,
// mattermost, console) implement it; errors are of kind Unavailable when the
// platform cannot be reached and Denied when the bot lacks a permission.
type Chat interface {
	// Post sends m to a channel (in the thread of m.ReplyTo when set) and
	// returns the new message's ID. When m.Approval is set the adapter offers
	// ✅ and ❌ on it (reactions, and buttons where the platform has them);
	// when m.Ticket is set it adds its own 🎫.
	Post(ctx context.Context, channel string, m Message) (string, error)
	// Direct sends m privately to one user. It is the only way a secret
	// leaves the bot.
	Direct(ctx context.Context, userID string, m Message) error
}

// ApprovalWatcher is implemented by the chat adapters that re-read the
// reactions of change-request posts when their connection to the platform
// opens (Discord, Mattermost). At start the engine hands them the posts of
// the requests still pending, made before the restart (see
// Engine.WatchPending), so that a ✅ or ❌ given while opsbot was stopped is
// delivered once it is back, like a live reaction.
type ApprovalWatcher interface {
	WatchApproval(channel, messageID string)
}

// Message is something the bot says.
type Message struct {
	Text        string
	Attachments []Attachment
	ReplyTo     string // message ID of the thread parent, if any
	Approval    bool   // a change-request post: offer ✅ and ❌
	Ticket      bool   // an alert post: offer 🎫
	// Secret is revealed only by Direct, through PrivateText.
	Secret Secret
}

// PrivateText returns the text of a private message with its secret revealed.
// Only a chat adapter's Direct calls it.
func (m Message) PrivateText() string {
	if m.Secret.Empty() {
		return m.Text
	}
	return m.Text + "\n\n" + m.Secret.Reveal()
}

// Attachment is a file sent with a message (the coherence CSV report).
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Responder answers the person who ran a command. Adapters answer privately
// (ephemeral) unless the reply asks to be posted in the channel.
type Responder interface {
	Respond(ctx context.Context, r Reply) error
}

// ResponderFunc adapts a function to Responder.
type ResponderFunc func(ctx context.Context, r Reply) error

// Respond calls f.
func (f ResponderFunc) Respond(ctx context.Context, r Reply) error { return f(ctx, r) }

// Invocation is one slash command as a chat adapter received it.
type Invocation struct {
	ID       string // set by the engine when empty
	Platform string // "discord", "mattermost", "console"
	Caller   Person
	Channel  string
	Text     string // the command line without the slash: "mail passwd a@b.fr"
	Respond  Responder
}

// Reaction is an emoji added to (or removed from) a message.
type Reaction struct {
	Platform  string
	Channel   string
	MessageID string
	User      Person
	Emoji     string // as the platform sends it: "✅", "white_check_mark", ":x:"
	Removed   bool
}

// Reply is what a handler answers.
type Reply struct {
	Text        string
	Attachments []Attachment
	// InChannel posts the reply in the invocation's channel for everyone;
	// otherwise only the caller sees it.
	InChannel bool
}

// Handler receives what a chat adapter hears. The engine implements it; an
// adapter's Run(ctx, h) delivers every slash command and every reaction to h.
// Both methods answer people themselves and never return an error.
type Handler interface {
	Handle(ctx context.Context, inv Invocation)
	React(ctx context.Context, r Reaction)
}
