package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"
)

// maxContent is Discord's limit on a message's content, in characters.
const maxContent = 2000

func (s *Server) routes(mux *http.ServeMux) {
	for _, v := range []string{"/api/v9", "/api/v10"} {
		mux.HandleFunc("GET "+v+"/gateway", s.getGateway)
		mux.HandleFunc("GET "+v+"/gateway/bot", s.auth(s.getGatewayBot))
		mux.HandleFunc("PUT "+v+"/applications/{app}/guilds/{guild}/commands", s.auth(s.putCommands))
		mux.HandleFunc("GET "+v+"/applications/{app}/guilds/{guild}/commands", s.auth(s.getCommands))
		mux.HandleFunc("POST "+v+"/interactions/{id}/{token}/callback", s.callback)
		mux.HandleFunc("POST "+v+"/webhooks/{app}/{token}", s.followup)
		mux.HandleFunc("GET "+v+"/webhooks/{app}/{token}/messages/{mid}", s.webhookMessage)
		mux.HandleFunc("PATCH "+v+"/webhooks/{app}/{token}/messages/{mid}", s.webhookMessage)
		mux.HandleFunc("DELETE "+v+"/webhooks/{app}/{token}/messages/{mid}", s.webhookMessage)
		mux.HandleFunc("GET "+v+"/channels/{cid}", s.auth(s.getChannel))
		mux.HandleFunc("POST "+v+"/channels/{cid}/messages", s.auth(s.postMessage))
		mux.HandleFunc("GET "+v+"/channels/{cid}/messages/{mid}", s.auth(s.getMessage))
		mux.HandleFunc("PUT "+v+"/channels/{cid}/messages/{mid}/reactions/{emoji}/{user}", s.auth(s.putReaction))
		mux.HandleFunc("DELETE "+v+"/channels/{cid}/messages/{mid}/reactions/{emoji}/{user}", s.auth(s.deleteReaction))
		mux.HandleFunc("GET "+v+"/channels/{cid}/messages/{mid}/reactions/{emoji}", s.auth(s.getReactions))
		mux.HandleFunc("POST "+v+"/users/@me/channels", s.auth(s.createDM))
		mux.HandleFunc("GET "+v+"/guilds/{gid}/roles", s.auth(s.getRoles))
		mux.HandleFunc("GET "+v+"/guilds/{gid}/members/{uid}", s.auth(s.getMember))
		s.botRoutes(mux, v)
	}
}

// auth requires "Authorization: Bot <token>" like Discord.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bot "+s.opts.Token {
			apiError(w, http.StatusUnauthorized, 0, "401: Unauthorized", nil)
			return
		}
		h(w, r)
	}
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": s.GatewayURL(), "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})
}

func (s *Server) checkGuild(w http.ResponseWriter, r *http.Request, key string) bool {
	if r.PathValue(key) != GuildID {
		apiError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild", nil)
		return false
	}
	return true
}

func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != AppID {
		apiError(w, http.StatusForbidden, 50001, "Missing Access", nil)
		return
	}
	if !s.checkGuild(w, r, "guild") {
		return
	}
	body, _ := io.ReadAll(r.Body)
	var cmds []map[string]any
	if err := json.Unmarshal(body, &cmds); err != nil {
		formError(w, "_root", "BASE_TYPE_BAD", "Must be an array of command objects.")
		return
	}
	if path, msg := validateCommands(cmds); msg != "" {
		formError(w, path, "APPLICATION_COMMAND_INVALID", msg)
		return
	}
	template := tplArray("discord-commands-bulk-overwrite-response.json")[0].(map[string]any)
	s.mu.Lock()
	stored := make([]any, 0, len(cmds))
	for _, c := range cmds {
		out := map[string]any{}
		for k, v := range template {
			out[k] = v
		}
		delete(out, "options") // the template's own command
		for k, v := range c {
			if v != nil {
				out[k] = v
			}
		}
		out["id"], out["version"] = s.snowflake(), s.snowflake()
		out["application_id"], out["guild_id"] = AppID, GuildID
		if _, ok := c["type"]; !ok {
			out["type"] = 1
		}
		for _, k := range []string{"name_localizations", "description_localizations", "default_member_permissions"} {
			if _, ok := c[k]; !ok {
				out[k] = nil
			}
		}
		stored = append(stored, out)
	}
	s.commands = stored
	s.commandsBody = body
	s.touch()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, stored)
}

func (s *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	if !s.checkGuild(w, r, "guild") {
		return
	}
	s.mu.Lock()
	out := append([]any{}, s.commands...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// callback is the initial response to an interaction: once, within the
// deadline, with the interaction's own token.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type int `json:"type"`
		Data *struct {
			Content string `json:"content"`
			Flags   int    `json:"flags"`
			Choices []struct {
				Name  string `json:"name"`
				Value any    `json:"value"`
			} `json:"choices"`
		} `json:"data"`
	}
	raw, files, err := readBody(r)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		formError(w, "_root", "BASE_TYPE_BAD", "Invalid JSON body.")
		return
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("id")]
	switch {
	case in == nil || in.Token != r.PathValue("token") || now.Sub(in.SentAt) > s.opts.InteractionDeadline:
		apiError(w, http.StatusNotFound, codeUnknownInteraction, "Unknown interaction", nil)
		return
	case in.Callback != nil:
		apiError(w, http.StatusBadRequest, codeAlreadyAcked, "Interaction has already been acknowledged.", nil)
		return
	}
	cb := &Callback{Type: body.Type, At: now}
	if body.Data != nil {
		cb.Content, cb.Flags = body.Data.Content, body.Data.Flags
		for _, c := range body.Data.Choices {
			v, _ := c.Value.(string)
			cb.Choices = append(cb.Choices, Choice{Name: c.Name, Value: v})
		}
	}
	switch body.Type {
	case 4, 5:
		if body.Type == 4 && cb.Content == "" && len(files) == 0 {
			apiError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message", nil)
			return
		}
		if utf8.RuneCountInString(cb.Content) > maxContent {
			formError(w, "data.content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
			return
		}
		m := &Message{ID: s.snowflake(), ChannelID: in.ChannelID, Author: AppID, Content: cb.Content,
			Flags: cb.Flags & 64, Attachments: files, Interaction: in.ID, At: now}
		s.addMessage(m)
		in.Original = m
	case 8:
		if in.Type != 4 {
			formError(w, "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Autocomplete results answer autocomplete interactions only.")
			return
		}
		if len(cb.Choices) > 25 {
			formError(w, "data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
			return
		}
	case 1, 6, 7, 9:
		formError(w, "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type for this interaction.")
		return
	default:
		formError(w, "type", "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.")
		return
	}
	in.Callback = cb
	s.touch()
	w.WriteHeader(http.StatusNoContent)
}

// interactionByToken finds the interaction whose webhook is app/token and
// checks the token's lifetime; the caller holds s.mu.
func (s *Server) interactionByToken(w http.ResponseWriter, r *http.Request) *Interaction {
	if r.PathValue("app") == AppID {
		for _, in := range s.interactions {
			if in.Token == r.PathValue("token") {
				if in.Callback == nil || s.opts.Now().Sub(in.SentAt) > s.opts.TokenLifetime {
					break
				}
				return in
			}
		}
	}
	apiError(w, http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook", nil)
	return nil
}

// followup creates a follow-up message (wait is implied).
func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	raw, files, err := readBody(r)
	var body struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		formError(w, "_root", "BASE_TYPE_BAD", "Invalid JSON body.")
		return
	}
	if body.Content == "" && len(files) == 0 {
		apiError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message", nil)
		return
	}
	if utf8.RuneCountInString(body.Content) > maxContent {
		formError(w, "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactionByToken(w, r)
	if in == nil {
		return
	}
	m := &Message{ID: s.snowflake(), ChannelID: in.ChannelID, Author: AppID, Content: body.Content,
		Flags: body.Flags & 64, Attachments: files, Interaction: in.ID, At: s.opts.Now()}
	s.addMessage(m)
	in.Followups = append(in.Followups, *m)
	s.touch()
	writeJSON(w, http.StatusOK, s.messageJSON(m))
}

// webhookMessage reads, edits or deletes the original response
// ("@original") or a follow-up.
func (s *Server) webhookMessage(w http.ResponseWriter, r *http.Request) {
	var raw []byte
	var files []File
	if r.Method == http.MethodPatch {
		var err error
		if raw, files, err = readBody(r); err != nil {
			formError(w, "_root", "BASE_TYPE_BAD", "Invalid body.")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactionByToken(w, r)
	if in == nil {
		return
	}
	var m *Message
	if mid := r.PathValue("mid"); mid == "@original" {
		if in.Original != nil {
			m = s.messages[in.Original.ID]
		}
	} else if fm := s.messages[mid]; fm != nil && fm.Interaction == in.ID {
		m = fm
	}
	if m == nil {
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, s.messageJSON(m))
	case http.MethodDelete:
		delete(s.messages, m.ID)
		s.touch()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		var body struct {
			Content *string `json:"content"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			formError(w, "_root", "BASE_TYPE_BAD", "Invalid JSON body.")
			return
		}
		if body.Content != nil {
			if utf8.RuneCountInString(*body.Content) > maxContent {
				formError(w, "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
				return
			}
			m.Content = *body.Content
		}
		if len(files) > 0 {
			m.Attachments = append(m.Attachments, files...)
		}
		m.Edited = true
		s.touch()
		writeJSON(w, http.StatusOK, s.messageJSON(m))
	}
}

// channelLocked returns a channel object; the caller holds s.mu.
func (s *Server) channelLocked(id string) map[string]any {
	return s.channels[id]
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ch := s.channelLocked(r.PathValue("cid"))
	s.mu.Unlock()
	if ch == nil {
		apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel", nil)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	raw, files, err := readBody(r)
	var body struct {
		Content   string `json:"content"`
		Flags     int    `json:"flags"`
		Reference *struct {
			MessageID       string `json:"message_id"`
			FailIfNotExists *bool  `json:"fail_if_not_exists"`
		} `json:"message_reference"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		formError(w, "_root", "BASE_TYPE_BAD", "Invalid JSON body.")
		return
	}
	cid := r.PathValue("cid")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(cid)
	switch {
	case ch == nil:
		apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel", nil)
		return
	case body.Content == "" && len(files) == 0:
		apiError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message", nil)
		return
	case utf8.RuneCountInString(body.Content) > maxContent:
		formError(w, "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
		return
	case body.Flags&64 != 0:
		formError(w, "flags", "MESSAGE_FLAGS_INVALID", "Ephemeral messages exist only as interaction responses.")
		return
	}
	if ch["type"] == float64(1) {
		for uid, dm := range s.dms {
			if dm == cid && s.users[uid] != nil && s.users[uid].DMClosed {
				apiError(w, http.StatusForbidden, codeCannotDM, "Cannot send messages to this user", nil)
				return
			}
		}
	}
	m := &Message{ID: s.snowflake(), ChannelID: cid, Author: AppID, Content: body.Content, Flags: body.Flags,
		Attachments: files, At: s.opts.Now()}
	if body.Reference != nil {
		ref := s.messages[body.Reference.MessageID]
		if ref == nil || ref.ChannelID != cid {
			if body.Reference.FailIfNotExists == nil || *body.Reference.FailIfNotExists {
				formError(w, "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
				return
			}
		} else {
			m.ReplyTo = ref.ID
		}
	}
	s.addMessage(m)
	s.touch()
	writeJSON(w, http.StatusOK, s.messageJSON(m))
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[r.PathValue("mid")]
	if m == nil || m.ChannelID != r.PathValue("cid") {
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.messageJSON(m))
}

// addMessage stores m; the caller holds s.mu.
func (s *Server) addMessage(m *Message) {
	m.Reactions = map[string][]string{}
	s.messages[m.ID] = m
	s.msgOrder = append(s.msgOrder, m.ID)
}

// messageJSON renders m like discord-message-response.json; the caller holds s.mu.
func (s *Server) messageJSON(m *Message) map[string]any {
	out := tpl("discord-message-response.json")
	out["id"], out["channel_id"], out["content"], out["flags"] = m.ID, m.ChannelID, m.Content, m.Flags
	out["timestamp"] = m.At.UTC().Format("2006-01-02T15:04:05.000000+00:00")
	if m.Edited {
		out["edited_timestamp"] = s.opts.Now().UTC().Format("2006-01-02T15:04:05.000000+00:00")
	}
	if ch := s.channels[m.ChannelID]; ch == nil || ch["type"] == float64(1) {
		delete(out, "guild_id")
	}
	obj(out, "author")["id"] = AppID
	var atts []any
	for i, f := range m.Attachments {
		atts = append(atts, map[string]any{"id": fmt.Sprintf("%s%02d", m.ID, i), "filename": f.Name,
			"size": len(f.Data), "content_type": f.ContentType,
			"url": s.srv.URL + "/attachments/" + m.ChannelID + "/" + f.Name})
	}
	if atts == nil {
		atts = []any{}
	}
	out["attachments"] = atts
	if m.ReplyTo != "" {
		out["type"] = 19 // REPLY
		out["message_reference"] = map[string]any{"message_id": m.ReplyTo, "channel_id": m.ChannelID}
	}
	if m.Interaction != "" {
		out["webhook_id"] = AppID
	}
	return out
}

// emojiKey validates a reaction's emoji from the URL: a Unicode emoji, or
// name:id of a custom emoji.
func emojiKey(e string) (string, bool) {
	if e == "" {
		return "", false
	}
	if name, id, ok := strings.Cut(e, ":"); ok {
		return e, name != "" && id != "" && strings.Trim(id, "0123456789") == ""
	}
	for _, r := range e {
		if r < 0x80 { // a bare name: unknown emoji
			return "", false
		}
	}
	return e, true
}

func (s *Server) putReaction(w http.ResponseWriter, r *http.Request) { s.botReaction(w, r, false) }

func (s *Server) deleteReaction(w http.ResponseWriter, r *http.Request) { s.botReaction(w, r, true) }

// botReaction adds or removes the bot's own reaction; like Discord, the
// gateway then tells the bot about it.
func (s *Server) botReaction(w http.ResponseWriter, r *http.Request, remove bool) {
	if r.PathValue("user") != "@me" {
		if !remove {
			apiError(w, http.StatusNotFound, 0, "404: Not Found", nil)
			return
		}
	}
	emoji, ok := emojiKey(r.PathValue("emoji"))
	if !ok {
		apiError(w, http.StatusBadRequest, codeUnknownEmoji, "Unknown Emoji", nil)
		return
	}
	user := AppID
	if remove && r.PathValue("user") != "@me" {
		user = r.PathValue("user")
	}
	cid, mid := r.PathValue("cid"), r.PathValue("mid")
	changed, err := s.setReaction(cid, mid, user, emoji, remove)
	if err != nil {
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return
	}
	if changed {
		s.dispatchReaction(cid, mid, user, emoji, remove)
	}
	w.WriteHeader(http.StatusNoContent)
}

var errUnknownMessage = jsonError("unknown message")

type jsonError string

func (e jsonError) Error() string { return string(e) }

// setReaction records a reaction; changed is false when nothing changed.
func (s *Server) setReaction(cid, mid, user, emoji string, remove bool) (changed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[mid]
	if m == nil || m.ChannelID != cid {
		return false, errUnknownMessage
	}
	users := m.Reactions[emoji]
	i := -1
	for j, u := range users {
		if u == user {
			i = j
		}
	}
	switch {
	case remove && i >= 0:
		m.Reactions[emoji] = append(users[:i:i], users[i+1:]...)
		if len(m.Reactions[emoji]) == 0 {
			delete(m.Reactions, emoji)
		}
	case !remove && i < 0:
		m.Reactions[emoji] = append(users, user)
	default:
		return false, nil
	}
	s.touch()
	return true, nil
}

func (s *Server) getReactions(w http.ResponseWriter, r *http.Request) {
	emoji, ok := emojiKey(r.PathValue("emoji"))
	if !ok {
		apiError(w, http.StatusBadRequest, codeUnknownEmoji, "Unknown Emoji", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[r.PathValue("mid")]
	if m == nil || m.ChannelID != r.PathValue("cid") {
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return
	}
	out := []any{}
	for _, uid := range m.Reactions[emoji] {
		out = append(out, s.userJSON(uid))
	}
	writeJSON(w, http.StatusOK, out)
}

// userJSON renders a user like the reference's user objects; the caller holds s.mu.
func (s *Server) userJSON(id string) map[string]any {
	u := tpl("discord-create-dm-response.json")["recipients"].([]any)[0].(map[string]any)
	u["id"] = id
	if id == AppID {
		u["username"], u["global_name"], u["bot"] = "opsbot", nil, true
		return u
	}
	if usr := s.users[id]; usr != nil {
		u["username"], u["global_name"] = usr.Username, usr.Username
		if usr.Bot {
			u["bot"] = true
		}
	}
	return u
}

// memberJSON renders a guild member like the reaction payload's member;
// the caller holds s.mu.
func (s *Server) memberJSON(u *User, withPermissions bool) map[string]any {
	m := obj(tpl("discord-reaction-add.json"), "d")["member"].(map[string]any)
	m["user"] = s.userJSON(u.ID)
	roles := []any{}
	for _, r := range u.Roles {
		roles = append(roles, r)
	}
	m["roles"] = roles
	if u.Nick != "" {
		m["nick"] = u.Nick
	} else {
		m["nick"] = nil
	}
	if withPermissions {
		m["permissions"] = "2248473465835073"
	}
	return m
}

func (s *Server) createDM(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.RecipientID == "" {
		formError(w, "recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[body.RecipientID] == nil {
		apiError(w, http.StatusNotFound, codeUnknownUser, "Unknown User", nil)
		return
	}
	id, ok := s.dms[body.RecipientID]
	if !ok {
		id = s.snowflake()
		ch := tpl("discord-create-dm-response.json")
		ch["id"] = id
		ch["recipients"] = []any{s.userJSON(body.RecipientID)}
		s.channels[id] = ch
		s.dms[body.RecipientID] = id
		s.touch()
	}
	writeJSON(w, http.StatusOK, s.channels[id])
}

func (s *Server) getRoles(w http.ResponseWriter, r *http.Request) {
	if !s.checkGuild(w, r, "gid") {
		return
	}
	s.mu.Lock()
	out := make([]any, 0, len(s.roles))
	for _, role := range s.roles {
		out = append(out, role)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	if !s.checkGuild(w, r, "gid") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[r.PathValue("uid")]
	if u == nil && r.PathValue("uid") == AppID {
		u = &User{ID: AppID, Bot: true}
	}
	if u == nil || u.NotMember {
		apiError(w, http.StatusNotFound, codeUnknownMember, "Unknown Member", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.memberJSON(u, false))
}

// readBody returns the JSON body of a request, from payload_json and the
// files[n] parts when it is multipart.
func readBody(r *http.Request) ([]byte, []File, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		return b, nil, err
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var payload []byte
	var files []File
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(io.LimitReader(p, 25<<20))
		if err != nil {
			return nil, nil, err
		}
		switch name := p.FormName(); {
		case name == "payload_json":
			payload = data
		case strings.HasPrefix(name, "files["):
			files = append(files, File{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
	if payload == nil {
		payload = []byte("{}")
	}
	return payload, files, nil
}
