//go:build !unix

package wordpresstest

import "testing"

// lockPeer does nothing where flock is missing: run the real tests of one
// package at a time there (go test -p 1).
func lockPeer(testing.TB) func() { return func() {} }
