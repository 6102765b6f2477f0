// Package console is the terminal chat: commands read from a reader (a
// person at a terminal, or a piped script run line by line), everything the
// bot says written to a writer as "[ID] TARGET: TEXT", where TARGET is
// #channel for a channel post, @user for a private message and ~user for an
// answer only the caller sees. Continuation lines are indented.
//
// Lines: "/COMMAND ARGS" runs a command as the current identity; "/as NAME"
// switches identity; "react ID EMOJI" and "unreact ID EMOJI" add or remove a
// reaction (ID may be "last", the latest change-request message); "#…" is a
// comment; "/quit" ends the session.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/bot"
)

// Platform is the platform name the console reports, and the key of console
// user IDs in the policy.
const Platform = "console"

// Console is a bot.Chat on a terminal.
type Console struct {
	in      io.Reader
	policy  *bot.Policy
	dir     string // where attachments are written
	current string // who is typing: Run's alone

	out    io.Writer
	errw   io.Writer  // where panics are logged (stderr)
	locale bot.Locale // set before Run

	mu          sync.Mutex
	seq         int
	lastRequest string
}

var _ bot.Chat = (*Console)(nil)

// New returns a console reading commands from in and writing to out, acting
// as the person the policy knows under the console ID start. Attachments are
// written under dir.
func New(in io.Reader, out io.Writer, policy *bot.Policy, start, dir string) *Console {
	return &Console{in: in, out: out, errw: os.Stderr, policy: policy, current: start, dir: dir}
}

// Continue makes the console number its messages after the highest
// number in used, the message IDs the data file records for the console
// (storage's MessageIDs). Call it before Run: a session then never gives a
// message the number of one of an earlier session's change requests or
// alerts, so `react N ✅` on a new message cannot vote on an old request
// (while `react N ✅` on an old request's own number still does).
func (c *Console) Continue(used []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range used {
		if n, err := strconv.Atoi(id); err == nil && n > c.seq {
			c.seq = n
		}
	}
}

// print writes one message with a new ID and returns the ID. A terminal
// shows no bold: the marks (**CRITIQUE**) are dropped, the word stays.
func (c *Console) print(target, text string, att []bot.Attachment) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	id := strconv.Itoa(c.seq)
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(text, "**", ""), "\n"), "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s\n", id, target, lines[0])
	for _, l := range lines[1:] {
		b.WriteString("    " + l + "\n")
	}
	for _, a := range att {
		path, err := c.save(id, a)
		if err != nil {
			return "", fmt.Errorf("console: attachment %s: %w", a.Name, err)
		}
		fmt.Fprintf(&b, "    📎 %s\n", path)
	}
	if _, err := io.WriteString(c.out, b.String()); err != nil {
		return "", fmt.Errorf("console: write: %w", err)
	}
	return id, nil
}

func (c *Console) save(id string, a bot.Attachment) (string, error) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(c.dir, id+"-"+filepath.Base(a.Name))
	return path, os.WriteFile(path, a.Data, 0o600)
}

// maxLines is the longest text the console prints: a longer one (10,000
// mailboxes) is written to a file under the attachments directory, like an
// attachment, and the console prints its first line and the file's path.
const maxLines = 100

// fit applies maxLines.
func (c *Console) fit(text string, att []bot.Attachment) (string, []bot.Attachment) {
	return relay.Fit(c.locale, text, strings.Count(strings.TrimRight(text, "\n"), "\n") >= maxLines, att)
}

// Post prints m as a channel post and returns its ID.
func (c *Console) Post(_ context.Context, channel string, m bot.Message) (string, error) {
	m.Text, m.Attachments = c.fit(m.Text, m.Attachments)
	text := m.Text
	if m.ReplyTo != "" {
		text = "↳ [" + m.ReplyTo + "] " + text
	}
	id, err := c.print("#"+channel, text, m.Attachments)
	if err == nil && m.Approval {
		c.mu.Lock()
		c.lastRequest = id
		c.mu.Unlock()
	}
	return id, err
}

// Direct prints m as a private message to user, secret included.
func (c *Console) Direct(_ context.Context, user string, m bot.Message) error {
	text, att := m.PrivateText(), m.Attachments
	if m.Secret.Empty() { // a secret never goes into a file
		text, att = c.fit(text, att)
	}
	_, err := c.print("@"+user, text, att)
	return err
}

func (c *Console) person(id string) bot.Person {
	return c.policy.Person(Platform, id, id, nil, false)
}

// SetLocale sets the language of the console's own notes (French by
// default). Call it before Run.
func (c *Console) SetLocale(l bot.Locale) { c.locale = l }

// say prints a note from the console itself (not from the bot).
func (c *Console) say(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintln(c.out, "-- "+text)
}

// Run reads lines until the input ends, ctx ends or "/quit", handing
// commands and reactions to h. Each line is handled to the end before the
// next is read, so a script replays deterministically.
func (c *Console) Run(ctx context.Context, h bot.Handler) error {
	sc := bufio.NewScanner(c.in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lines := make(chan string)
	var readErr error // written before lines is closed
	go func() {
		defer close(lines)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr = sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok && readErr != nil {
				return fmt.Errorf("console: read: %w", readErr)
			}
			if !ok || c.line(ctx, h, strings.TrimSpace(line)) {
				return nil
			}
		}
	}
}

// line handles one input line and reports whether the session ends. A
// panic while handling it (in the console or in h) is printed as an
// internal error with its stack on the console's error writer, and the
// session goes on with the next line.
func (c *Console) line(ctx context.Context, h bot.Handler, line string) (quit bool) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(c.errw, "console: line %q panicked: %v\n%s", line, p, debug.Stack())
			c.say(bot.PanicText(c.locale, "console"))
		}
	}()
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return false
	case line == "/quit" || line == "/exit":
		return true
	case strings.HasPrefix(line, "/as ") || line == "/as":
		c.as(strings.TrimSpace(strings.TrimPrefix(line, "/as")))
	case strings.HasPrefix(line, "react ") || strings.HasPrefix(line, "unreact "):
		c.react(ctx, h, line)
	case strings.HasPrefix(line, "/"):
		who := c.current
		h.Handle(ctx, bot.Invocation{Platform: Platform, Caller: c.person(who), Channel: "console", Text: line[1:],
			Respond: bot.ResponderFunc(func(_ context.Context, r bot.Reply) error {
				target := "~" + who
				if r.InChannel {
					target = "#console"
				}
				text, att := c.fit(r.Text, r.Attachments)
				_, err := c.print(target, text, att)
				return err
			})})
	default:
		c.say(c.locale.Pick("ligne non comprise : commencez par /commande, /as NOM ou react ID EMOJI (/help pour l'aide)",
			"line not understood: start with /command, /as NAME or react ID EMOJI (/help for help)"))
	}
	return false
}

func (c *Console) as(name string) {
	var known []string
	for _, m := range c.policy.Members() {
		if id := m.IDs[Platform]; id != "" {
			known = append(known, id)
		}
	}
	slices.Sort(known)
	if !slices.Contains(known, name) {
		c.say(fmt.Sprintf(c.locale.Pick("personne inconnue « %s » ; choisissez parmi : %s", "unknown person %q; choose one of: %s"), name, strings.Join(known, ", ")))
		return
	}
	c.current = name
	c.say(c.locale.Pick("vous êtes maintenant ", "you are now ") + name)
}

func (c *Console) react(ctx context.Context, h bot.Handler, line string) {
	f := strings.Fields(line)
	if len(f) != 3 {
		c.say(c.locale.Pick("écrivez : react ID EMOJI (ID est un numéro de message ou last ; EMOJI est ✅, ❌, 👀, 🎫 ou leur nom : :white_check_mark:, :x:, :eyes:, :ticket:)",
			"write: react ID EMOJI (ID is a message number or last; EMOJI is ✅, ❌, 👀, 🎫 or their name: :white_check_mark:, :x:, :eyes:, :ticket:)"))
		return
	}
	c.mu.Lock()
	id := f[1]
	if id == "last" {
		id = c.lastRequest
	}
	n, err := strconv.Atoi(id)
	valid := err == nil && n >= 1 && n <= c.seq
	c.mu.Unlock()
	if !valid {
		c.say(fmt.Sprintf(c.locale.Pick("message inconnu « %s » : donnez le numéro entre crochets, ou last", "unknown message %q: give the number in brackets, or last"), f[1]))
		return
	}
	h.React(ctx, bot.Reaction{Platform: Platform, Channel: "console", MessageID: id, User: c.person(c.current), Emoji: f[2], Removed: f[0] == "unreact"})
}

// Note prints a line from outside the chat (the demo's SMTP sink) as
// "[ID] TARGET: TEXT" and returns its ID.
func (c *Console) Note(target, text string) (string, error) { return c.print(target, text, nil) }
