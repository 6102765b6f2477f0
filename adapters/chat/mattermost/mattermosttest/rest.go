package mattermosttest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
)

func (s *Server) routes() http.Handler {
	m := http.NewServeMux()
	a := s.authed
	m.HandleFunc("GET /api/v4/users/me", a(s.getMe))
	m.HandleFunc("GET /api/v4/users/{id}", a(s.getUser))
	m.HandleFunc("GET /api/v4/users/username/{name}", a(s.getUserByName))
	m.HandleFunc("GET /api/v4/teams/{tid}/members/{uid}", a(s.getTeamMember))
	m.HandleFunc("GET /api/v4/channels/{cid}", a(s.getChannel))
	m.HandleFunc("GET /api/v4/channels/{cid}/members/{uid}", a(s.getChannelMember))
	m.HandleFunc("POST /api/v4/channels/direct", a(s.createDirect))
	m.HandleFunc("POST /api/v4/posts", a(s.createPost))
	m.HandleFunc("POST /api/v4/posts/ephemeral", a(s.createEphemeral))
	m.HandleFunc("GET /api/v4/posts/{pid}", a(s.getPost))
	m.HandleFunc("PUT /api/v4/posts/{pid}/patch", a(s.patchPost))
	m.HandleFunc("POST /api/v4/reactions", a(s.saveReaction))
	m.HandleFunc("DELETE /api/v4/users/{uid}/posts/{pid}/reactions/{emoji}", a(s.deleteReaction))
	m.HandleFunc("GET /api/v4/posts/{pid}/reactions", a(s.getReactions))
	m.HandleFunc("POST /api/v4/files", a(s.uploadFile))
	m.HandleFunc("GET /api/v4/files/{fid}", a(s.getFile))
	m.HandleFunc("POST /api/v4/commands", a(s.createCommand))
	m.HandleFunc("GET /api/v4/commands", a(s.listCommands))
	m.HandleFunc("PUT /api/v4/commands/{id}", a(s.updateCommand))
	m.HandleFunc("DELETE /api/v4/commands/{id}", a(s.deleteCommand))
	m.HandleFunc("POST /api/v4/commands/execute", a(s.executeCommand))
	m.HandleFunc("POST /api/v4/posts/{pid}/actions/{aid}", a(s.doPostAction))
	m.HandleFunc("POST /hooks/commands/{id}", s.commandHook)
	m.HandleFunc("GET /api/v4/websocket", s.websocket)
	return m
}

type ctxUser struct{}

// authed checks "Authorization: Bearer|Token <token>" (scheme compared
// case-insensitively, as Client4 sends "BEARER") and passes the caller's ID.
func (s *Server) authed(next func(w http.ResponseWriter, r *http.Request, caller string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, ok := s.userOfHeader(r.Header.Get("Authorization"))
		if !ok {
			fail(w, http.StatusUnauthorized, errSession, "Invalid or expired session, please login again.")
			return
		}
		next(w, r, caller)
	}
}

func (s *Server) userOfHeader(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || (!strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token")) {
		return "", false
	}
	return s.userOfToken(strings.TrimSpace(token))
}

func (s *Server) userOfToken(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.tokens[token]
	return id, ok
}

func (s *Server) isAdmin(userID string) bool {
	u := s.users[userID]
	return u != nil && slices.Contains(strings.Fields(u.Roles), "system_admin")
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		fail(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing body in request body.")
		return false
	}
	return true
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, caller string) {
	s.mu.Lock()
	u := *s.users[caller]
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, caller string) {
	id := r.PathValue("id")
	if id == "me" {
		id = caller
	}
	s.mu.Lock()
	u, ok := s.users[id]
	var out userJSON
	if ok {
		out = *u
	}
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, "app.user.missing_account.const", "Unable to find the user.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getUserByName(w http.ResponseWriter, r *http.Request, caller string) {
	name := strings.ToLower(r.PathValue("name"))
	s.mu.Lock()
	var out *userJSON
	for _, u := range s.users {
		if u.Username == name {
			c := *u
			out = &c
		}
	}
	s.mu.Unlock()
	if out == nil {
		fail(w, http.StatusNotFound, "app.user.get_by_username.app_error", "Unable to find an existing account matching your username for this team.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getTeamMember(w http.ResponseWriter, r *http.Request, caller string) {
	tid, uid := r.PathValue("tid"), r.PathValue("uid")
	s.mu.Lock()
	roles, ok := s.teamMembers[uid]
	s.mu.Unlock()
	if tid != s.team.ID || !ok {
		fail(w, http.StatusNotFound, "app.team.get_member.missing.app_error", "No team member found for that user ID and team ID.")
		return
	}
	f := strings.Fields(roles)
	writeJSON(w, http.StatusOK, teamMemberJSON{TeamID: tid, UserID: uid, Roles: roles,
		SchemeUser: slices.Contains(f, "team_user"), SchemeAdmin: slices.Contains(f, "team_admin"),
		SchemeGuest: slices.Contains(f, "team_guest")})
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request, caller string) {
	s.mu.Lock()
	c, ok := s.channels[r.PathValue("cid")]
	var out channelJSON
	if ok {
		out = *c
	}
	member := ok && s.members[c.ID][caller] != ""
	admin := s.isAdmin(caller)
	s.mu.Unlock()
	switch {
	case !ok:
		fail(w, http.StatusNotFound, "app.channel.get.existing.app_error", "Unable to find the existing channel.")
	case !member && !admin && out.Type != "O":
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) getChannelMember(w http.ResponseWriter, r *http.Request, caller string) {
	cid, uid := r.PathValue("cid"), r.PathValue("uid")
	s.mu.Lock()
	roles := s.members[cid][uid]
	s.mu.Unlock()
	if roles == "" {
		fail(w, http.StatusNotFound, "app.channel.get_member.missing.app_error", "No channel member found for that user ID and channel ID.")
		return
	}
	writeJSON(w, http.StatusOK, channelMemberJSON{ChannelID: cid, UserID: uid, Roles: roles, SchemeUser: true})
}

// createDirect: body is a JSON array of exactly two user IDs, the caller
// among them; the channel is created or returned, with 201 either way.
func (s *Server) createDirect(w http.ResponseWriter, r *http.Request, caller string) {
	var ids []string
	if !decode(w, r, &ids) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(ids) != 2 {
		fail(w, http.StatusBadRequest, errInvalid, "Invalid or missing user_ids in request body.")
		return
	}
	if !slices.Contains(ids, caller) && !s.isAdmin(caller) {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	for _, id := range ids {
		if s.users[id] == nil {
			fail(w, http.StatusBadRequest, "api.channel.create_direct_channel.invalid_user.app_error", "Invalid user ID for direct channel creation.")
			return
		}
	}
	name := directName(ids[0], ids[1])
	for _, c := range s.channels {
		if c.Type == "D" && c.Name == name {
			writeJSON(w, http.StatusCreated, *c)
			return
		}
	}
	now := s.millis()
	c := &channelJSON{ID: NewID(), CreateAt: now, UpdateAt: now, Type: "D", Name: name}
	s.channels[c.ID] = c
	s.members[c.ID] = map[string]string{ids[0]: "channel_user", ids[1]: "channel_user"}
	s.notify()
	writeJSON(w, http.StatusCreated, *c)
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request, caller string) {
	var in postJSON
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels[in.ChannelID] == nil {
		fail(w, http.StatusBadRequest, errInvalid, "Invalid or missing channel_id in request body.")
		return
	}
	if s.members[in.ChannelID][caller] == "" {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	if in.RootID != "" {
		root := s.posts[in.RootID]
		if root == nil || root.ChannelID != in.ChannelID {
			fail(w, http.StatusBadRequest, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.")
			return
		}
	}
	for _, f := range in.FileIDs {
		fi := s.files[f]
		if fi == nil || fi.info.ChannelID != in.ChannelID || fi.info.CreatorID != caller {
			fail(w, http.StatusBadRequest, "api.post.create_post.file_ids.app_error", "Invalid file_ids parameter.")
			return
		}
	}
	props := map[string]any{}
	if len(in.Props) > 0 && string(in.Props) != "null" {
		if err := json.Unmarshal(in.Props, &props); err != nil {
			fail(w, http.StatusBadRequest, errInvalid, "Invalid props.")
			return
		}
	}
	if u := s.users[caller]; u != nil && u.IsBot {
		props["from_bot"] = "true"
	}
	p := s.addPostLocked(caller, in.ChannelID, in.RootID, in.Message, props, in.FileIDs)
	writeJSON(w, http.StatusCreated, *p)
}

// addPostLocked stores a post and broadcasts "posted"; s.mu is held.
func (s *Server) addPostLocked(userID, channelID, rootID, message string, props map[string]any, fileIDs []string) *postJSON {
	now := s.millis()
	raw, _ := json.Marshal(props)
	if fileIDs == nil {
		fileIDs = []string{}
	}
	p := &postJSON{ID: NewID(), CreateAt: now, UpdateAt: now, UserID: userID, ChannelID: channelID, RootID: rootID,
		Message: message, Props: raw, FileIDs: fileIDs, Participants: json.RawMessage("null"), Metadata: json.RawMessage("{}")}
	for _, f := range fileIDs {
		s.files[f].info.PostID = p.ID
	}
	s.posts[p.ID] = p
	s.postOrder = append(s.postOrder, p.ID)
	if rootID != "" {
		s.posts[rootID].ReplyCount++
		s.posts[rootID].LastReplyAt = now
	}
	c := s.channels[channelID]
	c.LastPostAt, c.TotalMsgCount = now, c.TotalMsgCount+1
	sender := ""
	if u := s.users[userID]; u != nil {
		sender = "@" + u.Username
	}
	pub, _ := json.Marshal(stripIntegrations(*p))
	s.broadcastLocked(channelID, "posted", map[string]any{
		"channel_display_name": c.DisplayName, "channel_name": c.Name, "channel_type": c.Type,
		"post": string(pub), "sender_name": sender, "set_online": true, "team_id": c.TeamID,
	})
	s.notify()
	return p
}

// stripIntegrations removes the action URLs and contexts from a post's
// buttons, as the server does before showing a post to anyone but its author
// (the context must stay confidential).
func stripIntegrations(p postJSON) postJSON {
	var props map[string]any
	if json.Unmarshal(p.Props, &props) != nil {
		return p
	}
	atts, ok := props["attachments"].([]any)
	if !ok {
		return p
	}
	for _, a := range atts {
		am, _ := a.(map[string]any)
		acts, _ := am["actions"].([]any)
		for _, act := range acts {
			if m, ok := act.(map[string]any); ok {
				delete(m, "integration")
			}
		}
	}
	p.Props, _ = json.Marshal(props)
	return p
}

func (s *Server) createEphemeral(w http.ResponseWriter, r *http.Request, caller string) {
	var in struct {
		UserID string   `json:"user_id"`
		Post   postJSON `json:"post"`
	}
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.isAdmin(caller) { // create_post_ephemeral: system admins only by default
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	s.ephemerals = append(s.ephemerals, Ephemeral{UserID: in.UserID, ChannelID: in.Post.ChannelID, Text: in.Post.Message})
	s.notify()
	in.Post.ID, in.Post.UserID, in.Post.CreateAt = NewID(), caller, s.millis()
	writeJSON(w, http.StatusCreated, in.Post)
}

func (s *Server) getPost(w http.ResponseWriter, r *http.Request, caller string) {
	s.mu.Lock()
	p, ok := s.posts[r.PathValue("pid")]
	var out postJSON
	member := false
	if ok {
		out, member = *p, s.members[p.ChannelID][caller] != ""
	}
	s.mu.Unlock()
	switch {
	case !ok:
		fail(w, http.StatusNotFound, "app.post.get.app_error", "Unable to get the post.")
	case !member:
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
	case out.UserID != caller:
		writeJSON(w, http.StatusOK, stripIntegrations(out))
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// patchPost: only the author (or a system admin) edits; props replaces the
// whole props object.
func (s *Server) patchPost(w http.ResponseWriter, r *http.Request, caller string) {
	var in postPatchJSON
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[r.PathValue("pid")]
	if !ok {
		fail(w, http.StatusNotFound, "app.post.get.app_error", "Unable to get the post.")
		return
	}
	if p.UserID != caller && !s.isAdmin(caller) {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	if in.Message != nil {
		p.Message = *in.Message
		p.EditAt = s.millis()
	}
	if len(in.Props) > 0 && string(in.Props) != "null" {
		var props map[string]any
		if err := json.Unmarshal(in.Props, &props); err != nil {
			fail(w, http.StatusBadRequest, errInvalid, "Invalid props.")
			return
		}
		if u := s.users[p.UserID]; u != nil && u.IsBot {
			props["from_bot"] = "true"
		}
		p.Props, _ = json.Marshal(props)
	}
	if in.IsPinned != nil {
		p.IsPinned = *in.IsPinned
	}
	if in.FileIDs != nil {
		p.FileIDs = *in.FileIDs
	}
	p.UpdateAt = s.millis()
	pub, _ := json.Marshal(stripIntegrations(*p))
	s.broadcastLocked(p.ChannelID, "post_edited", map[string]any{"post": string(pub)})
	s.notify()
	writeJSON(w, http.StatusOK, *p)
}

// saveReaction: user_id must be the caller (403 otherwise, no admin bypass),
// the caller must be in the post's channel, the emoji must exist. The server
// answers 200 (not the 201 its API description says).
func (s *Server) saveReaction(w http.ResponseWriter, r *http.Request, caller string) {
	var in reactionJSON
	if !decode(w, r, &in) {
		return
	}
	if in.UserID != caller {
		fail(w, http.StatusForbidden, "api.reaction.save_reaction.user_id.app_error", "You do not have the appropriate permissions.")
		return
	}
	out, status, err := s.addReaction(caller, in.PostID, in.EmojiName)
	if err != nil {
		fail(w, status, err.id, err.msg)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type appErr struct{ id, msg string }

func (s *Server) addReaction(userID, postID, emoji string) (reactionJSON, int, *appErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[postID]
	if !ok {
		return reactionJSON{}, http.StatusBadRequest, &appErr{errInvalid, "Invalid or missing post_id in request body."}
	}
	if s.members[p.ChannelID][userID] == "" {
		return reactionJSON{}, http.StatusForbidden, &appErr{errPermissions, "You do not have the appropriate permissions."}
	}
	if !s.emoji[emoji] {
		return reactionJSON{}, http.StatusBadRequest, &appErr{"api.emoji.get_by_name.app_error", "Unable to get the emoji."}
	}
	for _, x := range s.reactions {
		if x.UserID == userID && x.PostID == postID && x.EmojiName == emoji {
			return x, 0, nil
		}
	}
	now := s.millis()
	remote := ""
	rx := reactionJSON{UserID: userID, PostID: postID, EmojiName: emoji, CreateAt: now, UpdateAt: now, RemoteID: &remote, ChannelID: p.ChannelID}
	s.reactions = append(s.reactions, rx)
	s.broadcastReactionLocked("reaction_added", rx)
	s.notify()
	return rx, 0, nil
}

func (s *Server) broadcastReactionLocked(event string, rx reactionJSON) {
	b, _ := json.Marshal(rx)
	s.broadcastLocked(rx.ChannelID, event, map[string]any{"reaction": string(b)}) // double-encoded
}

func (s *Server) deleteReaction(w http.ResponseWriter, r *http.Request, caller string) {
	uid, pid, emoji := r.PathValue("uid"), r.PathValue("pid"), r.PathValue("emoji")
	if uid != caller && !s.isAdminLocking(caller) {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	s.removeReaction(uid, pid, emoji)
	writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
}

func (s *Server) isAdminLocking(userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.isAdmin(userID)
}

func (s *Server) removeReaction(userID, postID, emoji string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.reactions {
		if x.UserID == userID && x.PostID == postID && x.EmojiName == emoji {
			s.reactions = slices.Delete(s.reactions, i, i+1)
			x.UpdateAt = s.millis()
			s.broadcastReactionLocked("reaction_removed", x)
			s.notify()
			return true
		}
	}
	return false
}

func (s *Server) getReactions(w http.ResponseWriter, r *http.Request, caller string) {
	pid := r.PathValue("pid")
	s.mu.Lock()
	p, ok := s.posts[pid]
	member := ok && s.members[p.ChannelID][caller] != ""
	var out []reactionJSON
	for _, x := range s.reactions {
		if x.PostID == pid {
			out = append(out, x)
		}
	}
	s.mu.Unlock()
	if !member {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	if out == nil {
		out = []reactionJSON{}
	}
	writeJSON(w, http.StatusOK, out)
}

// uploadFile accepts the multipart form (channel_id, files) and the raw-body
// form (?channel_id=&filename=); 201 with file_infos.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request, caller string) {
	r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
	type up struct {
		name string
		data []byte
	}
	var ups []up
	channelID := r.URL.Query().Get("channel_id")
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			fail(w, http.StatusBadRequest, "api.file.upload_file.read_request.app_error", "Unable to upload file(s). Error reading or parsing request data.")
			return
		}
		if v := r.MultipartForm.Value["channel_id"]; len(v) > 0 {
			channelID = v[0]
		}
		for _, fh := range r.MultipartForm.File["files"] {
			f, err := fh.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(f)
			f.Close()
			ups = append(ups, up{fh.Filename, b})
		}
	} else {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			fail(w, http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large.app_error", "Unable to upload file. File is too large.")
			return
		}
		ups = append(ups, up{r.URL.Query().Get("filename"), b})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members[channelID][caller] == "" {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	if len(ups) == 0 || ups[0].name == "" {
		fail(w, http.StatusBadRequest, "api.file.upload_file.incorrect_number_of_files.app_error", "Unable to upload files. Incorrect number of files specified.")
		return
	}
	var infos []fileInfoJSON
	for _, u := range ups {
		now := s.millis()
		ext := strings.TrimPrefix(path.Ext(u.name), ".")
		fi := fileInfoJSON{ID: NewID(), CreatorID: caller, ChannelID: channelID, CreateAt: now, UpdateAt: now,
			Name: u.name, Extension: ext, Size: int64(len(u.data)), MimeType: mime.TypeByExtension("." + ext)}
		s.files[fi.ID] = &file{info: fi, data: bytes.Clone(u.data)}
		infos = append(infos, fi)
	}
	s.notify()
	writeJSON(w, http.StatusCreated, map[string]any{"file_infos": infos, "client_ids": []string{}})
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request, caller string) {
	s.mu.Lock()
	f, ok := s.files[r.PathValue("fid")]
	member := ok && s.members[f.info.ChannelID][caller] != ""
	s.mu.Unlock()
	if !ok || !member {
		fail(w, http.StatusNotFound, "app.file_info.get.app_error", "Unable to get the file info.")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(f.data)
}
