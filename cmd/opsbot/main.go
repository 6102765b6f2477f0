// Command opsbot is the association's chat-ops bot: `opsbot help` lists
// its sub-commands (usageText). main.go opens the store and starts the
// parts, providers.go wires the providers, chat.go the chat platforms,
// config.go reads opsbot.yaml and checks its approval rules.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // a container without zoneinfo still loads time_zone

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/ops"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/storage"
)

// setLocal makes loc the process's time.Local, so every time shown (expiry,
// audit, alerts, tickets, logs) reads in the configured time_zone whatever
// TZ says. Only main sets it: the tests do not move their process's zone.
var setLocal = func(*time.Location) {}

func main() {
	setLocal = func(loc *time.Location) { time.Local = loc }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "opsbot:", err)
		os.Exit(1)
	}
}

const usageText = `usage: opsbot COMMAND [flags]

commands:
  demo [-data DIR] [-locale fr|en]    console chat with in-process fake providers (no config, no network)
  run -config opsbot.yaml             the bot on the configured chat platform
  console -config opsbot.yaml [-as NAME]  the console chat against the configured providers
  check-config -config opsbot.yaml    validate the configuration and test each provider's credentials
  backup -config opsbot.yaml FILE     write a consistent copy of the data file to FILE
  mattermost register -config opsbot.yaml  create or update the Mattermost slash commands, print their token lines
  health [URL]                        exit 0 when URL (default http://127.0.0.1:9090/healthz) answers 200: the image's HEALTHCHECK
  version                             print the version
`

// run runs the sub-command args names; its -h prints its flags and is no error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if errors.Is(err, flag.ErrHelp) {
			err = nil
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return errors.New("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "demo":
		return demo(ctx, args, stdin, stdout, stderr)
	case "run":
		return runBot(ctx, args, stderr)
	case "console":
		return consoleCmd(ctx, args, stdin, stdout, stderr)
	case "check-config":
		return checkConfig(ctx, args, stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "mattermost":
		return mattermostCmd(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "opsbot", version())
		return nil
	case "health":
		return health(ctx, append(args, "http://127.0.0.1:9090/healthz")[0])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usageText)
		return nil
	}
	fmt.Fprint(stderr, usageText)
	return fmt.Errorf("unknown command %q", cmd)
}

// stamped is the version the build gives: -ldflags "-X main.stamped=v1.2.0".
var stamped string

func version() string {
	if stamped != "" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// health is `opsbot health URL`: the distroless image has no curl for its
// HEALTHCHECK, so the binary asks /healthz itself.
func health(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answers %s", url, resp.Status)
	}
	return nil
}

// app is what the sub-commands assemble: the store, the policy, the
// providers behind the commands, and the long-running parts.
type app struct {
	cfg     *Config
	log     zerolog.Logger
	now     func() time.Time // the clock of the engine
	hc      *http.Client
	policy  *bot.Policy
	store   *storage.DB
	deps    commands.Deps
	engine  *bot.Engine
	runners []func(ctx context.Context) error // started with the engine, stopped with ctx
	checks  []namedCheck                      // credential checks for check-config
	// warnings are the approval rules that may deadlock (checkApprovals):
	// run logs them, check-config prints them.
	warnings []string
	closers
	metrics *ops.Metrics
	// checkFirst runs every check once before the chat listens (the demo,
	// so the seeded certificate alert comes first and always at the same place).
	checkFirst bool
	cpanels    []namedCPanel    // the cPanel servers, for their disk and AutoSSL checks
	drive      bot.AccountQuota // the Google Drive quota, for its check
	mail       *mailer.Client   // the SMTP client, for e-mail tickets and letters
}

type namedCheck struct {
	name string
	run  func(ctx context.Context) error
}

// closers are what to stop when done, in reverse order.
type closers []func()

func (c *closers) close() {
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}

// defaultLogger sets zerolog.DefaultContextLogger once per process, to the
// first root logger (a process builds one; tests build one per run, side by side).
var defaultLogger sync.Once

// newLogger builds the root logger: JSON on w, or the console writer for people.
func newLogger(w io.Writer, level string, pretty bool) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	if pretty {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	}
	l := zerolog.New(w).Level(lvl).With().Timestamp().Logger()
	defaultLogger.Do(func() { zerolog.DefaultContextLogger = &l })
	return l
}

// open builds the app from a configuration: store, policy, providers. The
// chat and the engine come after, because the engine needs the chat. A
// damaged data file stops it with storage's error (ErrCorrupt), which names
// the file and how to restore it.
func open(cfg *Config, log zerolog.Logger, now func() time.Time) (*app, error) {
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := storage.Open(filepath.Join(cfg.Data, "opsbot.db"), storage.Options{})
	if err != nil {
		return nil, err
	}
	return openWith(cfg, log, now, db)
}

// openWith builds the app on db (nil for check-config when the data file
// is in use or does not exist yet; nothing it checks writes to the store).
// On error, db is closed.
func openWith(cfg *Config, log zerolog.Logger, now func() time.Time, db *storage.DB) (*app, error) {
	a := &app{cfg: cfg, log: log, now: now, hc: httpClient(), store: db}
	if db != nil {
		a.closers = append(a.closers, func() { db.Close() })
	}
	if cfg.Ops != nil && cfg.Ops.Listen != "" {
		a.metrics = ops.NewMetrics() // read by /metrics only: not built without the listener
	}
	var err error
	if a.policy, err = cfg.policy(); err != nil {
		a.close()
		return nil, err
	}
	if err := cfg.sections.wire(a); err != nil {
		a.close()
		return nil, err
	}
	// The catalogue only (no engine yet): the approval rules are checked
	// against the commands this configuration has.
	if a.warnings, err = checkApprovals(cfg, a.policy.Members(), commands.All(a.deps)); err != nil {
		a.close()
		return nil, fmt.Errorf("config: %w", err)
	}
	return a, nil
}

// httpClient is the client every provider shares. OVH reads up to 4 objects
// of a list at once: keep that many connections warm rather than the
// default 2, so each round does not open new TLS sessions.
func httpClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 8
	return &http.Client{Timeout: 30 * time.Second, Transport: t}
}

// start builds the engine on chat, registers the commands, recovers
// interrupted requests and runs chat, engine and the other runners until ctx
// ends or one of them fails.
func (a *app) start(ctx context.Context, platform string, chat bot.Chat, listen func(ctx context.Context, h bot.Handler) error) error {
	approvals, alertsChannel := a.channels(platform)
	ec := bot.EngineConfig{
		Chat: chat, Store: a.store, Policy: a.policy, Log: a.log, Platform: platform, Now: a.now,
		ApprovalsChannel: approvals, Locale: a.cfg.locale(),
		Expiry: time.Duration(a.cfg.Requests.Expiry), Timeout: time.Duration(a.cfg.Requests.Timeout),
		SelfService: a.cfg.selfService(), Approvals: a.cfg.Requests.Approvals,
	}
	if a.metrics != nil {
		ec.Observe = a.metrics.CommandDone
	}
	var err error
	a.engine, err = bot.NewEngine(ec)
	if err != nil {
		return err
	}
	a.deps.Engine = a.engine
	a.deps.Audit, a.deps.Members.Sweeps = a.store, a.store
	a.deps.People, a.deps.Rights = a.policy.Members(), a.cfg.RightsReview.rights()
	var scheduler *alerts.Scheduler
	if a.cfg.Alerts != nil {
		var cycle *alerts.Cycle
		if cycle, scheduler, err = a.wireAlerts(a.cfg.Alerts, platform, alertsChannel, chat); err != nil {
			return err
		}
		a.deps.Alerts = scheduler
		a.engine.Watch(cycle.React)
	}
	a.wireOps(chat)
	if err := a.engine.Register(commands.All(a.deps)...); err != nil {
		return err
	}
	if scheduler != nil && a.checkFirst {
		scheduler.CheckNow(ctx)
	}
	if err := a.engine.Recover(ctx); err != nil {
		return err
	}
	// Before the chat connects: the votes given while opsbot was stopped on
	// the requests still pending are read when it does.
	if err := a.engine.WatchPending(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(a.runners)+2)
	goRun := func(name string, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		})
	}
	goRun("engine", a.engine.Run)
	goRun("control", a.serveControl)
	goRun("audit retention", a.pruneAudit)
	for _, r := range a.runners {
		goRun("runner", r)
	}
	listenErr := listen(ctx, a.engine)
	cancel()
	wg.Wait()
	close(errc)
	errs := []error{listenErr}
	for e := range errc {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// pruneAudit deletes the audit records older than audit.keep (default 400
// days), at start and then once a day, until ctx ends.
func (a *app) pruneAudit(ctx context.Context) error {
	keep := cmp.Or(time.Duration(a.cfg.Audit.Keep), 400*24*time.Hour)
	for {
		if n, err := a.store.PruneAudit(ctx, a.now().Add(-keep)); err != nil {
			a.log.Error().Err(err).Msg("audit retention")
		} else if n > 0 {
			a.log.Info().Int("deleted", n).Msg("audit records past audit.keep deleted")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(24 * time.Hour):
		}
	}
}

func runBot(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, _, err := configFlags("run", args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel, false)
	a, err := open(cfg, log, time.Now)
	if err != nil {
		return err
	}
	defer a.close()
	for _, w := range a.warnings {
		log.Warn().Str("approvals", w).Msg("approval rule may deadlock")
	}
	platform, chat, listen, err := a.chat(ctx)
	if err != nil {
		return err
	}
	log.Info().Str("platform", platform).Msg("opsbot starting")
	return a.start(ctx, platform, chat, listen)
}

// checkData opens the data file read-only for check-config, so a running
// bot's lock is not needed: it waits a moment for a bot that is starting or
// writing, then says the bot is running and goes on without the file. A
// damaged file is an error. The DB is nil when the file was not opened.
func checkData(dir string, stdout io.Writer) (*storage.DB, error) {
	path := filepath.Join(dir, "opsbot.db")
	db, err := storage.Open(path, storage.Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	switch {
	case errors.Is(err, storage.ErrLocked):
		fmt.Fprintf(stdout, "%-14s in use by a running opsbot (not read; its start-up checked it)\n", "data file")
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(stdout, "%-14s none yet: %s is created at the first start\n", "data file", path)
		return nil, nil
	case err != nil:
		return nil, err
	}
	fmt.Fprintf(stdout, "%-14s ok\n", "data file")
	return db, nil
}

func checkConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, path, err := configFlags("check-config", args, stderr, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: syntax and references OK\n", path)
	db, err := checkData(cfg.Data, stdout)
	if err != nil {
		return err
	}
	a, err := openWith(cfg, newLogger(io.Discard, "error", false), time.Now, db)
	if err != nil {
		return err
	}
	defer a.close()
	fmt.Fprintf(stdout, "%-14s ok: %s, now %s\n", "time zone", cfg.location(), time.Now().In(cfg.location()).Format("02/01/2006 15:04"))
	chat, chatWarnings := a.chatChecks()
	checks := append(chat, a.checks...)
	if cfg.Alerts != nil {
		checks = append(checks, namedCheck{"alerts", func(context.Context) error { _, err := cfg.Alerts.checks(a); return err }})
	}
	var failed []error
	for _, c := range checks {
		if err := runCheck(ctx, stdout, c, "FAILED", cfg.locale()); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", c.name, err))
		}
	}
	for _, c := range chatWarnings {
		runCheck(ctx, stdout, c, "WARNING", cfg.locale())
	}
	for _, w := range a.warnings {
		fmt.Fprintf(stdout, "%-14s WARNING: %s\n", "approvals", w)
	}
	return errors.Join(failed...)
}

// runCheck runs c and prints its line: ok, or what is wrong (one line per
// problem) under label. A provider's own error reads as the sentence people
// get; the chat checks' errors say what to fix themselves.
func runCheck(ctx context.Context, stdout io.Writer, c namedCheck, label string, l bot.Locale) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	err := c.run(ctx)
	if err == nil {
		fmt.Fprintf(stdout, "%-14s ok\n", c.name)
		return nil
	}
	text := err.Error()
	if _, ok := err.(*bot.Error); ok {
		text = bot.ErrorText(l, err, "check-config")
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(stdout, "%-14s %s: %s\n", c.name, label, line)
	}
	return err
}
