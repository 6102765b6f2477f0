package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// The first rule that matches names the recipient; a 🎫 asks for the
// ticket of an open alert, the closing of a recovered one, nothing twice.
func TestAlertTicketLine(t *testing.T) {
	at := &AlertTickets{Rules: hostTicketRules}
	tests := []struct {
		name string
		s    alerts.State
		want string // the command's first words; "" for a refusal
	}{
		{"ovh site down", alerts.State{Key: "http:https://gestion.anopex.test/", Check: "http", Server: "ovh", Open: true}, "ticket alert http:https://gestion.anopex.test/ --"},
		{"planethoster disk", alerts.State{Key: "disk:planethoster", Check: "disk", Server: "planethoster", Open: true}, "ticket alert disk:planethoster --"},
		{"planethoster site down too", alerts.State{Key: "http:https://www.anopex.test/", Check: "http", Server: "planethoster", Open: true}, "ticket alert http:https://www.anopex.test/ --"},
		{"wordpress to cf2d", alerts.State{Key: "wp:core", Check: "versions", Open: true}, `evolution incident "Alerte wp:core" wp:core --`},
		{"no rule", alerts.State{Key: "dns:anopex.test:MX", Check: "dns", Open: true}, ""},
		{"recovered without ticket", alerts.State{Key: "disk:planethoster", Check: "disk", Server: "planethoster"}, ""},
		{"open with its ticket", alerts.State{Key: "disk:planethoster", Server: "planethoster", Open: true, Ticket: "ph-2"}, ""},
		{"recovered with its ticket", alerts.State{Key: "disk:planethoster", Ticket: "ph-2"}, "ticket reply ph-2 --"},
		{"recovered with its incident", alerts.State{Key: "wp:core", Ticket: "INC-3"}, "evolution close INC-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := at.Line(tt.s)
			var ue *bot.UserError
			switch {
			case tt.want == "" && !errors.As(err, &ue):
				t.Errorf("Line = %q, %v; want a sentence for people", got, err)
			case tt.want != "" && (err != nil || !strings.HasPrefix(got, tt.want)):
				t.Errorf("Line = %q, %v; want it to start with %q", got, err, tt.want)
			}
		})
	}
}
