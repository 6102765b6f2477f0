package mattermost

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// Platform is the adapter's platform name: the key of Mattermost user IDs in
// the policy and the Platform of every Invocation and Reaction.
const Platform = "mattermost"

// The paths the adapter serves.
const (
	CommandPath = "/mattermost/command"
	ActionPath  = "/mattermost/actions"
)

// Config is what the adapter needs. ServerURL, Token, TeamID, PublicURL,
// Policy and at least one command token are required.
type Config struct {
	// ServerURL is the Mattermost server, "https://chat.example.org".
	ServerURL string
	// SiteURL is the server's SiteURL when it differs from ServerURL; a
	// slash command's response_url must start with it.
	SiteURL string
	// Token is the bot account's access token.
	Token bot.Secret
	// TeamID is the team whose roles count and where commands are registered.
	TeamID string
	// PublicURL is how the Mattermost server reaches the bot,
	// "https://opsbot.internal:8088"; button action URLs are built from it.
	PublicURL string
	// Listen is the address Run listens on (":8088").
	Listen string
	// CommandTokens maps each slash-command trigger ("mail") to its token.
	CommandTokens map[string]bot.Secret
	// Policy maps users to bot roles.
	Policy *bot.Policy
	// Locale of the adapter's own messages ("en cours…").
	Locale bot.Locale
	// HTTPClient is used for the REST API and response_url (nil: 30 s timeout).
	HTTPClient *http.Client
	Log        zerolog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time

	// MinBackoff and MaxBackoff bound the websocket reconnection delay
	// (defaults 1 s and 1 min).
	MinBackoff, MaxBackoff time.Duration
	// PingTimeout is how long the websocket may stay silent, pings
	// included, before it is considered dead (default 65 s).
	PingTimeout time.Duration
}

// Chat is the Mattermost adapter: a bot.Chat for the engine, and with Run
// the HTTP endpoint and the websocket that feed a bot.Handler.
type Chat struct {
	cfg       Config
	api       client
	log       zerolog.Logger
	actionKey []byte
	cmdTokens map[string][]byte
	site      *url.URL    // where a slash command's response_url must lead
	up        atomic.Bool // the websocket is authenticated and listening

	mu     sync.Mutex
	botID  string
	people map[string]cachedPerson
	dms    map[string]string // user ID → direct channel ID

	watch relay.Watch
	queue relay.Queue
	wg    sync.WaitGroup // the websocket, in-flight invocations and reactions
}

// Limits of the HTTP surface and of the person cache.
const (
	maxBody     = 64 << 10         // a slash-command or action request body
	readTimeout = 10 * time.Second // reading one request
	personTTL   = time.Minute      // how long a resolved person is cached
)

type cachedPerson struct {
	p       bot.Person
	expires time.Time
}

var (
	_ bot.Chat            = (*Chat)(nil)
	_ bot.ApprovalWatcher = (*Chat)(nil)
)

// New checks cfg and returns the adapter. It makes no network call; Check
// verifies the configuration against the server.
func New(cfg Config) (*Chat, error) {
	switch {
	case cfg.ServerURL == "":
		return nil, errors.New("mattermost: server_url is required")
	case cfg.Token.Empty():
		return nil, errors.New("mattermost: the bot token is required")
	case cfg.TeamID == "":
		return nil, errors.New("mattermost: team is required")
	case cfg.PublicURL == "":
		return nil, errors.New("mattermost: public_url (how Mattermost reaches opsbot) is required")
	case cfg.Policy == nil:
		return nil, errors.New("mattermost: a policy is required")
	case len(cfg.CommandTokens) == 0:
		return nil, errors.New("mattermost: no command token (run opsbot mattermost register)")
	}
	for _, u := range []string{cfg.ServerURL, cfg.PublicURL, cfg.SiteURL} {
		if err := rest.CheckURL(u); u != "" && err != nil {
			return nil, fmt.Errorf("mattermost: %w", err)
		}
	}
	cfg.HTTPClient = cmp.Or(cfg.HTTPClient, &http.Client{Timeout: 30 * time.Second})
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Locale = cmp.Or(cfg.Locale, bot.FR)
	cfg.MinBackoff = cmp.Or(cfg.MinBackoff, time.Second)
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Minute, cfg.MinBackoff)
	}
	cfg.PingTimeout = cmp.Or(cfg.PingTimeout, 65*time.Second) // model.WebSocketClient's 60 s + 5
	cfg.ServerURL = strings.TrimRight(cfg.ServerURL, "/")
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	site, _ := url.Parse(cmp.Or(strings.TrimRight(cfg.SiteURL, "/"), cfg.ServerURL)) // checked above

	// The action key is derived from the bot token: stable across restarts,
	// known only to whoever holds the token, and never sent anywhere.
	mac := hmac.New(sha256.New, []byte(cfg.Token.Reveal()))
	mac.Write([]byte("opsbot mattermost action context v1"))

	tokens := map[string][]byte{}
	for trigger, tok := range cfg.CommandTokens {
		if tok.Empty() {
			return nil, fmt.Errorf("mattermost: command %q has an empty token", trigger)
		}
		tokens[strings.ToLower(strings.TrimPrefix(trigger, "/"))] = []byte(tok.Reveal())
	}
	return &Chat{
		cfg: cfg, api: client{cfg.ServerURL + "/api/v4", cfg.Token.Reveal(), cfg.HTTPClient},
		log:       cfg.Log.With().Str("component", "mattermost").Logger(),
		actionKey: mac.Sum(nil), cmdTokens: tokens, site: site,
		people: map[string]cachedPerson{}, dms: map[string]string{},
	}, nil
}

// BotID returns the bot account's user ID, asking the server the first time.
func (c *Chat) BotID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.botID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var me user
	if _, err := c.api.do(ctx, "get me", http.MethodGet, "/users/me", nil, &me); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.botID = me.ID
	c.mu.Unlock()
	return me.ID, nil
}

// Check verifies the configuration against the server, failing closed: the
// token is valid, the bot is in the team and in every channel given (the
// approvals and alerts channels), and every command token has a trigger.
func (c *Chat) Check(ctx context.Context, channelIDs ...string) error {
	id, err := c.BotID(ctx)
	if err != nil {
		return fmt.Errorf("mattermost: the bot token does not work: %w", err)
	}
	if _, err := c.api.do(ctx, "get team member", http.MethodGet, "/teams/"+c.cfg.TeamID+"/members/"+id, nil, nil); err != nil {
		return fmt.Errorf("mattermost: the bot is not a member of team %s: %w", c.cfg.TeamID, err)
	}
	for _, ch := range channelIDs {
		if _, err := c.api.do(ctx, "get channel", http.MethodGet, "/channels/"+ch, nil, nil); err != nil {
			return fmt.Errorf("mattermost: channel %s: %w", ch, err)
		}
		if _, err := c.api.do(ctx, "get channel member", http.MethodGet, "/channels/"+ch+"/members/"+id, nil, nil); err != nil {
			return fmt.Errorf("mattermost: the bot is not a member of channel %s: %w", ch, err)
		}
	}
	return nil
}

// person resolves a Mattermost user through the policy: their configured
// roles by user ID, plus the roles mapped from their Mattermost system roles
// (system_admin…) and team roles (team_admin…). Results are cached for a
// minute; fresh reads the server anyway: the roles that count a vote are the
// approver's at the moment it is counted (a treasurer removed from the team
// a minute ago no longer approves). The error is of kind NotFound for an
// unknown user and Unavailable when the server cannot be reached.
func (c *Chat) person(ctx context.Context, userID string, fresh bool) (bot.Person, error) {
	now := c.cfg.Now()
	c.mu.Lock()
	cp, ok := c.people[userID]
	c.mu.Unlock()
	if ok && now.Before(cp.expires) && !fresh {
		return cp.p, nil
	}
	var u user
	if _, err := c.api.do(ctx, "get user", http.MethodGet, "/users/"+userID, nil, &u); err != nil {
		return bot.Person{}, err
	}
	roles := strings.Fields(u.Roles)
	var tm teamMember
	_, err := c.api.do(ctx, "get team member", http.MethodGet, "/teams/"+c.cfg.TeamID+"/members/"+userID, nil, &tm)
	switch {
	case err == nil:
		roles = append(roles, teamRoles(tm)...)
	case bot.KindOf(err) == bot.NotFound: // not in the team: no team role
	default:
		return bot.Person{}, err
	}
	p := c.cfg.Policy.Person(Platform, userID, u.Username, roles, u.IsBot)
	c.mu.Lock()
	c.people[userID] = cachedPerson{p: p, expires: now.Add(personTTL)}
	c.mu.Unlock()
	return p, nil
}

// teamRoles returns the team roles of a membership, the scheme flags
// included (a scheme admin is a team_admin even when roles omits it).
func teamRoles(tm teamMember) []string {
	if tm.DeleteAt != 0 {
		return nil
	}
	roles := strings.Fields(tm.Roles)
	for r, ok := range map[string]bool{"team_guest": tm.SchemeGuest, "team_user": tm.SchemeUser, "team_admin": tm.SchemeAdmin} {
		if ok && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// Healthy reports whether the websocket that brings reactions is up, for
// /healthz: an error of kind Unavailable while it is down or reconnecting.
func (c *Chat) Healthy(context.Context) error {
	if !c.up.Load() {
		return &bot.Error{Provider: Platform, Op: "websocket", Kind: bot.Unavailable, Err: errors.New("websocket not connected")}
	}
	return nil
}
