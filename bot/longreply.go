package bot

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
)

// MaxReplyMessages is how many platform messages a text may take: a longer
// one goes as one attached file (LongText), never as hundreds of posts
// (10,000 mailboxes made 239 Discord messages).
const MaxReplyMessages = 3

// LongText turns a text too long for MaxReplyMessages messages into a short
// message and one attachment holding the whole text: a CSV file when the
// text is a table (after its first line, every line splits on " — " or
// " → " into the same number of fields, as the list commands write them),
// else a plain text file. The short message is the text's first line and a
// note saying a file follows.
func LongText(l Locale, text string) (string, Attachment) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	head, body := lines[0], lines[1:]
	note := fmt.Sprintf(l.Pick("(réponse complète en pièce jointe : %d lignes)", "(full answer attached: %d lines)"), len(lines))
	if rows := table(body); rows != nil {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.WriteAll(rows) // a bytes.Buffer does not fail
		return head + "\n" + note, Attachment{Name: l.Pick("reponse.csv", "answer.csv"), ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}
	}
	return head + "\n" + note, Attachment{Name: l.Pick("reponse.txt", "answer.txt"), ContentType: "text/plain; charset=utf-8", Data: []byte(text)}
}

// table splits lines into fields on " — " or " → ", or returns nil when
// they do not all have the same number of fields (two at least).
func table(lines []string) [][]string {
	if len(lines) < 2 {
		return nil
	}
	var rows [][]string
	for _, l := range lines {
		f := strings.Split(strings.ReplaceAll(l, " → ", " — "), " — ")
		if len(f) < 2 || (len(rows) > 0 && len(f) != len(rows[0])) {
			return nil
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		rows = append(rows, f)
	}
	return rows
}
