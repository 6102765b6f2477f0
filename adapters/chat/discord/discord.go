package discord

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// Platform is the adapter's platform name: the key of Discord user IDs and
// role IDs in the policy, and the Platform of every Invocation and Reaction.
const Platform = "discord"

// Intents are the gateway intents the bot asks for, the least it needs:
// guilds (roles and channels), reactions in guilds and in DMs, and DMs.
// Slash commands need none.
const Intents = discordgo.IntentGuilds | discordgo.IntentGuildMessageReactions |
	discordgo.IntentDirectMessages | discordgo.IntentDirectMessageReactions

// Config is what the adapter needs. Token, ApplicationID, GuildID,
// ApprovalsChannel and Policy are required.
type Config struct {
	// Token is the bot token (without "Bot ").
	Token bot.Secret
	// ApplicationID is the application's ID (commands are registered for it).
	ApplicationID string
	// GuildID is the association's server.
	GuildID string
	// ApprovalsChannel and AlertsChannel are channel IDs; Run checks they
	// exist before it starts. AlertsChannel is optional.
	ApprovalsChannel string
	AlertsChannel    string
	// Policy maps users and their role IDs (Policy.PlatformRoles("discord"))
	// to bot roles; Run checks every mapped role ID exists in the guild.
	Policy *bot.Policy
	// Mailboxes suggests mailbox addresses starting with prefix, for the
	// autocompletion of e-mail arguments; nil turns it off.
	Mailboxes func(ctx context.Context, prefix string) []string
	// Locale of the adapter's own messages (default French).
	Locale bot.Locale
	// APIURL replaces https://discord.com (tests, proxies).
	APIURL string
	// GatewayURL replaces the gateway address Discord gives (ws:// or wss://).
	GatewayURL string
	// HTTPClient carries the REST calls (nil: a client with a 20 s timeout).
	HTTPClient *http.Client
	Log        zerolog.Logger
}

// ackTimeout bounds the acknowledgement of an interaction, inside Discord's
// three seconds.
const ackTimeout = 2500 * time.Millisecond

// Chat is the Discord adapter: a bot.Chat for the engine, and with Run the
// gateway connection that feeds a bot.Handler.
type Chat struct {
	cfg Config
	s   *discordgo.Session
	log zerolog.Logger

	botID atomic.Value // string: the bot's user ID, from READY
	up    atomic.Bool  // the gateway session is ready (READY or RESUMED seen, no disconnect since)

	// Set by Run before the gateway opens, only read after.
	h     bot.Handler
	base  context.Context // Run's context without its cancellation
	specs map[string]*bot.Spec

	mu      sync.Mutex
	dms     map[string]string // user ID → DM channel ID
	members map[string]member // user ID → last known member

	votes relay.Watch // the ✅ and ❌ on the change requests posted
	queue relay.Queue
	wg    sync.WaitGroup // in-flight interactions and reactions
}

var (
	_ bot.Chat            = (*Chat)(nil)
	_ bot.ApprovalWatcher = (*Chat)(nil)
)

// New checks cfg and returns the adapter. It makes no network call; Run
// connects.
func New(cfg Config) (*Chat, error) {
	switch {
	case cfg.Token.Empty():
		return nil, errors.New("discord: the bot token is required")
	case cfg.ApplicationID == "":
		return nil, errors.New("discord: application_id is required")
	case cfg.GuildID == "":
		return nil, errors.New("discord: guild_id is required")
	case cfg.ApprovalsChannel == "":
		return nil, errors.New("discord: approvals_channel is required")
	case cfg.Policy == nil:
		return nil, errors.New("discord: a policy is required")
	}
	cfg.Locale = cmp.Or(cfg.Locale, bot.FR)
	rt, err := newRewriter(cfg.APIURL, cfg.GatewayURL, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	hc := *cmp.Or(cfg.HTTPClient, &http.Client{Timeout: 20 * time.Second}) // a copy: the caller's keeps its transport
	hc.Transport = rt

	s, err := discordgo.New("Bot " + cfg.Token.Reveal())
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Client = &hc
	s.Identify.Intents = Intents
	s.SyncEvents = true // handlers only enqueue; order is kept
	s.StateEnabled = false
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = true
	s.LogLevel = discordgo.LogWarning
	log := cfg.Log.With().Str("component", "discord").Logger()
	setLibraryLogger(log)

	c := &Chat{
		cfg: cfg, s: s, log: log,
		specs: map[string]*bot.Spec{}, dms: map[string]string{}, members: map[string]member{},
		votes: relay.Watch{Keep: func(e string) bool { return slices.Contains(voteEmoji, e) }},
	}
	c.botID.Store(cfg.ApplicationID) // a bot user's ID is its application's until READY says otherwise
	return c, nil
}

func (c *Chat) me() string { return c.botID.Load().(string) }

// Run checks the configuration against the guild, registers the commands,
// connects to the gateway and delivers every slash command and reaction to
// h until ctx ends. It returns an error when the configuration names a
// channel or role the guild does not have, when the registration is
// refused or when the first connection fails.
func (c *Chat) Run(ctx context.Context, h bot.Handler) error {
	src, ok := h.(interface{ Specs() []bot.Spec })
	if !ok {
		return errors.New("discord: no command to register (give a handler with a Specs method, as *bot.Engine has)")
	}
	specs := src.Specs()
	cmds, err := Commands(specs, c.cfg.Mailboxes != nil)
	if err != nil {
		return err
	}
	if err := c.Check(ctx); err != nil {
		return err
	}
	if _, err := c.s.ApplicationCommandBulkOverwrite(c.cfg.ApplicationID, c.cfg.GuildID, cmds, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: %w", check(err, "register commands"))
	}
	c.log.Info().Int("commands", len(cmds)).Int("specs", len(specs)).Msg("application commands registered")

	c.h, c.base = h, context.WithoutCancel(ctx)
	for i := range specs {
		c.specs[specs[i].Path] = &specs[i]
	}

	for _, remove := range []func(){
		c.s.AddHandler(guard(c, "ready", c.onReady)),
		c.s.AddHandler(guard(c, "resumed", c.onResumed)),
		c.s.AddHandler(guard(c, "disconnect", c.onDisconnect)),
		c.s.AddHandler(guard(c, "rate limit", c.onRateLimit)),
		c.s.AddHandler(guard(c, "interaction", c.onInteraction)),
		c.s.AddHandler(guard(c, "reaction add", c.onReactionAdd)),
		c.s.AddHandler(guard(c, "reaction remove", c.onReactionRemove)),
	} {
		defer remove()
	}
	if err := c.s.Open(); err != nil {
		return fmt.Errorf("discord: connect to the gateway: %w", scrub(err))
	}
	<-ctx.Done()
	if err := c.s.Close(); err != nil {
		c.log.Warn().Err(err).Msg("gateway close")
	}
	c.wg.Wait()
	return nil
}

// guard wraps an event handler: the handlers run on discordgo's read loop
// (SyncEvents), where a panic would end the process, so one is logged and
// the loop goes on with the next event. (discordgo picks a handler by its
// exact func type, which the instantiation keeps.)
func guard[E any](c *Chat, event string, f func(*discordgo.Session, E)) func(*discordgo.Session, E) {
	return func(s *discordgo.Session, e E) {
		defer func() {
			if p := recover(); p != nil {
				log := c.log.With().Str("event", event).Logger()
				bot.LogPanic(&log, p, "gateway event handler")
			}
		}()
		f(s, e)
	}
}

// Permissions are what the bot needs in the approvals and alerts channels:
// see them, post (long texts as a file), add and read back the ✅ ❌ 👀
// reactions (reading a message's reactions needs its history). 101440.
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionAttachFiles |
	discordgo.PermissionAddReactions | discordgo.PermissionReadMessageHistory

// InviteURL is the link that adds the bot to a server with Permissions.
func InviteURL(applicationID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d", applicationID, Permissions)
}

// Check verifies the configuration against Discord (fail closed): the token
// is the bot's, application_id its application, the bot is in the guild,
// the approvals and alerts channels are the guild's and the bot holds
// Permissions in them, and every mapped role ID exists. Each problem is one
// error of the joined result, saying how to fix it.
// API: GET /users/@me, GET /oauth2/applications/@me, GET /guilds/{id},
// GET /channels/{id}, GET /guilds/{id}/members/{bot} (discordgo's
// UserChannelPermissions), GET /guilds/{id}/roles.
func (c *Chat) Check(ctx context.Context) error {
	me, err := c.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("discord: the bot token does not work (Developer Portal → Bot → Reset Token, then set it in the environment): %w", check(err, "read bot user"))
	}
	app, err := c.s.Application("@me")
	if err != nil {
		return fmt.Errorf("discord: %w", check(err, "read application"))
	}
	if app.ID != c.cfg.ApplicationID {
		return fmt.Errorf("discord: application_id %s is not this bot's application: write %s", c.cfg.ApplicationID, app.ID)
	}
	if _, err := c.s.Guild(c.cfg.GuildID, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: the bot is not in guild %s (check guild_id, or invite it: %s): %w", c.cfg.GuildID, InviteURL(app.ID), check(err, "read guild"))
	}
	var errs []error
	for _, ch := range []struct{ name, id string }{{"approvals_channel", c.cfg.ApprovalsChannel}, {"alerts_channel", c.cfg.AlertsChannel}} {
		if ch.id != "" {
			errs = append(errs, c.checkChannel(ctx, me.ID, ch.name, ch.id))
		}
	}
	mapped := c.cfg.Policy.PlatformRoles(Platform)
	if len(mapped) == 0 {
		return errors.Join(errs...)
	}
	roles, err := c.s.GuildRoles(c.cfg.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("discord: guild %s: %w", c.cfg.GuildID, check(err, "read roles")))...)
	}
	var missing []string
	for id, role := range mapped {
		if !slices.ContainsFunc(roles, func(r *discordgo.Role) bool { return r.ID == id }) {
			missing = append(missing, fmt.Sprintf("%s (%s)", id, role))
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("discord: role IDs not found in guild %s: %s", c.cfg.GuildID, strings.Join(missing, ", ")))
	}
	return errors.Join(errs...)
}

// checkChannel checks that channel id is the guild's and that the bot holds
// Permissions there.
func (c *Chat) checkChannel(ctx context.Context, botID, name, id string) error {
	got, err := c.s.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		if bot.KindOf(check(err, "")) == bot.NotFound {
			return fmt.Errorf("discord: %s %s: no such channel (check the ID in the configuration)", name, id)
		}
		return fmt.Errorf("discord: %s %s: %w", name, id, check(err, "read channel"))
	}
	if got.GuildID != c.cfg.GuildID {
		return fmt.Errorf("discord: %s %s is not a channel of guild %s", name, id, c.cfg.GuildID)
	}
	perms, err := c.s.UserChannelPermissions(botID, id, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("discord: %s %s: %w", name, id, check(err, "read the bot's permissions"))
	}
	if lack := Permissions &^ perms; lack != 0 {
		return fmt.Errorf("discord: %s %s: the bot lacks permissions %d there (it needs View Channel, Send Messages, Attach Files, Add Reactions, Read Message History: grant them to its role in the channel's settings)", name, id, lack)
	}
	return nil
}

func (c *Chat) onReady(_ *discordgo.Session, e *discordgo.Ready) {
	if e.User != nil && e.User.ID != "" {
		c.botID.Store(e.User.ID)
	}
	c.up.Store(true)
	c.log.Info().Msg("gateway ready")
	// A new session: the events of the gap (a lost session, or opsbot
	// stopped) are lost. The re-read (two REST calls a message) runs off the
	// gateway's read loop.
	c.wg.Go(c.resync)
}

func (c *Chat) onResumed(_ *discordgo.Session, _ *discordgo.Resumed) {
	c.up.Store(true)
	c.log.Info().Msg("gateway session resumed")
}

func (c *Chat) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	c.up.Store(false)
	c.log.Warn().Msg("gateway disconnected")
}

// Healthy reports whether the gateway session is up, for /healthz: an error
// of kind Unavailable while it is not (not yet connected, or reconnecting).
func (c *Chat) Healthy(context.Context) error {
	if !c.up.Load() {
		return &bot.Error{Provider: Platform, Op: "gateway", Kind: bot.Unavailable, Err: errors.New("gateway session not ready")}
	}
	return nil
}

func (c *Chat) onRateLimit(_ *discordgo.Session, e *discordgo.RateLimit) {
	ev := c.log.Warn().Str("url", scrubURL(e.URL))
	if e.TooManyRequests != nil {
		ev = ev.Dur("retry_after", e.RetryAfter)
	}
	ev.Msg("rate limited by discord, waiting")
}

// check turns a discordgo error into a *bot.Error: an answer's status as
// rest.StatusKind says (and 50007, a user who does not take DMs, Denied),
// 429 RateLimited, transport errors Unavailable. Discord's code and message
// stay in the cause; the URL, which may hold an interaction token, and the
// body never do.
func check(err error, op string) error {
	if err == nil {
		return nil
	}
	e := &bot.Error{Provider: Platform, Op: op, Kind: bot.Unavailable}
	var re *discordgo.RESTError
	var rl *discordgo.RateLimitError
	switch {
	case errors.As(err, &re) && re.Response != nil:
		e.Status = re.Response.StatusCode
		e.Kind = rest.StatusKind(e.Status)
		e.Err = errors.New(http.StatusText(e.Status))
		if re.Message != nil {
			e.Err = fmt.Errorf("code %d: %s", re.Message.Code, re.Message.Message)
			if re.Message.Code == discordgo.ErrCodeCannotSendMessagesToThisUser {
				e.Kind = bot.Denied
			}
		}
	case errors.As(err, &rl):
		e.Kind, e.Status = bot.RateLimited, http.StatusTooManyRequests
		e.Err = fmt.Errorf("retry after %s", rl.RetryAfter)
	case errors.Is(err, discordgo.ErrUnauthorized):
		e.Kind, e.Err = bot.Denied, errors.New("unauthorized")
	default:
		e.Err = scrub(err)
	}
	return e
}

// scrub drops the URL from a transport error: it may hold an interaction token.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, scrubURL(ue.URL), ue.Err)
	}
	return err
}

var tokenInURL = regexp.MustCompile(`/(webhooks|interactions)/(\d+)/[^/?]+`)

// scrubURL hides the token of webhook and interaction URLs.
func scrubURL(u string) string { return tokenInURL.ReplaceAllString(u, "/$1/$2/[token]") }

// libraryLog receives discordgo's own log lines (warnings and errors).
var libraryLog atomic.Pointer[zerolog.Logger]

var setLogger sync.Once

// setLibraryLogger routes discordgo's package-level logger to log. discordgo
// has one logger per process; the last adapter created owns it.
func setLibraryLogger(log zerolog.Logger) {
	l := log.With().Str("component", "discordgo").Logger()
	libraryLog.Store(&l)
	setLogger.Do(func() {
		discordgo.Logger = func(level, _ int, format string, a ...any) {
			l := libraryLog.Load()
			msg := fmt.Sprintf(format, a...)
			if len(msg) > 300 {
				msg = msg[:300] + "…"
			}
			msg = scrubURL(msg)
			if level <= discordgo.LogError {
				l.Error().Msg(msg)
				return
			}
			l.Warn().Msg(msg)
		}
	})
}
