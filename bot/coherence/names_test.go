package coherence

import "testing"

func TestSameName(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", "Jeanne Dupont", "Jeanne Dupont", true},
		{"case", "JEANNE DUPONT", "jeanne dupont", true},
		{"accents", "Hélène Lefèvre", "Helene LEFEVRE", true},
		{"decomposed accents", "He\u0301le\u0300ne Lefe\u0300vre", "Hélène Lefèvre", true},
		{"ligature", "Cœur Œdipe", "Coeur Oedipe", true},
		{"hyphen", "Jean-Pierre Martin", "Jean Pierre Martin", true},
		{"apostrophe", "Anne O'Brien", "Anne OBrien", true},
		{"compound as one word", "Jean-Pierre Martin", "Jeanpierre Martin", true},
		{"order", "Dupont Jeanne", "Jeanne Dupont", true},
		{"missing middle name", "Jeanne Marie Dupont", "Jeanne Dupont", true},
		{"initial", "J. Dupont", "Jeanne Dupont", true},
		{"empty side", "", "Jeanne Dupont", true},
		{"punctuation only", "—", "Jeanne Dupont", true},
		{"different last name", "Jeanne Dupont", "Jeanne Durand", false},
		{"different first name", "Jeanne Dupont", "Paul Dupont", false},
		{"wrong initial", "P. Dupont", "Jeanne Dupont", false},
		{"same word twice needs two", "Martin Martin", "Martin Paul", false},
		{"two initials one word", "J. J. Dupont", "Jeanne Dupont", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameName(tt.a, tt.b); got != tt.want {
				t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := SameName(tt.b, tt.a); got != tt.want {
				t.Errorf("SameName(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"Jean-Pierre  Lefèvre": "jean pierre lefevre",
		"ŁUKASZ Øster":         "lukasz oster",
		"  ":                   "",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSameName(f *testing.F) {
	f.Add("Jeanne Dupont", "Dupont Jeanne")
	f.Add("J. J.", "Jean")
	f.Add("\xff", "é")
	f.Fuzz(func(t *testing.T, a, b string) {
		if SameName(a, b) != SameName(b, a) {
			t.Fatalf("SameName(%q, %q) != SameName(%q, %q)", a, b, b, a)
		}
		if !SameName(a, a) {
			t.Fatalf("SameName(%q, itself) = false", a)
		}
		if NameKey(a) == NameKey(b) && !SameName(a, b) {
			t.Fatalf("SameName(%q, %q) = false with equal keys %q", a, b, NameKey(a))
		}
	})
}
