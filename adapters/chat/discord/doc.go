// Package discord puts opsbot on a Discord server (guild) through
// github.com/bwmarrin/discordgo v0.29.0; reference/chat/discord.md holds the
// facts it relies on.
//
// The model:
//
//   - Commands. At start-up Run bulk-overwrites the guild's application
//     commands from the engine's specs (so a removed command disappears).
//     Spec paths are grouped by their first word: "mail passwd" becomes the
//     subcommand passwd of /mail, "mail forward add" the subcommand add of
//     the group forward of /mail, and "help" a command of its own. Each
//     argument is a string option (required unless Optional, with its
//     Choices, autocomplete for mailboxes and roles); descriptions are
//     French with en-US and en-GB localisations.
//   - Interactions. Every slash command is acknowledged at once with a
//     deferred, ephemeral response, well inside Discord's three seconds,
//     then its options are turned back into the engine's command line (in
//     the spec's argument order, quoted where needed) and handed to the
//     bot.Handler in a goroutine. The handler's reply edits the deferred
//     response; a reply for the channel goes out as a public follow-up; a
//     handler that fails or panics still gets a follow-up saying so; an
//     interaction whose acknowledgement failed is answered by private
//     message.
//   - Reactions. MESSAGE_REACTION_ADD and _REMOVE become bot.Reactions
//     (the bot's own are ignored), with the person resolved by the policy
//     from the member's role IDs; a removal carries no member, so roles come
//     from a cache of recent events or from GET /guilds/{g}/members/{u}.
//     Reactions on one message reach the handler in order.
//   - Posts. Post sends to a channel (a reply to ReplyTo when set), splits
//     texts longer than Discord's 2000 characters, sends attachments as
//     files and, for a change request, adds ✅ and ❌ itself. Direct opens
//     the user's DM channel and is the only place a secret is revealed.
//   - Resilience. discordgo resumes the gateway session after a dropped
//     connection or a RECONNECT, and the gateway replays what was missed.
//     At each new session (INVALID_SESSION, a restart) Run re-reads the ✅
//     and ❌ of the change requests still pending and hands the handler
//     the reactions added or removed meanwhile. A REST 429 is waited out by
//     discordgo's rate limiter.
//   - Endpoints. discordgo's URLs are fixed when it loads; APIURL redirects
//     them with an http.RoundTripper that rewrites discord.com, and
//     GatewayURL answers GET /api/v9/gateway locally.
package discord
