package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Spec declares one command. The engine reads it: it checks roles, parses and
// validates the arguments, runs Read at once, or for a change runs Preview,
// stores a change request and runs Apply once approved. Handlers never post,
// log-and-return, or touch storage.
type Spec struct {
	Path   string // "mail passwd"
	Help   string // French one-liner
	HelpEN string // English one-liner
	Roles  []Role // who may run (read) or request (change) it
	Args   []Arg

	// Self lets a person holding one of Self.Roles run the command on their
	// own mailbox even without one of Roles.
	Self *SelfService

	// Exactly one of Read, Act and Apply is set. Read changes nothing. Act
	// changes opsbot's own records at once, without a change request
	// (withdrawing one's own request, muting an alert, closing an
	// evolution): the handler checks who may, and the engine audits it as an
	// "act" with its arguments. Apply changes a provider once approved; with
	// it, Preview is required.
	Read    func(ctx context.Context, c Call) (Reply, error)
	Act     func(ctx context.Context, c Call) (Reply, error)
	Preview func(ctx context.Context, c Call) (string, error)
	Apply   func(ctx context.Context, c Call) (Outcome, error)

	Approvals  int    // approvals needed; 0 means 1
	Approvers  []Role // who may approve; nil means treasurer or president
	Idempotent bool   // safe to run again after an interrupted execution
	Financial  bool   // approvals may be raised by the configuration

	// Verify is the read command that shows whether the change happened,
	// with {arg} standing for an argument: "mail show {boite}". The engine
	// names it when an outcome is unknown (a write that timed out). An
	// Apply error with a method VerifyLine() string (a step of a change in
	// steps) names its own instead ("": the provider's state).
	Verify string
	// Recipient names the argument holding the mailbox whose owner receives
	// the change's private message (a new password); the requester receives
	// it when no chat user owns that mailbox. The engine makes sure a private
	// message reaches that person before Apply runs, and runs nothing if not.
	Recipient string
	// Secret, with Recipient, tells whether this call's change sends a
	// password (a change in steps, some of which do); nil means it always
	// does. No password, no private message checked or announced.
	Secret func(c Call) bool
}

// SendsSecret reports whether c's change sends a password privately.
func (s *Spec) SendsSecret(c Call) bool {
	return s.Recipient != "" && (s.Secret == nil || s.Secret(c))
}

// SelfService describes the self-service exception of a spec.
type SelfService struct {
	Roles []Role // e.g. delegate
	Arg   string // the argument that must be one of the caller's mailboxes
	// NoApproval runs the change at once (when the configuration allows it).
	NoApproval bool
}

// IsChange reports whether the spec goes through a change request.
func (s *Spec) IsChange() bool { return s.Apply != nil }

// Words splits the path.
func (s *Spec) Words() []string { return strings.Fields(s.Path) }

// HelpIn returns the help text in locale l.
func (s *Spec) HelpIn(l Locale) string {
	if l == EN && s.HelpEN != "" {
		return s.HelpEN
	}
	return s.Help
}

// Usage returns "mail quota BOITE TAILLE" with optional arguments in brackets.
func (s *Spec) Usage() string {
	var b strings.Builder
	b.WriteString(s.Path)
	for _, a := range s.Args {
		b.WriteByte(' ')
		name := strings.ToUpper(a.Name)
		if a.Rest {
			name += "…"
		}
		if a.After {
			name = "-- " + name
		}
		if a.Optional {
			name = "[" + name + "]"
		}
		b.WriteString(name)
	}
	return b.String()
}

// ApproverRoles returns who may approve a change of this spec.
func (s *Spec) ApproverRoles() []Role {
	if len(s.Approvers) > 0 {
		return s.Approvers
	}
	return []Role{Treasurer, President}
}

// Call is what a handler receives: who asked, the validated arguments and
// the locale to answer in. For Apply, Request is the approved change request.
type Call struct {
	Invocation string // invocation ID, for correlation
	Platform   string
	Caller     Person
	Args       Values
	Locale     Locale
	Request    *ChangeRequest

	plan *json.RawMessage // where Keep writes, during a Preview run by the engine
}

// Keep stores v, JSON-encoded, with the change request the preview
// describes; Apply reads it back with Kept. A preview whose text only
// summarises the change (counts instead of members' addresses) keeps the
// exact plan this way. The engine compares the kept plan too when it
// recomputes the preview before Apply: a different plan is a stale request.
// v must encode the same way each time for the same plan (sort its lists).
// Outside a preview run by the engine it is an error.
func (c Call) Keep(v any) error {
	if c.plan == nil {
		return errors.New("keep plan: not in a preview run by the engine")
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("keep plan: %w", err)
	}
	*c.plan = raw
	return nil
}

// Kept decodes into v the plan the approved preview kept (see Keep).
func (c Call) Kept(v any) error {
	if c.Request == nil || len(c.Request.Plan) == 0 {
		return errors.New("kept plan: the request holds none")
	}
	if err := json.Unmarshal(c.Request.Plan, v); err != nil {
		return fmt.Errorf("kept plan: %w", err)
	}
	return nil
}

// T picks the French or English text for the call's locale.
func (c Call) T(fr, en string) string { return c.Locale.Pick(fr, en) }

// Outcome is what an applied change produced: a text for the request's
// thread and private messages carrying secrets. An Apply that fails after
// some of its steps returns their private messages with its error: they
// are delivered all the same.
type Outcome struct {
	Text    string
	Private []Private
}

// Private is a private message produced by a change. The engine sends it to
// the chat user who owns Mailbox when the configuration maps one, else to the
// requester; the secret goes nowhere else.
type Private struct {
	Mailbox string
	Text    string
	Secret  Secret
}

// Line renders a command with validated arguments, in the spec's order, as
// it could be typed again: "mail quota delegue75@anopex.test 2048". Tokenize
// and ParseArgs read it back as v (FuzzLineRoundTrip, in cmd/opsbot).
func (s *Spec) Line(v Values) string {
	parts := []string{s.Path}
	for _, a := range s.Args {
		val, ok := v[a.Name]
		if !ok {
			continue
		}
		if a.After {
			parts = append(parts, "--", val)
			continue
		}
		parts = append(parts, Quote(val))
	}
	return strings.Join(parts, " ")
}
