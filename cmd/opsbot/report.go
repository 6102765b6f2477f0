package main

import (
	"context"
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
		if now.Day() != 1 {
			return "", nil
		}
		rep, err := commands.MonthReport(ctx, a.deps, a.cfg.locale(), time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.Local))
		if err != nil {
			return "", err
		}
		if _, err := chat.Post(ctx, channel, bot.Message{Text: rep.Text, Attachments: rep.Attachments}); err != nil {
			return "", fmt.Errorf("monthly report: post: %w", err)
		}
		return "", nil
	})
	return &j, nil
}
