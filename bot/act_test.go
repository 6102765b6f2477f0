package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/storage"
)

// An Act runs at once like a read, creates no change request, and is
// audited as an act; a spec sets exactly one of Read, Act and Apply.
func TestAct(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	policy, err := bot.NewPolicy([]bot.Member{{Name: "Dominique", Roles: []bot.Role{bot.Delegate}, IDs: map[string]string{"test": "u-1"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chat := &bottest.Chat{}
	e, err := bot.NewEngine(bot.EngineConfig{Chat: chat, Store: db, Policy: policy, Platform: "test", ApprovalsChannel: "approbations", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	act := func(context.Context, bot.Call) (bot.Reply, error) { ran++; return bot.Reply{Text: "fait"}, nil }
	read := func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{}, nil }
	if err := e.Register(bot.Spec{Path: "both", Roles: []bot.Role{bot.Delegate}, Read: read, Act: act}); err == nil || !strings.Contains(err.Error(), "exactly one") {
		t.Errorf("Register with Read and Act = %v, want refused", err)
	}
	if err := e.Register(bot.Spec{Path: "close", Roles: []bot.Role{bot.Delegate}, Act: act}); err != nil {
		t.Fatal(err)
	}
	s := &bottest.Session{Engine: e, Policy: policy, Chat: chat}
	if got := s.Text(t.Context(), "u-1", "close"); got != "fait" || ran != 1 {
		t.Errorf("close = %q, ran %d times; want fait, once", got, ran)
	}
	if crs, _ := db.ListRequests(t.Context()); len(crs) != 0 || chat.Count() != 0 {
		t.Errorf("an act made %d requests and %d posts", len(crs), chat.Count())
	}
	recs, err := db.Audit(t.Context(), 5)
	if err != nil || len(recs) != 1 || recs[0].Kind != "act" || recs[0].ActorID != "u-1" || recs[0].Command != "close" {
		t.Errorf("audit = %+v, %v; want one act by u-1", recs, err)
	}
}
