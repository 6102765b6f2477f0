package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Evolution is a feature request or bug fix ordered from the maintenance
// contractor (CF2D) once the treasurer or the president agreed to the
// spending, or an incident (Kind "incident") reported under the support
// contract, without budget, once an admin or a board member agreed. It is
// stored (storage's evolutions bucket) from the moment the approved request
// runs, with the Message-ID of the formal e-mail.
type Evolution struct {
	ID            int64     `json:"id"`
	RequestID     int64     `json:"request_id"` // the change request that approved it
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Budget        Money     `json:"budget"` // zero: to be quoted by the contractor
	RequesterID   string    `json:"requester_id"`
	RequesterName string    `json:"requester_name"`
	Approvers     []string  `json:"approvers"` // names of those who approved
	ApprovedAt    time.Time `json:"approved_at"`
	Reference     string    `json:"reference"` // the association's reference number with the contractor
	To            string    `json:"to"`
	MessageID     string    `json:"message_id"`
	State         string    `json:"state"` // "sending", "sent", "failed", "closed"
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	ClosedBy      string    `json:"closed_by,omitempty"`
	Kind          string    `json:"kind,omitempty"`  // "incident"; "" for an evolution
	Alert         string    `json:"alert,omitempty"` // the alert it was reported for, if any
}

// Code is the evolution's number as the contractor sees it ("EVO-3", or
// "INC-3" for an incident; the numbers are shared).
func (e Evolution) Code() string {
	if e.Kind == "incident" {
		return fmt.Sprintf("INC-%d", e.ID)
	}
	return fmt.Sprintf("EVO-%d", e.ID)
}

// Evolutions keeps contractor requests. Errors: NotFound for a missing
// evolution, Internal otherwise.
type Evolutions interface {
	// CreateEvolution stores e and sets its ID.
	CreateEvolution(ctx context.Context, e *Evolution) error
	// Evolution returns evolution id.
	Evolution(ctx context.Context, id int64) (Evolution, error)
	// UpdateEvolution runs fn on evolution id inside one transaction and
	// saves the result; an error from fn saves nothing and comes back unchanged.
	UpdateEvolution(ctx context.Context, id int64, fn func(*Evolution) error) (Evolution, error)
	// ListEvolutions returns every evolution, newest first.
	ListEvolutions(ctx context.Context) ([]Evolution, error)
}

// Letter renders the formal e-mail to the contractor, in French (the
// contractor's language): the association, its reference number, what is
// asked (or, for an incident, reported under the support contract), the
// budget, who asked, who approved and when.
func (e Evolution) Letter(association string, cc []string) Email {
	date := func(t time.Time) string { return t.Format("02/01/2006") }
	what, intro, approved := "Demande d'évolution", "vous confie la demande d'évolution suivante", "Dépense approuvée par"
	if e.Kind == "incident" {
		what, intro, approved = "Incident", "vous signale l'incident suivant, au titre du contrat de support", "Signalement approuvé par"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Madame, Monsieur,\n\n")
	fmt.Fprintf(&b, "L'association %s (référence %s) %s.\n\n", association, e.Reference, intro)
	fmt.Fprintf(&b, "Référence de la demande : %s\n", e.Code())
	fmt.Fprintf(&b, "Date : %s\n", date(e.ApprovedAt))
	fmt.Fprintf(&b, "Intitulé : %s\n", e.Title)
	if e.Kind != "incident" {
		budget := "à chiffrer : merci de nous adresser un devis avant toute réalisation"
		if !e.Budget.Zero() {
			budget = e.Budget.Format(FR) + " TTC au plus"
		}
		fmt.Fprintf(&b, "Budget : %s\n", budget)
	}
	fmt.Fprintf(&b, "Demandée par : %s\n", e.RequesterName)
	fmt.Fprintf(&b, "%s : %s, le %s\n\n", approved, strings.Join(e.Approvers, ", "), date(e.ApprovedAt))
	fmt.Fprintf(&b, "Description :\n%s\n\n", strings.TrimSpace(e.Description))
	fmt.Fprintf(&b, "Merci de rappeler la référence %s dans toute correspondance.\n\n", e.Code())
	fmt.Fprintf(&b, "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n%s\n", association)
	return Email{
		To: []string{e.To}, Cc: cc, MessageID: e.MessageID,
		Subject: fmt.Sprintf("[%s] %s %s : %s", e.Reference, what, e.Code(), e.Title),
		Body:    b.String(),
	}
}
