package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/anopex/opsbot/bot"
)

// Config is opsbot.yaml. Every secret is written as ${ENV_VAR} and read from
// the environment; opsbot never writes the configuration back.
type Config struct {
	TimeZone   string            `yaml:"time_zone"` // of every time shown and every daily check (default Europe/Paris)
	Locale     string            `yaml:"locale"`    // fr (default) or en
	Data       string            `yaml:"data"`      // data directory (bbolt file)
	LogLevel   string            `yaml:"log_level"` // debug, info (default), warn, error
	Chat       string            `yaml:"chat"`      // discord or mattermost
	People     []personConfig    `yaml:"people"`
	Requests   requestsConfig    `yaml:"requests"`
	Audit      auditConfig       `yaml:"audit"`
	Discord    *discordConfig    `yaml:"discord"`
	Mattermost *mattermostConfig `yaml:"mattermost"`
	Alerts     *alertsConfig     `yaml:"alerts"`
	// RightsReview is what /rights review compares with and its schedule.
	RightsReview *rightsReviewConfig `yaml:"rights_review"`
	// Report posts the monthly summary on the 1st.
	Report  *reportConfig `yaml:"report"`
	Ops     *opsConfig    `yaml:"ops"`
	Console consoleConfig `yaml:"console"`

	sections `yaml:",inline"` // the providers' sections (providers.go)
}

type personConfig struct {
	Name       string   `yaml:"name"`
	Roles      []string `yaml:"roles"`
	Mailboxes  []string `yaml:"mailboxes"`
	Discord    string   `yaml:"discord"`    // Discord user ID
	Mattermost string   `yaml:"mattermost"` // Mattermost user ID
	Console    string   `yaml:"console"`    // name used by `opsbot console -as`
}

type requestsConfig struct {
	Expiry      duration       `yaml:"expiry"`       // default 72h
	Timeout     duration       `yaml:"timeout"`      // per command, default 60s
	SelfService *bool          `yaml:"self_service"` // delegates reset their own password without approval (default true)
	Approvals   map[string]int `yaml:"approvals"`    // approvals needed per financial command path
}

type consoleConfig struct {
	As string `yaml:"as"` // identity of `opsbot console` when -as is not given
}

type auditConfig struct {
	Keep duration `yaml:"keep"` // records older than this are deleted (default 400d)
}

// duration reads "72h", "90m", and days: "400d".
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if days, ok := strings.CutSuffix(n.Value, "d"); ok {
		var k int
		k, err = strconv.Atoi(days)
		v = time.Duration(k) * 24 * time.Hour
	}
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration (write e.g. 72h, 30m or 400d)", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

// secret reads "${NAME}" from the environment. A literal secret in the file
// is refused, so none ends up in a repository or a backup of the config.
type secret struct{ bot.Secret }

var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// Its errors are yaml.TypeErrors, which the decoder collects and goes on:
// every unset variable is named at once.
func (s *secret) UnmarshalYAML(n *yaml.Node) error {
	m := envRef.FindStringSubmatch(strings.TrimSpace(n.Value))
	if m == nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a secret must be written as ${ENV_VAR}, not in clear in the file", n.Line)}}
	}
	v, ok := os.LookupEnv(m[1])
	if !ok || v == "" {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: environment variable %s is not set", n.Line, m[1])}}
	}
	s.Secret = bot.NewSecret(v)
	return nil
}

// configFlags parses a sub-command's flags (-config and those extra adds)
// and loads the configuration file they name; it returns the file's path.
func configFlags(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (*Config, string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "opsbot.yaml", "configuration file")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	cfg, err := loadConfig(*path)
	if err == nil {
		setLocal(cfg.location())
	}
	return cfg, *path, err
}

// loadConfig reads and checks path. Unknown keys are errors, so a typo does
// not silently turn a feature off.
func loadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseConfig(raw)
}

func parseConfig(raw []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return &c, nil
}

func (c *Config) check() error {
	var errs []error
	if _, err := time.LoadLocation(cmp.Or(c.TimeZone, defaultTimeZone)); err != nil {
		errs = append(errs, fmt.Errorf("time_zone %q: not a time zone (write e.g. Europe/Paris)", c.TimeZone))
	}
	if _, ok := bot.ParseLocale(c.Locale); !ok {
		errs = append(errs, fmt.Errorf("locale %q: write fr or en", c.Locale))
	}
	if c.Data == "" {
		errs = append(errs, errors.New("data: the data directory is required"))
	}
	errs = append(errs, c.checkChat())
	if c.Discord != nil {
		errs = append(errs, c.Discord.check())
	}
	if c.Mattermost != nil {
		errs = append(errs, c.Mattermost.check())
	}
	_, err := c.policy()
	return errors.Join(append(errs, c.sections.check(), err)...)
}

// policy builds the role policy from the people and the platform role maps.
func (c *Config) policy() (*bot.Policy, error) {
	var members []bot.Member
	for i, p := range c.People {
		m := bot.Member{Name: p.Name, IDs: map[string]string{"discord": p.Discord, "mattermost": p.Mattermost, "console": p.Console}}
		if p.Name == "" {
			return nil, fmt.Errorf("people[%d]: name is required", i)
		}
		for _, r := range p.Roles {
			role, err := bot.ParseRole(r)
			if err != nil {
				return nil, fmt.Errorf("people[%d] (%s): %w", i, p.Name, err)
			}
			m.Roles = append(m.Roles, role)
		}
		for _, mb := range p.Mailboxes {
			addr, err := bot.NormalizeEmail(mb)
			if err != nil {
				return nil, fmt.Errorf("people[%d] (%s): mailbox %q is not an address", i, p.Name, mb)
			}
			m.Mailboxes = append(m.Mailboxes, addr)
		}
		members = append(members, m)
	}
	return bot.NewPolicy(members, c.platformRoles())
}

// adminAddress is the first mailbox of the first administrator, where the
// answers to opsbot's e-mails go unless smtp.reply_to says otherwise.
func (c *Config) adminAddress() string {
	for _, p := range c.People {
		if slices.Contains(p.Roles, "admin") && len(p.Mailboxes) > 0 {
			return p.Mailboxes[0]
		}
	}
	return ""
}

const defaultTimeZone = "Europe/Paris"

// location is time_zone, checked by check (the binary embeds time/tzdata:
// an image without zoneinfo loads it too).
func (c *Config) location() *time.Location {
	loc, err := time.LoadLocation(cmp.Or(c.TimeZone, defaultTimeZone))
	if err != nil {
		return time.UTC
	}
	return loc
}

func (c *Config) locale() bot.Locale {
	l, _ := bot.ParseLocale(c.Locale)
	return l
}

func (c *Config) selfService() bool { return c.Requests.SelfService == nil || *c.Requests.SelfService }

// checkApprovals checks requests.approvals against the commands of this
// configuration and its people, so approval rules fail closed: a key must
// name a financial change command (the engine raises no other), its count
// must be at least 1 and at most the number of people who may approve it.
// When the approvers are exactly as many as a command needs, one of them
// who asks for it cannot get enough approvals from the others (nobody
// approves their own request): that is a warning, naming the command and
// the people. A chat platform whose role map grants an approver role makes
// the number of approvers unknowable from the file: no count is checked
// then.
func checkApprovals(c *Config, people []bot.Member, specs []bot.Spec) (warnings []string, err error) {
	byPath := map[string]*bot.Spec{}
	for i := range specs {
		byPath[specs[i].Path] = &specs[i]
	}
	var errs []error
	for _, path := range slices.Sorted(maps.Keys(c.Requests.Approvals)) {
		n := c.Requests.Approvals[path]
		s := byPath[path]
		switch {
		case s == nil:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: not a command of this configuration", path))
		case !s.IsChange():
			errs = append(errs, fmt.Errorf("requests.approvals.%s: not a change command, it is never approved", path))
		case !s.Financial:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: only a financial command's approvals are set here", path))
		case n < 1:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: %d, want at least 1", path, n))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, s := range specs {
		if !s.Financial || !s.IsChange() || c.grantsOnPlatform(s.ApproverRoles()) {
			continue
		}
		need := max(s.Approvals, 1, c.Requests.Approvals[s.Path])
		var approvers []string
		asks := false // one of them may ask for it
		for _, m := range people {
			if slices.ContainsFunc(m.Roles, func(r bot.Role) bool { return slices.Contains(s.ApproverRoles(), r) }) {
				approvers = append(approvers, m.Name)
				asks = asks || slices.ContainsFunc(m.Roles, func(r bot.Role) bool { return slices.Contains(s.Roles, r) })
			}
		}
		switch who := strings.Join(approvers, ", "); {
		case len(approvers) < need:
			if _, set := c.Requests.Approvals[s.Path]; set {
				errs = append(errs, fmt.Errorf("requests.approvals.%s: %d approvals, but only %d people may approve it (%s)", s.Path, need, len(approvers), who))
			} else {
				warnings = append(warnings, fmt.Sprintf("%s needs %d approval(s), but only %d people may approve it (%s)", s.Path, need, len(approvers), who))
			}
		case len(approvers) == need && asks:
			warnings = append(warnings, fmt.Sprintf("%s needs %d approval(s) from %s: when one of them asks for it, the others are too few to approve it", s.Path, need, who))
		}
	}
	return warnings, errors.Join(errs...)
}

// grantsOnPlatform reports whether the configured chat platform's role map
// grants one of roles: anyone given that platform role may approve.
func (c *Config) grantsOnPlatform(roles []bot.Role) bool {
	return slices.ContainsFunc(slices.Collect(maps.Values(c.platformRoles()[c.Chat])), func(r bot.Role) bool { return slices.Contains(roles, r) })
}
