package coherence

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// smallReport has one finding of every code, and names a spreadsheet
// would misread: a formula, a comma, a quote, a semicolon and a newline.
func smallReport() Report {
	blacklisted := contact("bl@x.fr", "Bea", "Blanc", news)
	blacklisted.Blacklisted = true
	return Join(Data{
		Members: []bot.Adherent{
			active("1", "a@x.fr", "Ana", "Ari"),
			active("2", "bl@x.fr", "Bea", "Blanc"),
			member("3", "old@x.fr", "=HYPERLINK(\"http://evil\")", "Vieux", bot.AdherentResigned, false),
			active("4", "d@x.fr", "Dan, \"le grand\"", "Deux;Trois"),
			active("5", "d@x.fr", "Dan", "Deux\nTrois"),
			active("6", "n@x.fr", "Nina", "Petit"),
		},
		Contacts: []bot.Contact{blacklisted, contact("old@x.fr", "-2+3", "@SUM(A1)", news),
			contact("d@x.fr", "Dan", "Deux", news), contact("n@x.fr", "Nina", "Grand\nMère", news)},
		WPUsers: []bot.WPUser{wpUser("intrus", "who@x.fr", "\tTab", "+Plus", "adherent")},
	}, testConfig)
}

func TestWriteCSVGolden(t *testing.T) {
	r := smallReport()
	for _, l := range []bot.Locale{bot.FR, bot.EN} {
		var b bytes.Buffer
		if err := WriteCSV(&b, &r, l); err != nil {
			t.Fatal(err)
		}
		golden(t, "report-"+string(l)+".csv.golden", b.Bytes())
	}
}

func TestWriteCSVHasEveryCode(t *testing.T) {
	r := smallReport()
	for _, c := range Codes {
		if r.Counts()[c] == 0 {
			t.Errorf("the small report has no %s finding", c)
		}
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"Dupont":        "Dupont",
		"=1+1":          "'=1+1",
		"+33 6":         "'+33 6",
		"-2":            "'-2",
		"@SUM(A1)":      "'@SUM(A1)",
		"\tx":           "'\tx",
		"\rx":           "'\nx",
		"＝1":            "'＝1",
		"a\r\nb":        "a\nb",
		"Jean-Pierre":   "Jean-Pierre",
		"":              "",
		"\xff=":         "\ufffd=",
		"'déjà protégé": "'déjà protégé",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// readCSV parses a report back as a spreadsheet would.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(csvBOM)) {
		t.Fatalf("the report does not start with a BOM")
	}
	r := csv.NewReader(bytes.NewReader(b[len(csvBOM):]))
	r.Comma = CSVComma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the report does not parse back: %v", err)
	}
	return rows
}

// FuzzCSV writes a report whose names, logins and roles come from the
// fuzzer and checks that it parses back into one row per finding, eight
// fields each, that no cell starts with a formula character, and that every
// cell reads back as written (after the protecting quote).
func FuzzCSV(f *testing.F) {
	f.Add("=HYPERLINK(\"x\")", "Dupont, \"dit\" ;le grand", "+1", "@a\nb", "-\r\n=")
	f.Add("\t", "\r", "＠", "", "'")
	f.Add("\xff\xfe", "é\u0301", "a\"\"b", "\n\n", ";;")
	f.Fuzz(func(t *testing.T, first, last, cname, wname, login string) {
		r := Join(Data{
			Members:  []bot.Adherent{active("1", "a@x.fr", first, last), active("2", "a@x.fr", last, first)},
			Contacts: []bot.Contact{contact("a@x.fr", cname, login)},
			WPUsers:  []bot.WPUser{{Username: login, Email: "w@x.fr", Name: wname, Roles: []string{"adherent", login}}},
		}, testConfig)
		var b bytes.Buffer
		if err := WriteCSV(&b, &r, bot.FR); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, b.Bytes())
		if len(rows) != len(r.Findings)+1 {
			t.Fatalf("%d rows for %d findings", len(rows), len(r.Findings))
		}
		for i, row := range rows {
			if len(row) != 8 {
				t.Fatalf("row %d has %d fields: %q", i, len(row), row)
			}
			for _, cell := range row {
				if r, _ := utf8.DecodeRuneInString(cell); cell != "" && strings.ContainsRune(formulaStarts, r) {
					t.Fatalf("row %d: cell %q starts with a formula character", i, cell)
				}
			}
			if i == 0 {
				continue
			}
			fd := r.Findings[i-1]
			want := []string{string(fd.Code), fd.Email, strings.Join(fd.MemberIDs, " "), fd.MemberName, fd.ContactName, fd.WPName, fd.WPLogin, fd.Detail(bot.FR)}
			for j, w := range want {
				if got := row[j]; got != SafeCell(w) {
					t.Fatalf("row %d field %d = %q, want %q", i, j, got, SafeCell(w))
				}
			}
		}
	})
}
