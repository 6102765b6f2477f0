package mattermost

import (
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/anopex/opsbot/bot"
)

// TestClient4Drivers drives the fake as a Mattermost client would, with the
// real model.Client4: run a command (POST /commands/execute), read a request
// post (its buttons' context stays hidden from people) and press a button
// (POST /posts/{id}/actions/{action}).
func TestClient4Drivers(t *testing.T) {
	e, rec := start(t)
	alice := model.NewAPIv4Client(e.mm.URL())
	alice.SetToken(e.aliceToken)
	ctx := t.Context()

	cr, _, err := alice.ExecuteCommand(ctx, e.general, "/mail list")
	if err != nil || cr.Text != "en cours…" || cr.ResponseType != model.CommandResponseTypeEphemeral {
		t.Fatalf("ExecuteCommand = %+v, %v", cr, err)
	}
	rec.wait(t, "invocation", func(r *recorder) bool { return len(r.invs) == 1 })

	id, err := e.chat.Post(ctx, e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := alice.GetPost(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	atts := p.Attachments()
	if len(atts) != 1 || len(atts[0].Actions) != 2 {
		t.Fatalf("attachments = %+v, want two buttons", atts)
	}
	for _, a := range atts[0].Actions {
		if a.Integration != nil {
			t.Errorf("button %s shows its integration to a user: %+v", a.Id, a.Integration)
		}
	}
	if _, err := alice.DoPostAction(ctx, id, "approve"); err != nil {
		t.Fatalf("DoPostAction: %v", err)
	}
	rec.wait(t, "click", func(r *recorder) bool { return len(r.reacts) == 1 && r.reacts[0].Emoji == emojiApprove })
}
