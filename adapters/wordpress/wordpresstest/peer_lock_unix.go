//go:build unix

package wordpresstest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// lockPeer takes the lock that makes the tests of several packages use the
// real WordPress one after the other (go test runs packages in parallel).
func lockPeer(t testing.TB) func() {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "opsbot-wp.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("lock the real WordPress: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock the real WordPress: %v", err)
	}
	return func() { f.Close() } // closing releases the lock
}
