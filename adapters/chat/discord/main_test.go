package discord

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets more tests run at once than there are CPUs (the default of
// -parallel): each test that runs a Chat spends about a second in
// discordgo's Session.Close, which sleeps one second after sending the close
// frame ("wait for Discord to actually close the connection", wsapi.go). That
// wait is idle, so running the tests side by side costs no CPU and takes the
// package from 17 s to about 3 s. An explicit -parallel is kept.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "16")
	}
	os.Exit(m.Run())
}
