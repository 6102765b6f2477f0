package coherence

import (
	"context"
	"time"
)

// Summary is what a complete sweep leaves for the monthly report: when it
// ran, how many member records it checked and how many findings of each
// code it made. It holds counts only, never an address or a name.
type Summary struct {
	At      time.Time    `json:"at"`
	Members int          `json:"members"`
	Counts  map[Code]int `json:"counts"`
}

// Total returns the number of findings of every code.
func (s Summary) Total() int {
	n := 0
	for _, c := range s.Counts {
		n += c
	}
	return n
}

// Summary returns the report's summary.
func (r *Report) Summary() Summary {
	return Summary{At: r.At, Members: r.Stats.Members, Counts: r.Counts()}
}

// Recorder keeps the summaries of the sweeps (storage.DB).
type Recorder interface {
	// SaveSweep stores s; an error is of kind bot.Internal.
	SaveSweep(ctx context.Context, s Summary) error
}
