package testlog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBufferConcurrent: writes from many goroutines all land, whole, while
// the buffer is read (run with -race).
func TestBufferConcurrent(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				fmt.Fprintf(&b, "line %d.%d\n", i, j)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "line ") {
			t.Fatalf("torn line %q", l)
		}
	}
}

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	if !c.Now().Equal(t0) {
		t.Fatalf("Now = %v, want %v", c.Now(), t0)
	}
	c.Add(90 * time.Minute)
	if got := c.Now().Sub(t0); got != 90*time.Minute {
		t.Errorf("after Add(90m) the clock moved %v", got)
	}
}

func TestBufferWait(t *testing.T) {
	var b Buffer
	done := make(chan error)
	go func() { done <- b.Wait(t.Context(), func(s string) bool { return strings.Count(s, "x") == 3 }) }()
	for range 3 {
		b.Write([]byte("x"))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := b.Wait(ctx, func(string) bool { return false }); err == nil {
		t.Error("Wait returned nil on an ended context with cond false")
	}
}
