package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
)

// rightsReviewConfig is the "rights_review:" section: what /rights review
// compares with and, with every or daily, the scheduled review.
type rightsReviewConfig struct {
	schedule        `yaml:",inline"`
	UnusedDays      int      `yaml:"unused_days"`      // default 90
	WordPressAdmins []string `yaml:"wordpress_admins"` // the administrators the association names (logins)
}

func (r *rightsReviewConfig) rights() commands.Rights {
	if r == nil {
		return commands.Rights{}
	}
	return commands.Rights{UnusedDays: r.UnusedDays, WPAdmins: r.WordPressAdmins}
}

// rightsDesk posts the scheduled review's summary (counts only) in the
// approvals channel, sends the full list and the offboarding proposals
// privately to the admins, and takes the president's ✅ on the summary as
// the review's confirmation, audited, once. The store records the
// summaries awaiting it, so a ✅ given after a restart confirms too.
type rightsDesk struct {
	a                 *app
	chat              bot.Chat
	platform, channel string
}

func (a *app) rightsJob(platform, channel string, chat bot.Chat) (*alerts.Job, error) {
	c := a.cfg.RightsReview
	if c == nil || c.Every == 0 && c.Daily == "" {
		return nil, nil
	}
	if err := c.schedule.check("rights_review"); err != nil {
		return nil, err
	}
	d := &rightsDesk{a: a, chat: chat, platform: platform, channel: channel}
	a.engine.Watch(d.react)
	j := c.job()
	j.Digest = alerts.DigestFunc("rights_review", d.post)
	return &j, nil
}

// post runs the review; it posts nothing in the alerts channel.
func (d *rightsDesk) post(ctx context.Context) (string, error) {
	rep, err := commands.ReviewRights(ctx, d.a.deps)
	if err != nil {
		return "", err
	}
	l := d.a.cfg.locale()
	text := "🔐 " + rep.Summary(l) + l.Pick("\nLa présidence confirme la revue par ✅. La liste complète et les départs à proposer sont envoyés en privé aux administrateurs.",
		"\nThe president confirms the review with ✅. The full list and the offboardings to propose went privately to the admins.")
	id, err := d.chat.Post(ctx, d.channel, bot.Message{Text: text})
	if err != nil {
		return "", fmt.Errorf("rights review: post: %w", err)
	}
	if err := d.a.store.AwaitRightsReview(ctx, d.platform, id, d.a.now()); err != nil {
		return "", fmt.Errorf("rights review: %w", err)
	}
	private, err := rep.Private(l, d.a.deps.MailDomain)
	if err != nil {
		return "", err
	}
	for _, m := range d.a.policy.Members() {
		if to := m.IDs[d.platform]; to != "" && slices.Contains(m.Roles, bot.Admin) {
			if err := d.chat.Direct(ctx, to, bot.Message{Text: private.Text, Attachments: private.Attachments}); err != nil {
				return "", fmt.Errorf("rights review: private list to %s: %w", m.Name, err)
			}
		}
	}
	return "", nil
}

// react confirms a pending review on a president's ✅.
func (d *rightsDesk) react(ctx context.Context, r bot.Reaction) bool {
	if r.Removed || r.User.Bot || bot.NormalizeEmoji(r.Emoji) != bot.EmojiApprove {
		return false
	}
	if ok, err := d.a.store.RightsReviewAwaited(ctx, d.platform, r.MessageID); err != nil || !ok {
		if err != nil {
			d.a.log.Error().Err(err).Msg("rights review not read")
		}
		return false
	}
	if !r.User.Has(bot.President) {
		return true
	}
	posted, ok, err := d.a.store.ConfirmRightsReview(context.WithoutCancel(ctx), d.platform, r.MessageID)
	if err != nil || !ok {
		if err != nil {
			d.a.log.Error().Err(err).Msg("rights review confirmation not recorded")
		}
		return true // another ✅ confirmed it at the same time
	}
	l := d.a.cfg.locale()
	rec := bot.AuditRecord{At: d.a.now(), Kind: "rights-review", Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name,
		Detail: "confirmed the review posted " + posted.In(time.Local).Format("2006-01-02 15:04")}
	if err := d.a.store.AppendAudit(context.WithoutCancel(ctx), rec); err != nil {
		d.a.log.Error().Err(err).Msg("audit record lost")
	}
	text := fmt.Sprintf(l.Pick("✅ Revue des droits confirmée par %s.", "✅ Rights review confirmed by %s."), r.User.Name)
	if _, err := d.chat.Post(ctx, d.channel, bot.Message{Text: text, ReplyTo: r.MessageID}); err != nil {
		d.a.log.Warn().Err(err).Msg("rights review confirmation not posted")
	}
	return true
}
