package discordtest

import (
	"maps"
	"net/http"
	"strconv"
)

// The reads behind the adapter's Check: the bot's own user (the token), its
// application, the guild with its roles (the bot's permissions, which
// discordgo computes from the guild's roles, the channel's overwrites and
// the bot's member). The bot (AppID) is a member of the guild without a
// role of its own unless AddUser says otherwise: it holds @everyone's
// permissions. API: GET /users/@me, GET /oauth2/applications/@me,
// GET /guilds/{guild.id} (discord.com/developers/docs/resources/user,
// …/resources/application, …/resources/guild).
func (s *Server) botRoutes(mux *http.ServeMux, v string) {
	mux.HandleFunc("GET "+v+"/users/@me", s.auth(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.userJSON(AppID))
	}))
	mux.HandleFunc("GET "+v+"/oauth2/applications/@me", s.auth(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"id": AppID, "name": "opsbot", "description": "", "bot_public": false,
			"bot_require_code_grant": false, "flags": 0})
	}))
	mux.HandleFunc("GET "+v+"/guilds/{gid}", s.auth(func(w http.ResponseWriter, r *http.Request) {
		if !s.checkGuild(w, r, "gid") {
			return
		}
		g := maps.Clone(tpl("discord-gateway-guild-create.json")["d"].(map[string]any))
		for _, k := range []string{"channels", "members", "threads", "presences", "voice_states"} {
			delete(g, k)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		roles := []any{}
		for _, r := range s.roles {
			roles = append(roles, r)
		}
		g["roles"] = roles
		writeJSON(w, http.StatusOK, g)
	}))
}

// DenyInChannel adds an overwrite to a channel that denies @everyone the
// permission bits deny, as a server admin would in the channel's settings.
func (s *Server) DenyInChannel(channelID string, deny int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[channelID]
	ow := []any{map[string]any{"id": GuildID, "type": 0, "allow": "0", "deny": strconv.FormatInt(deny, 10)}}
	ch["permission_overwrites"] = ow
	s.touch()
}
