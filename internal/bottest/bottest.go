// Package bottest holds the test doubles the engine, the commands and main
// share: Chat, a bot.Chat that records everything the bot says (posts,
// private messages, answers to commands), and Session, which types commands
// and reactions into an engine as the people of a policy, so that a test
// reads the whole conversation back as a transcript and compares it with a
// golden file (testdata/*.golden, rewritten with -update).
package bottest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/anopex/opsbot/bot"
)

// Kind says what a recorded message is.
type Kind string

// The kinds of recorded messages.
const (
	Post   Kind = "post"   // the bot posted in a channel (Chat.Post)
	Direct Kind = "direct" // the bot wrote privately to someone (Chat.Direct)
	Reply  Kind = "reply"  // the bot answered a command (a Responder)
	Input  Kind = "input"  // a person typed a command or reacted (Session)
	Note   Kind = "note"   // the test's own comment in the transcript
)

// Message is one recorded message, in the order it was said.
type Message struct {
	Kind Kind
	ID   string // a post's message ID ("m1")
	To   string // the channel of a post; the person of a direct message, a reply or an input
	// Text is what the person reads: a direct message with its secret
	// revealed, as a chat adapter sends it.
	Text  string
	Msg   bot.Message // a post or direct message as the bot handed it over
	Reply bot.Reply   // an answer to a command
}

// Chat is a bot.Chat that records what it is told. It is safe for
// concurrent use; the zero value is ready, numbering its posts m1, m2…
type Chat struct {
	// Prefix starts the message IDs of posts ("m" when empty). Set it before use.
	Prefix string

	mu         sync.Mutex
	seq        int
	log        []Message
	fail       error
	failDirect func(user string, m bot.Message) error
	onPost     func(id string, m bot.Message)
	watched    []string
	taken      int           // posts already returned by Take
	changed    chan struct{} // closed, and replaced, at each new message
}

// Post records m as a post in channel and returns its new ID. Like a real
// platform call it fails on a context that has ended; it also fails with
// the error set by Fail.
func (c *Chat) Post(ctx context.Context, channel string, m bot.Message) (string, error) {
	c.mu.Lock()
	if err := c.refuse(ctx); err != nil {
		c.mu.Unlock()
		return "", err
	}
	c.seq++
	p := c.Prefix
	if p == "" {
		p = "m"
	}
	id := fmt.Sprintf("%s%d", p, c.seq)
	c.record(Message{Kind: Post, ID: id, To: channel, Text: m.Text, Msg: m})
	hook := c.onPost
	c.mu.Unlock()
	if hook != nil {
		hook(id, m)
	}
	return id, nil
}

// Direct records m as a private message to userID. It fails on a context
// that has ended, with the error set by Fail, or with what the function
// set by FailDirect returns.
func (c *Chat) Direct(ctx context.Context, userID string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refuse(ctx); err != nil {
		return err
	}
	if c.failDirect != nil {
		if err := c.failDirect(userID, m); err != nil {
			return err
		}
	}
	c.record(Message{Kind: Direct, To: userID, Text: m.PrivateText(), Msg: m})
	return nil
}

// refuse returns why a call cannot go through, nil when it can; c.mu is held.
func (c *Chat) refuse(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &bot.Error{Provider: "chat", Kind: bot.Unavailable, Err: err}
	}
	return c.fail
}

// Fail makes Post and Direct return err from now on; Fail(nil) heals them.
func (c *Chat) Fail(err error) {
	c.mu.Lock()
	c.fail = err
	c.mu.Unlock()
}

// FailDirect makes Direct return what f returns when it is not nil (a
// person who refuses private messages); FailDirect(nil) heals it.
func (c *Chat) FailDirect(f func(user string, m bot.Message) error) {
	c.mu.Lock()
	c.failDirect = f
	c.mu.Unlock()
}

// OnPost has f called after each post is recorded, before Post returns
// (to race a reaction against the end of a post).
func (c *Chat) OnPost(f func(id string, m bot.Message)) {
	c.mu.Lock()
	c.onPost = f
	c.mu.Unlock()
}

// WatchApproval records the call (bot.ApprovalWatcher), as "channel/messageID".
func (c *Chat) WatchApproval(channel, messageID string) {
	c.mu.Lock()
	c.watched = append(c.watched, channel+"/"+messageID)
	c.mu.Unlock()
}

// Watched returns the WatchApproval calls so far, in order.
func (c *Chat) Watched() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.watched...)
}

// Responder returns a bot.Responder that records the answers to user.
func (c *Chat) Responder(user string) bot.Responder {
	return bot.ResponderFunc(func(_ context.Context, r bot.Reply) error {
		c.add(Message{Kind: Reply, To: user, Text: r.Text, Reply: r})
		return nil
	})
}

func (c *Chat) add(m Message) {
	c.mu.Lock()
	c.record(m)
	c.mu.Unlock()
}

// record appends m and wakes WaitPosts; c.mu is held.
func (c *Chat) record(m Message) {
	c.log = append(c.log, m)
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

// WaitPosts waits until n posts have been made (by a scheduler running on
// its own, say) and returns them, or returns ctx's error when it ends first.
func (c *Chat) WaitPosts(ctx context.Context, n int) ([]Message, error) {
	for {
		c.mu.Lock()
		posts := 0
		for _, m := range c.log {
			if m.Kind == Post {
				posts++
			}
		}
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		wake := c.changed
		c.mu.Unlock()
		if posts >= n {
			return c.Messages(Post), nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return c.Messages(Post), ctx.Err()
		}
	}
}

// Messages returns every recorded message of the given kinds (all kinds
// when none is given), oldest first.
func (c *Chat) Messages(kinds ...Kind) []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Message
	for _, m := range c.log {
		if len(kinds) == 0 || contains(kinds, m.Kind) {
			out = append(out, m)
		}
	}
	return out
}

func contains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Texts returns the texts of the messages of the given kinds, oldest first.
func (c *Chat) Texts(kinds ...Kind) []string {
	var out []string
	for _, m := range c.Messages(kinds...) {
		out = append(out, m.Text)
	}
	return out
}

// Count returns how many posts were made.
func (c *Chat) Count() int { return len(c.Messages(Post)) }

// LastID returns the ID of the latest post, "" if none.
func (c *Chat) LastID() string {
	return c.last(func(Message) bool { return true })
}

// LastApproval returns the ID of the latest change-request post, "" if none.
func (c *Chat) LastApproval() string {
	return c.last(func(m Message) bool { return m.Msg.Approval })
}

// last returns the ID of the latest post that ok accepts.
func (c *Chat) last(ok func(Message) bool) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.log) - 1; i >= 0; i-- {
		if m := c.log[i]; m.Kind == Post && ok(m) {
			return m.ID
		}
	}
	return ""
}

// DirectsTo returns the private messages to user as they read them, oldest first.
func (c *Chat) DirectsTo(user string) []string {
	var out []string
	for _, m := range c.Messages(Direct) {
		if m.To == user {
			out = append(out, m.Text)
		}
	}
	return out
}

// IDOf returns the ID of the first post whose text holds sub, "" if none.
func (c *Chat) IDOf(sub string) string {
	for _, m := range c.Messages(Post) {
		if strings.Contains(m.Text, sub) {
			return m.ID
		}
	}
	return ""
}

// Take returns the posts made since the last call, each rendered on one
// line as "[#channel id] ↳parent 🎫 text" (🎫: the post offers it).
func (c *Chat) Take() []string {
	posts := c.Messages(Post)
	c.mu.Lock()
	from := min(c.taken, len(posts))
	c.taken = len(posts)
	c.mu.Unlock()
	var out []string
	for _, m := range posts[from:] {
		line := fmt.Sprintf("[#%s %s]", m.To, m.ID)
		if m.Msg.ReplyTo != "" {
			line += " ↳" + m.Msg.ReplyTo
		}
		if m.Msg.Ticket {
			line += " 🎫"
		}
		out = append(out, line+" "+m.Text)
	}
	return out
}

// Transcript renders every recorded message, one per paragraph, as a
// person would follow the conversation: what was typed, what the bot
// answered (privately or in the channel), posted and wrote privately. A
// secret is shown as <secret>, never revealed, so that a transcript can be
// committed.
func (c *Chat) Transcript() string {
	var b strings.Builder
	for _, m := range c.Messages() {
		var head, text string
		switch m.Kind {
		case Input:
			head, text = "> "+m.To+":", m.Text
		case Note:
			head, text = "#", m.Text
		case Reply:
			where := "privé"
			if m.Reply.InChannel {
				where = "canal"
			}
			head, text = fmt.Sprintf("< %s (%s):", m.To, where), m.Text
			for _, a := range m.Reply.Attachments {
				text += fmt.Sprintf("\n📎 %s (%s, %d octets)", a.Name, a.ContentType, len(a.Data))
			}
		case Post:
			head = fmt.Sprintf("[#%s %s]", m.To, m.ID)
			if m.Msg.ReplyTo != "" {
				head += " ↳" + m.Msg.ReplyTo
			}
			if m.Msg.Approval {
				head += " ✅❌"
			}
			if m.Msg.Ticket {
				head += " 🎫"
			}
			text = m.Text
		case Direct:
			head, text = "[@"+m.To+"]", m.Msg.Text
			if !m.Msg.Secret.Empty() {
				text += "\n<secret>"
			}
		}
		b.WriteString(head + " " + strings.ReplaceAll(text, "\n", "\n    ") + "\n")
	}
	return b.String()
}
