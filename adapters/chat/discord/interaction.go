package discord

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// member is the person a guild member was resolved to, remembered for the
// events that carry no member (reaction removals).
type member struct {
	bot.Person
	at time.Time
}

// memberTTL is how long a remembered member's roles are trusted.
const memberTTL = 10 * time.Minute

// onInteraction runs on discordgo's event loop: it only starts a goroutine,
// which acknowledges at once and then runs the command.
func (c *Chat) onInteraction(_ *discordgo.Session, e *discordgo.InteractionCreate) {
	if e.Interaction == nil {
		return // discordgo could not decode it
	}
	switch e.Type {
	case discordgo.InteractionApplicationCommand:
		c.wg.Go(func() { c.command(e.Interaction) })
	case discordgo.InteractionApplicationCommandAutocomplete:
		c.wg.Go(func() { c.autocomplete(e.Interaction) })
	}
}

// person resolves the user of an interaction and remembers their roles.
func (c *Chat) person(i *discordgo.Interaction) bot.Person {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return c.remember(i.Member)
	case i.User != nil:
		return c.cfg.Policy.Person(Platform, i.User.ID, i.User.DisplayName(), nil, i.User.Bot)
	}
	return bot.Person{}
}

// remember resolves a guild member (with its User) and remembers the person.
func (c *Chat) remember(m *discordgo.Member) bot.Person {
	p := c.cfg.Policy.Person(Platform, m.User.ID, m.DisplayName(), m.Roles, m.User.Bot)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.members) > 5000 {
		clear(c.members) // a guild of a few hundred people never gets here
	}
	c.members[m.User.ID] = member{p, time.Now()}
	return p
}

// command acknowledges a slash command with a deferred ephemeral response,
// then hands it to the handler. It runs in its own goroutine.
func (c *Chat) command(i *discordgo.Interaction) {
	ctx := c.base
	actx, cancel := context.WithTimeout(ctx, ackTimeout)
	ackErr := c.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(actx))
	cancel()

	caller := c.person(i)
	r := &responder{c: c, i: i, userID: caller.ID}
	log := c.log.With().Str("interaction", i.ID).Str("caller", caller.ID).Logger()
	if ackErr != nil {
		// The token is dead: the answer goes by private message.
		log.Warn().Err(check(ackErr, "acknowledge interaction")).Msg("interaction not acknowledged; answering privately")
		r.direct = true
	}
	path, opts := invocationPath(i.ApplicationCommandData())
	values := map[string]string{}
	var order []string
	for _, o := range opts {
		values[strings.ToLower(o.Name)] = optionValue(o)
		order = append(order, strings.ToLower(o.Name))
	}
	text, err := CommandLine(path, c.specs[path], values, order)
	if err != nil {
		var ue *bot.UserError
		errors.As(err, &ue)
		if err := r.Respond(ctx, bot.Reply{Text: ue.Text(c.cfg.Locale)}); err != nil {
			log.Warn().Err(err).Msg("answer not delivered")
		}
		return
	}
	inv := bot.Invocation{Platform: Platform, Caller: caller, Channel: i.ChannelID, Text: text, Respond: r}
	c.handle(ctx, inv, r, log.With().Str("command", path).Logger())
}

// handle runs the handler (log names the command, not its arguments,
// which may be personal data); a panic or a handler that never answered still
// gets a follow-up, so nobody is left with "thinking…".
func (c *Chat) handle(ctx context.Context, inv bot.Invocation, r *responder, log zerolog.Logger) {
	defer func() {
		p := recover()
		if p != nil {
			bot.LogPanic(&log, p, "command handler")
		}
		if r.answered() {
			return
		}
		text := c.cfg.Locale.Pick("La commande n'a rien répondu ; l'administrateur trouvera le détail dans le journal.",
			"The command gave no answer; the administrator will find the details in the log.")
		if p != nil {
			text = bot.PanicText(c.cfg.Locale, "discord/"+r.i.ID)
		}
		if err := r.Respond(ctx, bot.Reply{Text: text}); err != nil {
			log.Warn().Err(err).Msg("failure notice not delivered")
		}
	}()
	c.h.Handle(ctx, inv)
}

// responder delivers a handler's replies to the interaction: the first
// edits the deferred (ephemeral) response, the next ones are follow-ups; a
// reply for the channel is a public follow-up. When the interaction's
// token cannot be used, the reply goes by private message.
type responder struct {
	c      *Chat
	i      *discordgo.Interaction
	userID string

	mu     sync.Mutex
	direct bool // answer by private message
	edited bool // the deferred response has been replaced
	sent   int  // replies delivered
}

var _ bot.Responder = (*responder)(nil)

func (r *responder) answered() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent > 0
}

// Respond implements bot.Responder.
func (r *responder) Respond(ctx context.Context, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rep.Text == "" && len(rep.Attachments) == 0 {
		rep.Text = "✓"
	}
	rep.Text, rep.Attachments = r.c.fit(rep.Text, rep.Attachments)
	if r.direct {
		return r.privately(ctx, rep.Text, rep.Attachments)
	}
	chunks := split(rep.Text, maxMessage)
	if rep.InChannel && !r.edited {
		note := r.c.cfg.Locale.Pick("Réponse publiée dans le canal.", "Answer posted in the channel.")
		if err := r.edit(ctx, note, nil); err == nil {
			r.edited = true
		}
	}
	for k, chunk := range chunks {
		var files []bot.Attachment
		if k == len(chunks)-1 {
			files = rep.Attachments
		}
		if !rep.InChannel && !r.edited {
			r.edited = true
			err := r.edit(ctx, chunk, files)
			if err == nil {
				continue
			}
			r.c.log.Warn().Err(err).Str("interaction", r.i.ID).Msg("interaction response not edited; following up")
		}
		if err := r.followup(ctx, chunk, files, !rep.InChannel); err != nil {
			// The token expired or Discord refused: the rest goes privately.
			r.c.log.Warn().Err(err).Str("interaction", r.i.ID).Msg("interaction reply failed; answering privately")
			r.direct = true
			return r.privately(ctx, strings.Join(chunks[k:], "\n"), rep.Attachments)
		}
	}
	r.sent++
	return nil
}

func (r *responder) edit(ctx context.Context, text string, files []bot.Attachment) error {
	_, err := r.c.s.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
		Content: &text, Files: discordFiles(files), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	return check(err, "edit interaction response")
}

func (r *responder) followup(ctx context.Context, text string, files []bot.Attachment, private bool) error {
	p := &discordgo.WebhookParams{Content: text, Files: discordFiles(files), AllowedMentions: noMentions()}
	if private {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	_, err := r.c.s.FollowupMessageCreate(r.i, true, p, discordgo.WithContext(ctx))
	return check(err, "follow up interaction")
}

func (r *responder) privately(ctx context.Context, text string, files []bot.Attachment) error {
	if err := r.c.Direct(ctx, r.userID, bot.Message{Text: text, Attachments: files}); err != nil {
		return err
	}
	r.sent++
	return nil
}

// autocomplete answers an autocomplete interaction with at most 25
// suggestions for the focused option.
func (c *Chat) autocomplete(i *discordgo.Interaction) {
	defer func() {
		if p := recover(); p != nil { // no choices is the answer: Discord shows none
			log := c.log.With().Str("interaction", i.ID).Logger()
			bot.LogPanic(&log, p, "autocomplete")
		}
	}()
	ctx, cancel := context.WithTimeout(c.base, ackTimeout)
	defer cancel()
	path, opts := invocationPath(i.ApplicationCommandData())
	var choices []*discordgo.ApplicationCommandOptionChoice
	s := c.specs[path]
	if f := slices.IndexFunc(opts, func(o *discordgo.ApplicationCommandInteractionDataOption) bool { return o.Focused }); s != nil && f >= 0 {
		for _, a := range s.Args {
			if strings.EqualFold(a.Name, opts[f].Name) {
				for _, v := range c.suggest(ctx, c.person(i), s, a, optionValue(opts[f])) {
					choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(v), Value: v})
				}
			}
		}
	}
	err := c.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
	if err != nil {
		c.log.Warn().Err(check(err, "autocomplete")).Str("interaction", i.ID).Msg("autocomplete not answered")
	}
}

// suggest returns the values offered for argument a of s typed so far as
// prefix. Mailboxes are offered to those who may run s on any mailbox;
// people who may only use it on their own get their own; others get none.
func (c *Chat) suggest(ctx context.Context, p bot.Person, s *bot.Spec, a bot.Arg, prefix string) []string {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	var all []string
	switch {
	case a.Type.Name == "role":
		for _, r := range bot.Roles {
			all = append(all, string(r))
		}
	case a.Type.Name == bot.ArgEmail.Name && c.cfg.Mailboxes != nil:
		switch {
		case p.Has(s.Roles...):
			all = c.cfg.Mailboxes(ctx, prefix)
		case s.Self != nil && p.Has(s.Self.Roles...):
			all = p.Mailboxes
		}
	}
	out := slices.DeleteFunc(slices.Clone(all), func(v string) bool { return !strings.HasPrefix(strings.ToLower(v), prefix) })
	slices.Sort(out)
	out = slices.Compact(out)
	return out[:min(len(out), maxChoices)]
}
