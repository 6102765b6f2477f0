package alerts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// maxAlertMessages bounds State.Messages: the start post, the changes
// and a few days of reminders are enough to recognise a 👀.
const maxAlertMessages = 12

// CycleConfig holds what the alert life cycle needs. Chat, Store and
// Channel are required.
type CycleConfig struct {
	Chat     bot.Chat
	Store    Store
	Channel  string // the alerts channel
	Platform string // the chat platform, matched against reactions
	Locale   bot.Locale
	Log      zerolog.Logger
	Now      func() time.Time // default time.Now
	Remind   time.Duration    // reminder of an unacknowledged alert (zero: 24 h; never negative)
	// Audit, when set, records every acknowledgement (kind "alert-ack").
	Audit bot.AuditLog
	// Ticket, when set, gets every 🎫 a person (not a bot) adds to one of
	// an alert's posts, with the alert's state; the posts then offer 🎫.
	Ticket func(ctx context.Context, r bot.Reaction, s State)
}

// Cycle is the alert life cycle (DESIGN.md, "Alerts"). Report reconciles
// what a check sees with the stored states and posts to the alerts channel:
// a start, a change of severity, a reminder once per Remind until a 👀, a
// recovery; a muted key is tracked but only its recovery is posted. Every
// change is saved before the next key is looked at, so a restart neither
// loses nor repeats an alert; a post that fails leaves no trace and is
// retried by the next Report. Calls are serialised.
type Cycle struct {
	cfg CycleConfig
	log zerolog.Logger
	mu  sync.Mutex
}

// NewCycle checks cfg and returns the life cycle.
func NewCycle(cfg CycleConfig) (*Cycle, error) {
	if cfg.Chat == nil || cfg.Store == nil || cfg.Channel == "" {
		return nil, errors.New("alerts: chat, store and the alerts channel are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Remind = cmp.Or(cfg.Remind, 24*time.Hour)
	cfg.Locale = cmp.Or(cfg.Locale, bot.FR)
	return &Cycle{cfg: cfg, log: cfg.Log.With().Str("component", "alerts").Logger()}, nil
}

// Locale returns the locale of the posts.
func (a *Cycle) Locale() bot.Locale { return a.cfg.Locale }

// Report records what check sees now: firing holds every alert of the
// check's keys that fires (see Check). It returns the storage and chat
// errors it met, joined; the keys it could handle are handled.
func (a *Cycle) Report(ctx context.Context, check string, firing []Alert) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	all, err := a.cfg.Store.Alerts(ctx)
	if err != nil {
		return fmt.Errorf("alerts: report %s: %w", check, err)
	}
	byKey := make(map[string]State, len(all))
	for _, s := range all {
		byKey[s.Key] = s
	}
	now := a.cfg.Now()
	seen := map[string]bool{}
	var errs []error
	for _, f := range firing {
		if f.Key == "" || seen[f.Key] {
			continue
		}
		seen[f.Key] = true
		s, had := byKey[f.Key]
		if f.Hold {
			if had && s.Open {
				errs = append(errs, a.hold(ctx, now, s))
			}
			continue
		}
		errs = append(errs, a.fire(ctx, now, check, f, s, had))
	}
	for _, s := range all {
		if s.Open && s.Check == check && !seen[s.Key] {
			errs = append(errs, a.recover(ctx, now, s))
		}
	}
	return errors.Join(errs...)
}

// fire handles a key that fires now: a new episode, a change of severity,
// or a reminder.
func (a *Cycle) fire(ctx context.Context, now time.Time, check string, f Alert, s State, had bool) error {
	if f.Severity.Rank() == 0 {
		f.Severity = Warning
	}
	before := s
	if !had || !s.Open {
		s = State{Key: f.Key, Open: true, Since: now, MutedUntil: s.MutedUntil, MutedBy: s.MutedBy}
		a.log.Info().Str("alert", f.Key).Str("severity", string(f.Severity)).Msg("alert started")
	}
	s.Check, s.Severity, s.Title, s.Detail, s.Server = check, f.Severity, f.Title, f.Detail, f.Server
	var err error
	switch {
	case s.Muted(now):
	case s.Posted == "":
		err = a.announce(ctx, now, &s, a.startText(s))
	case s.Posted != s.Severity:
		a.log.Info().Str("alert", s.Key).Str("from", string(s.Posted)).Str("to", string(s.Severity)).Msg("alert severity changed")
		err = a.announce(ctx, now, &s, a.changeText(s))
		if err == nil {
			s.AckedBy, s.AckedByName, s.AckedAt = "", "", time.Time{}
		}
	default:
		err = a.remind(ctx, now, &s)
	}
	if had && reflect.DeepEqual(before, s) {
		return err
	}
	return errors.Join(err, a.save(ctx, s))
}

// hold keeps an open alert as it is; only a due reminder is posted.
func (a *Cycle) hold(ctx context.Context, now time.Time, s State) error {
	before := s.LastReminder
	err := a.remind(ctx, now, &s)
	if s.LastReminder.Equal(before) {
		return err
	}
	return errors.Join(err, a.save(ctx, s))
}

// announce posts a start or change text and records it as the episode's post.
func (a *Cycle) announce(ctx context.Context, now time.Time, s *State, text string) error {
	id, err := a.post(ctx, s, "post", text)
	if err != nil {
		return err
	}
	s.Posted, s.LastPosted, s.MessageID = s.Severity, now, id
	s.Platform, s.Channel = a.cfg.Platform, a.cfg.Channel
	return nil
}

// post posts text in the alerts channel and adds it to the episode's posts.
func (a *Cycle) post(ctx context.Context, s *State, what, text string) (string, error) {
	id, err := a.cfg.Chat.Post(ctx, a.cfg.Channel, bot.Message{Text: text, Ticket: a.cfg.Ticket != nil && s.Open})
	if err != nil {
		return "", fmt.Errorf("alerts: %s %s: %w", what, s.Key, err)
	}
	if id != "" {
		s.Messages = append(s.Messages, id)
		if n := len(s.Messages); n > maxAlertMessages {
			s.Messages = slices.Clone(s.Messages[n-maxAlertMessages:])
		}
	}
	return id, nil
}

// remind posts the reminder of s when one is due and records it in s; the
// caller saves s.
func (a *Cycle) remind(ctx context.Context, now time.Time, s *State) error {
	last := s.LastPosted
	if s.LastReminder.After(last) {
		last = s.LastReminder
	}
	if s.Posted == "" || s.AckedBy != "" || s.Muted(now) || now.Sub(last) < a.cfg.Remind {
		return nil
	}
	if _, err := a.post(ctx, s, "remind", a.reminderText(now, *s)); err != nil {
		return err
	}
	s.LastReminder = now
	return nil
}

// recover closes s, posting the recovery when its start was posted, and in
// the thread of its ticket's request, if it has one, offering 🎫 for the
// closing reply. If a post fails the state stays open, so the next Report
// tries again.
func (a *Cycle) recover(ctx context.Context, now time.Time, s State) error {
	a.log.Info().Str("alert", s.Key).Msg("alert recovered")
	s.Open, s.Ended = false, now
	if s.Posted != "" {
		if _, err := a.post(ctx, &s, "post recovery of", a.recoveryText(s)); err != nil {
			return err
		}
	}
	if s.TicketPost != "" {
		m := bot.Message{Text: a.recoveryText(s) + a.closingText(s), ReplyTo: s.TicketPost, Ticket: a.cfg.Ticket != nil}
		id, err := a.cfg.Chat.Post(ctx, s.TicketChannel, m)
		if err != nil {
			return fmt.Errorf("alerts: post recovery of %s in ticket %s: %w", s.Key, s.Ticket, err)
		}
		s.Messages = append(s.Messages, id)
	}
	return a.save(ctx, s)
}

// Link records that ticket ref was opened for the open episode of key by
// the change request posted as post in channel: the alert lists it and its
// recovery goes to that post's thread. A key that is not open is NotFound.
func (a *Cycle) Link(ctx context.Context, key, ref, channel, post string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok, err := a.cfg.Store.Alert(ctx, key)
	if err != nil {
		return fmt.Errorf("alerts: link %s: %w", key, err)
	}
	if !ok || !s.Open {
		return bot.Errorf(bot.NotFound, "alerts", "link", "no open alert %q", key)
	}
	s.Ticket, s.TicketChannel, s.TicketPost = ref, channel, post
	a.log.Info().Str("alert", key).Str("ticket", ref).Msg("alert linked to a ticket")
	return a.save(ctx, s)
}

// Alert returns the state of key; ok is false if it never fired.
func (a *Cycle) Alert(ctx context.Context, key string) (State, bool, error) {
	return a.cfg.Store.Alert(ctx, key)
}

// Linked returns the alert whose last episode has ticket ref; ok is false
// if none has.
func (a *Cycle) Linked(ctx context.Context, ref string) (State, bool, error) {
	all, err := a.cfg.Store.Alerts(ctx)
	if err != nil {
		return State{}, false, fmt.Errorf("alerts: linked %s: %w", ref, err)
	}
	i := slices.IndexFunc(all, func(s State) bool { return s.Ticket == ref })
	if i < 0 {
		return State{}, false, nil
	}
	return all[i], true, nil
}

func (a *Cycle) save(ctx context.Context, s State) error {
	if err := a.cfg.Store.SaveAlert(ctx, s); err != nil {
		return fmt.Errorf("alerts: save %s: %w", s.Key, err)
	}
	return nil
}

// Notice posts text as it is in the alerts channel: a digest, not an alert
// (no key, no state, no reminder).
func (a *Cycle) Notice(ctx context.Context, text string) error {
	if _, err := a.cfg.Chat.Post(ctx, a.cfg.Channel, bot.Message{Text: text}); err != nil {
		return fmt.Errorf("alerts: post notice: %w", err)
	}
	return nil
}

// React acknowledges an alert when someone (not a bot) reacts 👀 to one of
// its posts: the reminders stop until its severity changes, and a short
// reply says who took it. Removing one's own 👀 withdraws the
// acknowledgement. It returns true when the reaction was on an alert post;
// give it to (*Engine).Watch.
func (a *Cycle) React(ctx context.Context, r bot.Reaction) bool {
	emoji := bot.NormalizeEmoji(r.Emoji)
	if r.MessageID == "" || r.User.Bot || (emoji != bot.EmojiAck && (emoji != bot.EmojiTicket || a.cfg.Ticket == nil)) {
		return false
	}
	a.mu.Lock()
	s, ok := a.postedIn(ctx, r)
	if !ok || emoji == bot.EmojiTicket {
		a.mu.Unlock() // Ticket runs a whole command (a change request), which may read alerts
		if ok && r.User.ID != "" && !r.Removed {
			a.cfg.Ticket(ctx, r, s)
		}
		return ok
	}
	defer a.mu.Unlock()
	switch {
	case r.User.ID == "":
		return true
	case r.Removed:
		if s.AckedBy == r.User.ID {
			s.AckedBy, s.AckedByName, s.AckedAt = "", "", time.Time{}
			a.logSave(ctx, s)
		}
		return true
	case !s.Open || s.AckedBy != "":
		return true
	}
	now := a.cfg.Now()
	s.AckedBy, s.AckedByName, s.AckedAt = r.User.ID, r.User.Name, now
	if !a.logSave(ctx, s) {
		return true
	}
	a.log.Info().Str("alert", s.Key).Str("user", r.User.ID).Msg("alert acknowledged")
	if a.cfg.Audit != nil {
		rec := bot.AuditRecord{At: now, Kind: "alert-ack", Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name, Detail: s.Key}
		if err := a.cfg.Audit.AppendAudit(context.WithoutCancel(ctx), rec); err != nil {
			a.log.Error().Err(err).Msg("audit record lost")
		}
	}
	text := fmt.Sprintf(a.cfg.Locale.Pick("👀 %s prend en charge `%s` : plus de rappel.", "👀 %s is on `%s`: no more reminders."), r.User.Name, s.Key)
	if _, err := a.cfg.Chat.Post(ctx, a.cfg.Channel, bot.Message{Text: text, ReplyTo: r.MessageID}); err != nil {
		a.log.Warn().Err(err).Str("alert", s.Key).Msg("acknowledgement reply not posted")
	}
	return true
}

// postedIn returns the alert one of whose posts r is on.
func (a *Cycle) postedIn(ctx context.Context, r bot.Reaction) (State, bool) {
	all, err := a.cfg.Store.Alerts(ctx)
	if err != nil {
		a.log.Error().Err(err).Msg("alert reaction lookup failed")
		return State{}, false
	}
	i := slices.IndexFunc(all, func(s State) bool {
		return (r.Platform == "" || s.Platform == "" || s.Platform == r.Platform) && slices.Contains(s.Messages, r.MessageID)
	})
	if i < 0 {
		return State{}, false
	}
	return all[i], true
}

func (a *Cycle) logSave(ctx context.Context, s State) bool {
	if err := a.save(ctx, s); err != nil {
		a.log.Error().Err(err).Msg("alert state not saved")
		return false
	}
	return true
}

// List returns the alerts open or muted now, by key.
func (a *Cycle) List(ctx context.Context) ([]State, error) {
	all, err := a.cfg.Store.Alerts(ctx)
	if err != nil {
		return nil, fmt.Errorf("alerts: list: %w", err)
	}
	now := a.cfg.Now()
	out := slices.DeleteFunc(all, func(s State) bool { return !s.Open && !s.Muted(now) })
	slices.SortFunc(out, func(x, y State) int { return strings.Compare(x.Key, y.Key) })
	return out, nil
}

// Mute silences key for d (until the end of a mute already longer is not
// kept: the new one replaces it); d <= 0 lifts the mute. The key must have
// fired at least once: an unknown key is an error of kind NotFound. A muted
// alert still recovers, and its recovery is still posted if its start was.
func (a *Cycle) Mute(ctx context.Context, key string, d time.Duration, by bot.Person) (State, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok, err := a.cfg.Store.Alert(ctx, key)
	if err != nil {
		return s, fmt.Errorf("alerts: mute %s: %w", key, err)
	}
	if !ok {
		return s, bot.Errorf(bot.NotFound, "alerts", "mute", "no alert %q", key)
	}
	if d <= 0 {
		s.MutedUntil, s.MutedBy = time.Time{}, ""
	} else {
		s.MutedUntil, s.MutedBy = a.cfg.Now().Add(d), by.Name
	}
	a.log.Info().Str("alert", key).Str("user", by.ID).Time("until", s.MutedUntil).Msg("alert mute changed")
	return s, a.save(ctx, s)
}

// The texts of the posts. Cycle posts in its locale; the titles come from
// the checks, which are built with the same locale.

func (a *Cycle) footer(s State) string {
	l := a.cfg.Locale
	text := fmt.Sprintf(l.Pick("`%s` · réagissez 👀 pour la prendre en charge", "`%s` · react 👀 to take it"), s.Key)
	switch {
	case a.cfg.Ticket == nil:
	case s.Ticket != "":
		text += fmt.Sprintf(l.Pick(" · ticket %s", " · ticket %s"), s.Ticket)
	default:
		text += l.Pick(", 🎫 pour en faire un ticket", ", 🎫 to make it a ticket")
	}
	return text
}

// closingText ends the recovery posted in a ticket's thread.
func (a *Cycle) closingText(s State) string {
	if a.cfg.Ticket == nil {
		return ""
	}
	return fmt.Sprintf(a.cfg.Locale.Pick("\nTicket %s : réagissez 🎫 pour le clore.", "\nTicket %s: react 🎫 to close it."), s.Ticket)
}

func (a *Cycle) body(s State) string {
	if s.Detail == "" {
		return ""
	}
	return "\n" + s.Detail
}

func (a *Cycle) startText(s State) string {
	l := a.cfg.Locale
	return fmt.Sprintf("%s **%s** — %s%s\n%s", s.Severity.Emoji(), s.Severity.Label(l), s.Title, a.body(s), a.footer(s))
}

func (a *Cycle) changeText(s State) string {
	l := a.cfg.Locale
	return fmt.Sprintf(l.Pick("%s **%s** (était %s) — %s%s\n%s", "%s **%s** (was %s) — %s%s\n%s"),
		s.Severity.Emoji(), s.Severity.Label(l), s.Posted.Label(l), s.Title, a.body(s), a.footer(s))
}

func (a *Cycle) reminderText(now time.Time, s State) string {
	l := a.cfg.Locale
	return fmt.Sprintf(l.Pick("⏰ Rappel : %s **%s** depuis %s — %s\n`%s` · réagissez 👀 pour ne plus avoir de rappel",
		"⏰ Reminder: %s **%s** for %s — %s\n`%s` · react 👀 to stop the reminders"),
		s.Severity.Emoji(), s.Severity.Label(l), Age(l, now.Sub(s.Since)), s.Title, s.Key)
}

func (a *Cycle) recoveryText(s State) string {
	l := a.cfg.Locale
	return fmt.Sprintf(l.Pick("✅ **RÉTABLI** — `%s` : fin de « %s » après %s", "✅ **RECOVERED** — `%s`: %q ended after %s"),
		s.Key, s.Title, Age(l, s.Ended.Sub(s.Since)))
}

// Age renders a duration for people, to the minute: "2 j 4 h",
// "3 h 20 min", "45 min" ("2d 4h", "3h 20m", "45m" in English).
func Age(l bot.Locale, d time.Duration) string {
	if d < time.Minute {
		return l.Pick("moins d'une minute", "less than a minute")
	}
	units := []struct {
		d      time.Duration
		fr, en string
	}{{24 * time.Hour, " j", "d"}, {time.Hour, " h", "h"}, {time.Minute, " min", "m"}}
	i := 0
	for d < units[i].d {
		i++
	}
	// The largest unit, then the next one when it is not zero.
	parts := []string{fmt.Sprint(int(d/units[i].d)) + l.Pick(units[i].fr, units[i].en)}
	if next := i + 1; next < len(units) {
		if n := int(d % units[i].d / units[next].d); n > 0 {
			parts = append(parts, fmt.Sprint(n)+l.Pick(units[next].fr, units[next].en))
		}
	}
	return strings.Join(parts, " ")
}
