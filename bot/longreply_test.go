package bot

import (
	"fmt"
	"strings"
	"testing"
)

func TestLongText(t *testing.T) {
	var b strings.Builder
	b.WriteString("3 boîte(s) :")
	for i := range 3 {
		fmt.Fprintf(&b, "\nb%d@anopex.test — 517 Mo / 1 Go (51 %%)", i)
	}
	short, f := LongText(FR, b.String())
	if short != "3 boîte(s) :\n(réponse complète en pièce jointe : 4 lignes)" {
		t.Errorf("short text = %q", short)
	}
	if f.Name != "reponse.csv" || string(f.Data) != "b0@anopex.test,517 Mo / 1 Go (51 %)\nb1@anopex.test,517 Mo / 1 Go (51 %)\nb2@anopex.test,517 Mo / 1 Go (51 %)\n" {
		t.Errorf("table file = %s %q", f.Name, f.Data)
	}
	text := "Aide\nune ligne\nune autre — avec un tiret\n"
	short, f = LongText(EN, text)
	if short != "Aide\n(full answer attached: 3 lines)" || f.Name != "answer.txt" || string(f.Data) != text {
		t.Errorf("text file = %q, %s %q", short, f.Name, f.Data)
	}
}
