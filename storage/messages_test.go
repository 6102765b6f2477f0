package storage

import (
	"context"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// MessageIDs lists the posts of requests and alerts of one platform only.
func TestMessageIDs(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	for _, cr := range []*bot.ChangeRequest{
		{Platform: "console", MessageID: "3", State: bot.Pending},
		{Platform: "console", MessageID: "12", State: bot.Done},
		{Platform: "discord", MessageID: "900", State: bot.Pending},
		{Platform: "console", State: bot.Cancelled},
	} {
		if err := db.CreateRequest(ctx, cr); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveAlert(ctx, alerts.State{Key: "tls", Platform: "console", MessageID: "20", Messages: []string{"7", "20"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAlert(ctx, alerts.State{Key: "disk", Platform: "discord", MessageID: "901", Messages: []string{"901"}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.MessageIDs(ctx, "console")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if want := []string{"12", "20", "3", "7"}; !slices.Equal(got, want) {
		t.Errorf("MessageIDs(console) = %q, want %q", got, want)
	}
}

// An index entry that does not match the request it points at (left over,
// or written by an older version) finds nothing: a vote counts only on the
// very message stored with the request.
func TestRequestByMessageIsExact(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	cr := &bot.ChangeRequest{Platform: "console", MessageID: "1", State: bot.Pending}
	if err := db.CreateRequest(ctx, cr); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketRequestByMessage)
		if err := idx.Put(messageKey("console", "2"), seqKey(uint64(cr.ID))); err != nil {
			return err
		}
		return idx.Put(messageKey("discord", "1"), seqKey(uint64(cr.ID)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.RequestByMessage(ctx, "console", "1"); err != nil || got.ID != cr.ID {
		t.Fatalf("RequestByMessage(console, 1) = %d, %v; want request %d", got.ID, err, cr.ID)
	}
	for _, k := range [][2]string{{"console", "2"}, {"discord", "1"}} {
		if got, err := db.RequestByMessage(ctx, k[0], k[1]); bot.KindOf(err) != bot.NotFound {
			t.Errorf("RequestByMessage(%s, %s) = request %d, %v; want NotFound", k[0], k[1], got.ID, err)
		}
	}
}
