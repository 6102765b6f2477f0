package commands

import (
	"flag"
	"regexp"
	"testing"

	"github.com/anopex/opsbot/internal/bottest"
)

// update rewrites the golden transcripts: go test ./commands -update.
var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// messageIDs are the random part of e-mail Message-IDs.
var messageIDs = regexp.MustCompile(`\.[0-9a-f]{24}@`)

// golden compares a family's transcript with testdata/<family>.golden.
func golden(t *testing.T, family string, c *bottest.Chat) {
	t.Helper()
	bottest.Golden(t, "testdata/"+family+".golden", messageIDs.ReplaceAllString(c.Transcript(), ".<random>@"), *update)
}

// Golden is golden for the external tests (package commands_test).
var Golden = golden
