package discord

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
)

func TestRunConnectsWithLeastIntentsAndRegisters(t *testing.T) {
	t.Parallel()
	f := start(t, newRecorder())
	if got := f.srv.Gateway().Intents; got != 13313 {
		t.Errorf("intents = %d, want 13313 (guilds, guild reactions, DMs, DM reactions)", got)
	}
	if len(f.srv.Commands()) == 0 {
		t.Fatal("no command registered")
	}
	for _, r := range f.srv.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") &&
			r.Path != "/api/v9/applications/"+discordtest.AppID+"/guilds/"+discordtest.GuildID+"/commands" {
			t.Errorf("commands registered at %s, want the guild bulk overwrite", r.Path)
		}
	}
}

func TestRunFailsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  func(*Config)
		kind bot.Kind
	}{
		{"unknown approvals channel", func(c *Config) { c.ApprovalsChannel = "42" }, bot.Internal},
		{"unknown role id", func(c *Config) {
			p, _ := bot.NewPolicy(nil, map[string]map[string]bot.Role{Platform: {"999": bot.Treasurer}})
			c.Policy = p
		}, bot.Internal},
		{"bad token", func(c *Config) { c.Token = bot.NewSecret("wrong") }, bot.Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(discordtest.Options{})
			defer srv.Close()
			cfg := Config{Token: bot.NewSecret(srv.Token()), ApplicationID: discordtest.AppID, GuildID: discordtest.GuildID,
				ApprovalsChannel: discordtest.ApprovalsChannel, Policy: testPolicy(t), APIURL: srv.URL()}
			tt.cfg(&cfg)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Run(t.Context(), newRecorder())
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			if got := bot.KindOf(err); got != tt.kind {
				t.Errorf("kind = %v, want %v (%v)", got, tt.kind, err)
			}
			if srv.Commands() != nil {
				t.Error("commands registered despite the bad configuration")
			}
		})
	}
}

func TestSlashCommandBecomesInvocation(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	tests := []struct {
		name  string
		user  string
		path  string
		opts  []discordtest.Option
		text  string
		roles []bot.Role
	}{
		{"subcommand", adminID, "mail passwd", []discordtest.Option{{Name: "boite", Value: "jean@anopex.test"}},
			"mail passwd jean@anopex.test", []bot.Role{bot.Admin}},
		{"group and spec order", aliceID, "mail forward add", []discordtest.Option{
			{Name: "destination", Value: "b@x.fr"}, {Name: "adresse", Value: "a@anopex.test"}},
			"mail forward add a@anopex.test b@x.fr", []bot.Role{bot.Treasurer}},
		{"quoted rest and after", adminID, "ticket open", []discordtest.Option{
			{Name: "sujet", Value: `Boîte "pleine"`}, {Name: "texte", Value: "La boîte déborde -- vite"}},
			`ticket open “Boîte "pleine"” -- La boîte déborde -- vite`, []bot.Role{bot.Admin}},
		{"bare command", delegateID, "help", nil, "help", []bot.Role{bot.Delegate}},
		{"unknown person", strangerID, "help", []discordtest.Option{{Name: "commande", Value: "mail passwd"}},
			`help "mail passwd"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.srv.Slash(tt.user, discordtest.ApprovalsChannel, tt.path, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			inv := next(t, h.invs)
			if inv.Text != tt.text {
				t.Errorf("Text = %q, want %q", inv.Text, tt.text)
			}
			if inv.Platform != Platform || inv.Caller.ID != tt.user || inv.Channel != discordtest.ApprovalsChannel {
				t.Errorf("invocation = %+v", inv)
			}
			if diff := cmp.Diff(tt.roles, inv.Caller.Roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			in := f.answered(t, id)
			if in.Callback == nil || in.Callback.Type != 5 || in.Callback.Flags != 64 {
				t.Errorf("callback = %+v, want deferred (5) ephemeral (64)", in.Callback)
			}
			if !in.Original.Ephemeral() || in.Original.Content != "ok: "+tt.text || len(in.Followups) != 0 {
				t.Errorf("original = %+v, follow-ups %d; want the private reply only", in.Original, len(in.Followups))
			}
		})
	}
}

func TestSkippedOptionalArgumentIsExplained(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "mail list", discordtest.Option{Name: "tri", Value: "taille"})
	if err != nil {
		t.Fatal(err)
	}
	in := f.answered(t, id)
	if !strings.Contains(in.Original.Content, "« filtre »") {
		t.Errorf("answer = %q, want it to name the missing argument", in.Original.Content)
	}
	none(t, h.invs)
}

func TestReplies(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ligne de rapport assez longue\n", 150) // 4500 characters
	csv := bot.Attachment{Name: "rapport.csv", ContentType: "text/csv", Data: []byte("email;etat\na@b.fr;ok\n")}
	tests := []struct {
		name      string
		reply     bot.Reply
		original  string // content of the edited deferred response
		followups int
		public    bool // follow-ups without the ephemeral flag
		files     int
	}{
		{"private", bot.Reply{Text: "fait"}, "fait", 0, false, 0},
		{"in channel", bot.Reply{Text: "pour tous", InChannel: true}, "Réponse publiée dans le canal.", 1, true, 0},
		{"long", bot.Reply{Text: long}, "", 2, false, 0},
		{"attachment", bot.Reply{Text: "rapport joint", Attachments: []bot.Attachment{csv}}, "rapport joint", 0, false, 1},
		{"empty", bot.Reply{}, "✓", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newRecorder()
			h.reply = func(bot.Invocation) bot.Reply { return tt.reply }
			f := start(t, h)
			id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
			if err != nil {
				t.Fatal(err)
			}
			var in discordtest.Interaction
			f.wait(t, "the reply", func() bool {
				in, _ = f.srv.Interaction(id)
				return in.Original != nil && in.Original.Edited && len(in.Followups) == tt.followups
			})
			if tt.original != "" && in.Original.Content != tt.original {
				t.Errorf("original = %q, want %q", in.Original.Content, tt.original)
			}
			var all strings.Builder
			all.WriteString(in.Original.Content)
			files := len(in.Original.Attachments)
			for _, fu := range in.Followups {
				if fu.Ephemeral() == tt.public {
					t.Errorf("follow-up ephemeral = %v, want %v", fu.Ephemeral(), !tt.public)
				}
				if n := len([]rune(fu.Content)); n > 2000 {
					t.Errorf("follow-up of %d characters", n)
				}
				all.WriteString("\n" + fu.Content)
				files += len(fu.Attachments)
			}
			if tt.reply.Text == long && all.String() != long {
				t.Errorf("the long reply was not delivered whole")
			}
			if files != tt.files {
				t.Errorf("%d files sent, want %d", files, tt.files)
			}
			if tt.files > 0 && string(in.Original.Attachments[0].Data) != string(csv.Data) {
				t.Errorf("attachment = %q", in.Original.Attachments[0].Data)
			}
		})
	}
}

// panicky panics in Handle, or answers nothing.
type panicky struct{ silent bool }

func (p panicky) Handle(context.Context, bot.Invocation) {
	if !p.silent {
		panic("boom")
	}
}
func (panicky) React(context.Context, bot.Reaction) {}
func (panicky) Specs() []bot.Spec                   { return testSpecs() }

func TestFailingHandlerStillGetsAFollowUp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		h    panicky
		want string
	}{{"panic", panicky{}, "Erreur interne"}, {"no answer", panicky{silent: true}, "n'a rien répondu"}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := start(t, tt.h)
			id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
			if err != nil {
				t.Fatal(err)
			}
			in := f.answered(t, id)
			if !strings.Contains(in.Original.Content, tt.want) {
				t.Errorf("answer = %q, want it to contain %q", in.Original.Content, tt.want)
			}
		})
	}
}

func TestLateAckAnswersPrivately(t *testing.T) {
	t.Parallel()
	// Every reading of the fake's clock is 4 s after the previous one, so
	// the acknowledgement always comes after Discord's 3 s.
	var tick atomic.Int64
	base := time.Now()
	clock := func() time.Time { return base.Add(time.Duration(tick.Add(1)) * 4 * time.Second) }
	h := newRecorder()
	f := start(t, h, func(o *discordtest.Options, _ *Config) { o.Now = clock })
	id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
	if err != nil {
		t.Fatal(err)
	}
	next(t, h.invs)
	f.wait(t, "a private answer", func() bool { return len(f.srv.DMs(adminID)) == 1 })
	if got := f.srv.DMs(adminID)[0].Content; got != "ok: help" {
		t.Errorf("DM = %q", got)
	}
	if in, _ := f.srv.Interaction(id); in.Callback != nil {
		t.Errorf("callback accepted after the deadline: %+v", in.Callback)
	}
}

func TestPost(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	ctx := t.Context()
	csv := bot.Attachment{Name: "sweep.csv", ContentType: "text/csv", Data: []byte("a;b\n")}

	req, err := f.chat.Post(ctx, discordtest.ApprovalsChannel, bot.Message{Text: "Demande n°1 <@everyone>", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	f.wait(t, "the bot's reactions", func() bool {
		m, _ := f.srv.Message(req)
		return len(m.Reactions) == 2
	})
	m, _ := f.srv.Message(req)
	if diff := cmp.Diff(map[string][]string{"✅": {discordtest.AppID}, "❌": {discordtest.AppID}}, m.Reactions); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	reply, err := f.chat.Post(ctx, discordtest.ApprovalsChannel, bot.Message{Text: strings.Repeat("é", 2500), ReplyTo: req, Attachments: []bot.Attachment{csv}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.srv.Messages(discordtest.ApprovalsChannel)
	if len(msgs) != 3 || msgs[1].ID != reply || msgs[1].ReplyTo != req || msgs[2].ReplyTo != "" {
		t.Fatalf("messages = %+v, want the request, then a reply in two parts", msgs)
	}
	if len(msgs[1].Attachments) != 0 || len(msgs[2].Attachments) != 1 || msgs[2].Attachments[0].Name != "sweep.csv" {
		t.Errorf("the file should come with the last part")
	}
	if _, err := f.chat.Post(ctx, "123", bot.Message{Text: "x"}); bot.KindOf(err) != bot.NotFound {
		t.Errorf("post to an unknown channel: kind %v, want not_found (%v)", bot.KindOf(err), err)
	}
	if _, err := f.chat.Post(ctx, discordtest.AlertsChannel, bot.Message{}); bot.KindOf(err) != bot.Invalid {
		t.Errorf("empty post: kind %v, want invalid", bot.KindOf(err))
	}
	// The bot's own ✅ and ❌ were dispatched before alice's: had they
	// not been ignored, they would come first.
	if err := f.srv.React(aliceID, discordtest.ApprovalsChannel, req, "✅"); err != nil {
		t.Fatal(err)
	}
	if got := next(t, h.reacts); got.User.ID != aliceID {
		t.Errorf("first reaction handed over is %+v, want alice's", got)
	}
}

func TestDirect(t *testing.T) {
	t.Parallel()
	f := start(t, newRecorder())
	f.srv.AddUser(discordtest.User{ID: "600", Username: "closed", DMClosed: true})
	secret := bot.NewSecret("S3cret-pw-9871")
	if err := f.chat.Direct(t.Context(), delegateID, bot.Message{Text: "Nouveau mot de passe :", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	dms := f.srv.DMs(delegateID)
	if len(dms) != 1 || !strings.Contains(dms[0].Content, "S3cret-pw-9871") {
		t.Fatalf("DMs = %+v", dms)
	}
	err := f.chat.Direct(t.Context(), "600", bot.Message{Text: "x", Secret: secret})
	if bot.KindOf(err) != bot.Denied {
		t.Errorf("DM to a user who refuses them: kind %v, want denied (%v)", bot.KindOf(err), err)
	}
	if strings.Contains(f.logs.String(), "S3cret") || (err != nil && strings.Contains(err.Error(), "S3cret")) {
		t.Error("the secret leaked into a log line or an error")
	}
	for _, m := range f.srv.Messages("") {
		if m.ChannelID != dms[0].ChannelID && strings.Contains(m.Content, "S3cret") {
			t.Errorf("the secret was posted outside the DM: %+v", m)
		}
	}
}

func TestReactions(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	msg, err := f.chat.Post(t.Context(), discordtest.ApprovalsChannel, bot.Message{Text: "Demande n°7", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	ch := discordtest.ApprovalsChannel
	steps := []struct {
		user, emoji string
		remove      bool
		want        bot.Reaction
	}{
		{bobID, "✅", false, bot.Reaction{User: bot.Person{ID: bobID, Name: "Bob (President)", Roles: []bot.Role{bot.President}}, Emoji: "✅"}},
		{bobID, "✅", true, bot.Reaction{User: bot.Person{ID: bobID, Name: "Bob (President)", Roles: []bot.Role{bot.President}}, Emoji: "✅", Removed: true}},
		{aliceID, "✔️", false, bot.Reaction{User: bot.Person{ID: aliceID, Name: "alice.w", Roles: []bot.Role{bot.Treasurer}}, Emoji: "✔️"}},
		{adminID, "approved:1187001122334455800", false, bot.Reaction{User: bot.Person{ID: adminID, Name: "Sam Admin", Roles: []bot.Role{bot.Admin}}, Emoji: "approved:1187001122334455800"}},
	}
	for _, s := range steps {
		react := f.srv.React
		if s.remove {
			react = f.srv.Unreact
		}
		if err := react(s.user, ch, msg, s.emoji); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range steps {
		got := next(t, h.reacts)
		s.want.Platform, s.want.Channel, s.want.MessageID = Platform, ch, msg
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("reaction (-want +got):\n%s", diff)
		}
	}
	none(t, h.reacts)
}

func TestReactionRemovalReadsTheMember(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	msg, err := f.chat.Post(t.Context(), discordtest.ApprovalsChannel, bot.Message{Text: "Demande n°8"})
	if err != nil {
		t.Fatal(err)
	}
	// A reaction from before the bot started: the removal is all it sees.
	f.srv.AddUser(discordtest.User{ID: "700", Username: "tess", Roles: []string{discordtest.RoleTreasurer}})
	if err := f.srv.React("700", discordtest.ApprovalsChannel, msg, "✅"); err != nil {
		t.Fatal(err)
	}
	next(t, h.reacts)
	f.chat.mu.Lock()
	delete(f.chat.members, "700")
	f.chat.mu.Unlock()
	if err := f.srv.Unreact("700", discordtest.ApprovalsChannel, msg, "✅"); err != nil {
		t.Fatal(err)
	}
	got := next(t, h.reacts)
	if !got.Removed || !got.User.Has(bot.Treasurer) || got.User.Name != "tess" {
		t.Errorf("removal = %+v, want tess with the treasurer role", got)
	}
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	t.Parallel()
	f := start(t, newRecorder())
	f.srv.RateLimitNext(1, "/channels/"+discordtest.AlertsChannel+"/messages", 50*time.Millisecond)
	if _, err := f.chat.Post(t.Context(), discordtest.AlertsChannel, bot.Message{Text: "alerte"}); err != nil {
		t.Fatalf("Post after a 429: %v", err)
	}
	n := 0
	for _, r := range f.srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/channels/"+discordtest.AlertsChannel+"/messages") {
			n++
		}
	}
	if n != 2 || len(f.srv.Messages(discordtest.AlertsChannel)) != 1 {
		t.Errorf("%d posts sent, %d stored; want 2 (429 then retry) and 1", n, len(f.srv.Messages(discordtest.AlertsChannel)))
	}
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	boxes := []string{"alice@anopex.test", "bob@anopex.test", "dora@anopex.test", "jean@anopex.test"}
	f := start(t, newRecorder(), func(_ *discordtest.Options, c *Config) {
		c.Mailboxes = func(_ context.Context, prefix string) []string { return boxes }
	})
	tests := []struct {
		name, user, typed string
		want              []discordtest.Choice
	}{
		{"admin sees every mailbox", adminID, "", []discordtest.Choice{
			{Name: "alice@anopex.test", Value: "alice@anopex.test"}, {Name: "bob@anopex.test", Value: "bob@anopex.test"},
			{Name: "dora@anopex.test", Value: "dora@anopex.test"}, {Name: "jean@anopex.test", Value: "jean@anopex.test"}}},
		{"prefix", adminID, "J", []discordtest.Choice{{Name: "jean@anopex.test", Value: "jean@anopex.test"}}},
		{"delegate sees their own", delegateID, "", []discordtest.Choice{{Name: "dora@anopex.test", Value: "dora@anopex.test"}}},
		{"stranger sees none", strangerID, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.srv.Autocomplete(tt.user, discordtest.ApprovalsChannel, "mail passwd", "boite", discordtest.Option{Name: "boite", Value: tt.typed})
			if err != nil {
				t.Fatal(err)
			}
			var in discordtest.Interaction
			f.wait(t, "autocomplete", func() bool { in, _ = f.srv.Interaction(id); return in.Callback != nil })
			if in.Callback.Type != 8 {
				t.Errorf("callback type %d, want 8", in.Callback.Type)
			}
			if diff := cmp.Diff(tt.want, in.Callback.Choices); diff != "" {
				t.Errorf("choices (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGatewayResilience drops the gateway in the ways Discord does and
// checks that no reaction the fake sent after the resume (or while the bot
// was away, for a resumable session) is lost.
func TestGatewayResilience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cut     func(*discordtest.Server) error
		resumed bool // RESUME (else a new session and a re-read of the votes)
	}{
		{"dropped connection", (*discordtest.Server).Drop, true},
		{"reconnect asked", (*discordtest.Server).Reconnect, true},
		{"session timed out", func(s *discordtest.Server) error { return s.CloseGateway(4009) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newRecorder()
			f := start(t, h)
			ch := discordtest.ApprovalsChannel
			msg, err := f.chat.Post(t.Context(), ch, bot.Message{Text: "Demande n°9", Approval: true})
			if err != nil {
				t.Fatal(err)
			}
			before := f.srv.Gateway()
			if err := tt.cut(f.srv); err != nil {
				t.Fatal(err)
			}
			// While the bot is away: kept for RESUME, or lost with the
			// session and recovered by re-reading the votes.
			if err := f.srv.React(aliceID, ch, msg, "✅"); err != nil && !errors.Is(err, discordtest.ErrNoSession) {
				t.Fatal(err)
			}
			f.wait(t, "the bot to come back", func() bool {
				g := f.srv.Gateway()
				return f.srv.Connected() && (g.Resumes > before.Resumes || g.Identifies > before.Identifies)
			})
			if err := f.srv.React(bobID, ch, msg, "✅"); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for range 2 {
				r := next(t, h.reacts)
				got[r.User.ID] = r.Emoji == "✅" && !r.Removed
				if r.User.ID == aliceID && !r.User.Has(bot.Treasurer) {
					t.Errorf("alice's roles were lost: %+v", r.User)
				}
			}
			if !got[aliceID] || !got[bobID] {
				t.Errorf("reactions received = %v, want alice's and bob's ✅", got)
			}
			g := f.srv.Gateway()
			if tt.resumed && g.Resumes != before.Resumes+1 {
				t.Errorf("resumes = %d, want %d", g.Resumes, before.Resumes+1)
			}
			if !tt.resumed && g.Identifies != before.Identifies+1 {
				t.Errorf("identifies = %d, want %d", g.Identifies, before.Identifies+1)
			}
		})
	}
}

// TestReplyFallbacks: when Discord refuses the edit of the deferred
// response the answer goes out as a follow-up, and when the interaction's
// webhook refuses everything, by private message.
func TestReplyFallbacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failures int
		followup bool
		dm       bool
	}{
		{"edit refused", 1, true, false},
		{"webhook refused", 2, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := start(t, newRecorder())
			f.srv.Fault.Only(func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/webhooks/") })
			f.srv.Fault.FailNext(tt.failures, http.StatusInternalServerError, `{"message":"500: Internal Server Error","code":0}`)
			id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
			if err != nil {
				t.Fatal(err)
			}
			f.wait(t, "the answer", func() bool {
				in, _ := f.srv.Interaction(id)
				return len(in.Followups) > 0 || len(f.srv.DMs(adminID)) > 0
			})
			in, _ := f.srv.Interaction(id)
			if tt.followup && (len(in.Followups) != 1 || in.Followups[0].Content != "ok: help" || !in.Followups[0].Ephemeral()) {
				t.Errorf("follow-ups = %+v, want the private answer", in.Followups)
			}
			if dms := f.srv.DMs(adminID); tt.dm && (len(dms) != 1 || dms[0].Content != "ok: help") {
				t.Errorf("DMs = %+v, want the answer", dms)
			}
		})
	}
}

// TestVotesGivenWhileStopped: a change request posted by one process, a ✅
// given while opsbot is stopped, and the next process, told to watch the
// request's message, delivers that ✅ with the voter's roles once its
// gateway is ready (the bot's own reactions are not delivered).
func TestVotesGivenWhileStopped(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.chat.Run(ctx, newRecorder()) }()
	f.wait(t, "the first process to connect", f.srv.Connected)
	ch := discordtest.ApprovalsChannel
	msg, err := f.chat.Post(t.Context(), ch, bot.Message{Text: "Demande n°4", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first Run: %v", err)
	}
	f.wait(t, "the first process to leave", func() bool { return !f.srv.Connected() })
	if err := f.srv.React(aliceID, ch, msg, "✅"); err != nil && !errors.Is(err, discordtest.ErrNoSession) {
		t.Fatal(err)
	}

	rereads := strings.Count(f.logs.String(), "votes re-read") // the first process's, if its READY came
	next2, err := New(f.chat.cfg)
	if err != nil {
		t.Fatal(err)
	}
	next2.WatchApproval(ch, msg)
	h := newRecorder()
	f.chat = next2
	f.run(t, h)
	r := next(t, h.reacts)
	if r.User.ID != aliceID || r.Emoji != "✅" || r.Removed || r.MessageID != msg || !r.User.Has(bot.Treasurer) {
		t.Errorf("reaction delivered = %+v, want alice's ✅ on %s with her treasurer role", r, msg)
	}
	// Once both lists are re-read, a live reaction comes next: the bot's
	// own ✅ and ❌ were not delivered.
	// The adapter logs the end of the re-read after the fake's last event:
	// wait for that line.
	wctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := f.logs.Wait(wctx, func(s string) bool { return strings.Count(s, "votes re-read") > rereads }); err != nil {
		t.Fatal("the votes were never re-read")
	}
	if err := f.srv.React(bobID, ch, msg, "❌"); err != nil {
		t.Fatal(err)
	}
	if r := next(t, h.reacts); r.User.ID != bobID || r.Emoji != "❌" {
		t.Errorf("next reaction = %+v, want bob's live ❌", r)
	}
	none(t, h.reacts)
}
