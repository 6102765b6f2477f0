// Package mattermost puts opsbot on a self-hosted Mattermost server
// (reference/chat/mattermost.md). It speaks the REST API v4 and the
// WebSocket API itself (api.go): encoding/json, gorilla/websocket, small
// types holding only the fields it uses. Sources: the API reference at
// developers.mattermost.com (api/v4/source/*.yaml in mattermost/mattermost)
// and the Go model of server/public v0.1.21 (client4.go, websocket_*.go,
// command_response.go, integration_action.go). That model is not imported:
// it brings grpc, protobuf, a DNS library and more (7.6 of the 28.6 MB
// opsbot demo idled at; README, Performance), and its WebSocketClient dials
// without a context. The tests import it: wire_test.go holds every type of
// the adapter to model's JSON both ways, and drivers_test.go drives the fake
// with model.Client4, so a field name drifting from upstream fails a test.
//
// How it works, in one page:
//
//   - Commands arrive as custom slash commands, one per command family (/mail,
//     /approvals, …; families whose name is a Mattermost built-in such as
//     /help are reached through /opsbot). Mattermost POSTs a form to the
//     bot's HTTP endpoint; the adapter checks the command's token in constant
//     time, answers at once with an ephemeral "en cours…" and hands the
//     engine an Invocation whose text is "family rest-of-the-line". The
//     engine's reply goes back through the command's response_url, privately
//     or in the channel. Register creates those commands on the server.
//   - Change requests are posted through the REST API as the bot account
//     (an in_channel slash answer is posted as the user and its ID never
//     reaches the bot). The bot adds ✅ (white_check_mark) and ❌ (x) and
//     attaches two buttons, Approuver and Refuser, whose action URL is the
//     bot's own endpoint. A click carries a context signed with a key derived
//     from the bot token and bound to the post, the channel and the action;
//     it becomes a bot.Reaction from the clicking user, so buttons and
//     emoji go through the engine's one approval function.
//   - Reactions arrive on the websocket /api/v4/websocket (authentication
//     challenge, hello, reaction_added / reaction_removed whose reaction is a
//     JSON string inside the JSON). The adapter reconnects with exponential
//     backoff, re-reads the reactions of the posts of the requests still
//     pending after each reconnection (events are not replayed), waiting out
//     a 429 as Retry-After says, ignores its own reactions, and never sends
//     the "presence" action, which would make the server filter reaction
//     events. Only white_check_mark and x vote: Mattermost names a reaction
//     by its emoji's name alone, and a custom emoji may take any name but a
//     system one's (model.IsValidEmojiName), such as "check".
//   - A person is resolved through bot.Policy from their user ID, their
//     username, and their Mattermost roles: the system roles of the user and
//     the team roles of their team membership, fetched over REST and cached
//     briefly for slash commands, read afresh for a vote. Private messages go
//     to the direct channel between the bot and the user; secrets leave the
//     bot only there.
//   - A slash command is run only from the configured team, with a
//     response_url under the configured server's /hooks/commands/. Text the
//     bot posts or answers has its @mentions neutralised (a zero-width space
//     after the @), so an echoed "@channel" notifies nobody. A text longer
//     than bot.MaxReplyMessages posts goes as one uploaded file. A panic
//     while serving a person is logged and answered "erreur interne".
package mattermost
