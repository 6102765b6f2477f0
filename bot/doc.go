/*
Package bot is opsbot's core: the engine that turns slash commands into reads
and approved changes, the change requests and their votes, roles, command
specs, replies, the French/English texts, the error vocabulary, and the small
interfaces it and the commands consume (Chat, Store, and one per provider
capability: Mailboxes, Adherents, Contacts, Tickets …). It imports nothing of
opsbot's: the chat adapters, the provider clients and storage implement its
interfaces, commands/ declares the specs, and cmd/opsbot wires them.

# One command, end to end

 1. Slash command. A chat adapter (Discord, Mattermost, the console) hears
    "/mail quota jeanne@anopex.test 4G" and hands the engine an Invocation:
    who (a Person, with the roles the Policy gives them), where, the text, and
    a Responder for the answer (private by default).
 2. Spec. The engine finds the command's Spec by its path, refuses a person
    whose roles it does not list, and parses the arguments with their
    ArgTypes (args.go): bad input gets a French message and nothing runs.
    A read command (Spec.Read) answers at once; an act (Spec.Act, a change
    of opsbot's own records such as approvals cancel) runs at once and is
    audited.
 3. Preview. A change command (Spec.Apply) is first asked for its Preview:
    read from the provider now, it says exactly what would change
    ("quota de jeanne@… : 1 Go → 4 Go"). The preview is the contract with
    the approver. A preview that fails, or finds nothing to change
    (NoChange), creates no request.
 4. Request. The engine stores a ChangeRequest (the exact command and
    arguments, the preview, who asked, the approvals it needs) through the
    Store, posts it in the approvals channel with ✅ / ❌ and tells the
    requester its number.
 5. Votes. Reactions come back through Engine.React. One method of
    ChangeRequest (request.go) decides whether a reaction counts (an
    approver role, not the requester, not a bot); emoji are normalised
    first (emoji.go).
 6. Execution. Once approved, the request moves pending → approved →
    executing in one storage transaction, so two simultaneous approvals run
    it once. The engine recomputes the preview: only the approved one runs
    (Spec.Apply, with the stored arguments); a different one ends the
    request stale, and nothing runs.
 7. Outcome. The result is stored (done; failed when the provider refused;
    unknown when nobody can tell, such as a write that timed out, with the
    read command that shows the truth), answered in the request's thread
    and written to the audit log on a fresh context, and any secret it
    produced (a mailbox password, as a Secret) goes by private message to
    its owner only.

Expiry of pending requests (Engine.Run) and recovery after a restart
(Engine.Recover, Engine.WatchPending) close the life cycle. Alerts, which the
bot raises on its own, live in bot/alerts; the membership coherence sweep in
bot/coherence.

# Reading order

  - chat.go: what a chat adapter hands in (Invocation, Reaction) and gets
    back (Reply, Message); the Chat and Handler interfaces.
  - role.go: roles, Person, the Policy that maps chat identities to roles.
  - spec.go: Spec, Call, Outcome, Private: how a command is declared.
  - args.go, validate.go: the tokenizer, argument parsing, and the argument
    types the adapters know (e-mail, word, text).
  - engine.go: Engine, Handle (steps 1 to 3 and reads), ErrorText.
  - request.go: ChangeRequest, its states and votes, AuditRecord, Store.
  - change.go: requests and votes (steps 4 and 5), a self-service change
    run at once (Spec.Self), expiry, recovery after a restart; execute.go:
    execution and outcome (steps 6 and 7), which self-service shares.
  - recover.go: a panic while serving someone is logged and answered
    "erreur interne"; longreply.go: a long reply goes as one attached file.
  - errors.go: Kind, Error, KindOf, UserError: what failed, and the
    sentence a person reads; i18n.go: Locale; emoji.go; secret.go.
  - The domain types and capability interfaces, one file per area:
    mail.go (Mailboxes), members.go (Dolibarr members and staff),
    contacts.go (Brevo), wpusers.go (WordPress), host.go (IP blocks,
    certificates, DNS, disk quota, the Drive folder's editors), hosting.go,
    invoices.go, tickets.go, versions.go (installed software and its
    releases), evolution.go and email.go (the contractor's requests,
    e-mail), progress.go (page-by-page progress of long reads).
*/
package bot
