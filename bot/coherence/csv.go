package coherence

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
)

// CSV layout: the report opens in a French spreadsheet with a double click.
const (
	// CSVComma is the field separator: Excel in a French locale expects a
	// semicolon (the comma is the decimal separator there).
	CSVComma = ';'
	// csvBOM lets Excel recognise UTF-8 (accents in names).
	csvBOM = "\ufeff"
)

// csvHeader returns the column names; their order is fixed.
func csvHeader(l bot.Locale) []string {
	if l == bot.EN {
		return []string{"code", "email", "member_ids", "dolibarr_name", "brevo_name", "wordpress_name", "wordpress_login", "detail"}
	}
	return []string{"code", "email", "id_adherents", "nom_dolibarr", "nom_brevo", "nom_wordpress", "identifiant_wordpress", "detail"}
}

// WriteCSV writes one row per finding after a header row, with a UTF-8 BOM,
// semicolons and CRLF line ends (what spreadsheets expect), quoting as
// encoding/csv does. Every cell goes through SafeCell, so that no value
// written by a member (a name, an address) becomes a formula when the file
// is opened in a spreadsheet.
func WriteCSV(w io.Writer, r *Report, l bot.Locale) error {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = CSVComma
	cw.UseCRLF = true
	if err := cw.Write(csvHeader(l)); err != nil {
		return err
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		row := []string{string(f.Code), f.Email, strings.Join(f.MemberIDs, " "), f.MemberName, f.ContactName, f.WPName, f.WPLogin, f.Detail(l)}
		for j := range row {
			row[j] = SafeCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStarts are the characters with which a spreadsheet may read a cell
// as a formula or a command (OWASP "CSV injection"), with their full-width
// forms, which some spreadsheets accept too. A line feed is included
// because SafeCell turns a carriage return into one.
const formulaStarts = "=+-@\t\r\n＝＋－＠"

// SafeCell returns s ready for a spreadsheet: invalid UTF-8 replaced,
// line ends made "\n" (encoding/csv reads CRLF inside a field back as "\n",
// so the file reads back to exactly what was written), and a leading "'"
// when s starts with one of formulaStarts, which makes the spreadsheet show
// the text as text.
func SafeCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if r, _ := utf8.DecodeRuneInString(s); s != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}
