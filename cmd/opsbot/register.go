package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"time"

	"github.com/anopex/opsbot/commands"
)

// mattermostCmd is `opsbot mattermost register -config opsbot.yaml`: it
// creates or updates the slash commands on the server (a second run changes
// nothing) and prints the configuration lines of their tokens.
func mattermostCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		return errors.New("mattermost: the only sub-command is register: opsbot mattermost register -config opsbot.yaml")
	}
	fs := flag.NewFlagSet("mattermost register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "opsbot.yaml", "configuration file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	if cfg.Mattermost == nil {
		return errors.New("mattermost register: the configuration has no mattermost: section")
	}
	a, err := open(cfg, newLogger(stderr, "warn", false), time.Now)
	if err != nil {
		return err
	}
	defer a.close()
	// The catalogue only: no engine runs, so no handler is called.
	return registerMattermost(ctx, cfg.Mattermost, commands.All(a.deps), cfg.locale(), a.hc, stdout)
}
