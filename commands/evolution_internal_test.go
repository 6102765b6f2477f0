package commands

import (
	"strconv"
	"testing"
)

func TestEvolutionNumber(t *testing.T) {
	for in, want := range map[string]string{"EVO-3": "3", "inc-4": "4", "#12": "12", " 7 ": "7", "INC-0": "", "evo-+3": "", "abc-3": "", "3-": "", "": ""} {
		got, err := argEvolution.Check(in)
		if (want == "") != (err != nil) || got != want {
			t.Errorf("argEvolution(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// An accepted number is a positive integer that is accepted again as itself.
func FuzzEvolutionNumber(f *testing.F) {
	for _, s := range []string{"EVO-3", "inc-4", "#12", "evo-inc-3", "-1", "INC-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := argEvolution.Check(s)
		if err != nil {
			return
		}
		if n, err := strconv.ParseInt(got, 10, 64); err != nil || n < 1 {
			t.Fatalf("argEvolution(%q) = %q: not a positive number", s, got)
		}
		if again, err := argEvolution.Check(got); err != nil || again != got {
			t.Fatalf("argEvolution(%q) = %q, then %q, %v", s, got, again, err)
		}
	})
}
