package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
)

// reportConfig is the "report:" section: with monthly, last month's
// summary and chart are posted in the approvals channel on the 1st, at
// daily (default 08:00).
type reportConfig struct {
	Monthly bool   `yaml:"monthly"`
	Daily   string `yaml:"daily"`
}

// reportJob posts last month's report at the first daily run on or after
// the 1st that finds it not posted: the store records the month posted, so
// a restart on the 1st does not post it again, and a bot down at that time
// posts it at the next day's run. A data file that never recorded one (a
// new one, or an upgrade) starts on a 1st: last month's may be out already,
// so a run on another day records that month as posted without posting it.
func (a *app) reportJob(channel string, chat bot.Chat) (*alerts.Job, error) {
	c := a.cfg.Report
	if c == nil || !c.Monthly {
		return nil, nil
	}
	s := schedule{Daily: c.Daily}
	if s.Daily == "" {
		s.Daily = "08:00"
	}
	if err := s.check("report"); err != nil {
		return nil, err
	}
	j := s.job()
	j.Digest = alerts.DigestFunc("report", func(ctx context.Context) (string, error) {
		now := a.now()
		start := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.Local)
		month := start.Format("2006-01")
		prev, ok, err := a.store.ClaimMonthlyReport(ctx, month)
		if err != nil || !ok || prev == "" && now.Day() != 1 {
			return "", err
		}
		rep, err := commands.MonthReport(ctx, a.deps, a.cfg.locale(), start)
		if err == nil {
			_, err = chat.Post(ctx, channel, bot.Message{Text: rep.Text, Attachments: rep.Attachments})
		}
		if err != nil { // not posted: the next run tries again
			// A data file's first claim gives back the month before, not
			// nothing: the next day's run is no 1st, and would take the
			// file for a new one again.
			back := cmp.Or(prev, start.AddDate(0, -1, 0).Format("2006-01"))
			return "", errors.Join(fmt.Errorf("monthly report: %w", err), a.store.ReleaseMonthlyReport(context.WithoutCancel(ctx), month, back))
		}
		return "", nil
	})
	return &j, nil
}
