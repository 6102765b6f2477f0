package mattermosttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// maxIntegrationResponse caps what the server reads of a bot's answer.
const maxIntegrationResponse = 1 << 20

// commandWebhookLifetime and commandWebhookUses are the limits of a response_url.
const (
	commandWebhookLifetime = 30 * time.Minute
	commandWebhookUses     = 5
)

// builtinTriggers cannot be taken by a custom command.
var builtinTriggers = []string{"away", "code", "collapse", "custom_status", "dnd", "echo", "expand", "groupmsg",
	"header", "help", "invite", "invite_people", "join", "kick", "leave", "logout", "me", "msg", "mute", "offline",
	"online", "open", "purpose", "remove", "rename", "search", "settings", "shortcuts", "shrug", "status"}

// AddCommand registers a slash command pointing at url (as POST /commands
// would) and returns its token.
func (s *Server) AddCommand(trigger, url string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.millis()
	c := &commandJSON{ID: NewID(), Token: NewID(), CreateAt: now, UpdateAt: now, TeamID: s.team.ID,
		Trigger: strings.ToLower(trigger), Method: "P", URL: url, DisplayName: trigger}
	s.commands[c.ID] = c
	return c.Token
}

// Commands returns the registered commands' triggers and update counts, for
// assertions on registration: trigger → update_at.
func (s *Server) Commands() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for _, c := range s.commands {
		if c.DeleteAt == 0 {
			out[c.Trigger] = c.UpdateAt
		}
	}
	return out
}

func validCommand(c *commandJSON) string {
	u, err := url.Parse(c.URL)
	switch {
	case len(c.Trigger) < 1 || len(c.Trigger) > 128 || strings.HasPrefix(c.Trigger, "/") || strings.Contains(c.Trigger, " "):
		return "model.command.is_valid.trigger.app_error"
	case c.URL == "" || len(c.URL) > 1024 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "model.command.is_valid.url.app_error"
	case c.Method != "P" && c.Method != "G":
		return "model.command.is_valid.method.app_error"
	case len(c.DisplayName) > 64:
		return "model.command.is_valid.display_name.app_error"
	case len(c.Description) > 128:
		return "model.command.is_valid.description.app_error"
	}
	return ""
}

func (s *Server) createCommand(w http.ResponseWriter, r *http.Request, caller string) {
	var in commandJSON
	if !decode(w, r, &in) {
		return
	}
	in.Trigger = strings.ToLower(in.Trigger)
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.TeamID != s.team.ID {
		fail(w, http.StatusBadRequest, errInvalid, "Invalid or missing team_id in request body.")
		return
	}
	if !s.isAdmin(caller) && !slices.Contains(strings.Fields(s.teamMembers[caller]), "team_admin") {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	if id := validCommand(&in); id != "" {
		fail(w, http.StatusBadRequest, id, "Invalid command.")
		return
	}
	if slices.Contains(builtinTriggers, in.Trigger) {
		fail(w, http.StatusBadRequest, "api.command.duplicate_trigger.app_error", "This trigger word is already in use. Please choose another word.")
		return
	}
	for _, c := range s.commands {
		if c.DeleteAt == 0 && c.Trigger == in.Trigger {
			fail(w, http.StatusBadRequest, "api.command.duplicate_trigger.app_error", "This trigger word is already in use. Please choose another word.")
			return
		}
	}
	now := s.millis()
	in.ID, in.Token, in.CreateAt, in.UpdateAt, in.DeleteAt, in.CreatorID = NewID(), NewID(), now, now, 0, caller
	c := in
	s.commands[c.ID] = &c
	s.notify()
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) listCommands(w http.ResponseWriter, r *http.Request, caller string) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Get("team_id") != s.team.ID {
		fail(w, http.StatusBadRequest, errInvalid, "Invalid or missing team_id parameter in request URL.")
		return
	}
	// Custom commands need manage_slash_commands, as creating one does.
	if q.Get("custom_only") == "true" && !s.isAdmin(caller) && !slices.Contains(strings.Fields(s.teamMembers[caller]), "team_admin") {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	out := []commandJSON{}
	for _, c := range s.commands {
		if c.DeleteAt == 0 {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b commandJSON) int { return strings.Compare(a.Trigger, b.Trigger) })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) updateCommand(w http.ResponseWriter, r *http.Request, caller string) {
	var in commandJSON
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.commands[r.PathValue("id")]
	if !ok || c.DeleteAt != 0 || in.ID != c.ID {
		fail(w, http.StatusNotFound, "app.command.getcommand.app_error", "Unable to get the command.")
		return
	}
	if c.CreatorID != caller && !s.isAdmin(caller) {
		fail(w, http.StatusForbidden, errPermissions, "You do not have the appropriate permissions.")
		return
	}
	in.Trigger = strings.ToLower(in.Trigger)
	if id := validCommand(&in); id != "" {
		fail(w, http.StatusBadRequest, id, "Invalid command.")
		return
	}
	// Id, token, creator, team and creation time cannot change.
	in.Token, in.CreatorID, in.TeamID, in.CreateAt, in.DeleteAt = c.Token, c.CreatorID, c.TeamID, c.CreateAt, 0
	in.UpdateAt = s.millis()
	if in.UpdateAt <= c.UpdateAt {
		in.UpdateAt = c.UpdateAt + 1
	}
	*c = in
	s.notify()
	writeJSON(w, http.StatusOK, *c)
}

func (s *Server) deleteCommand(w http.ResponseWriter, r *http.Request, caller string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.commands[r.PathValue("id")]
	if !ok || c.DeleteAt != 0 {
		fail(w, http.StatusNotFound, "app.command.getcommand.app_error", "Unable to get the command.")
		return
	}
	c.DeleteAt = s.millis()
	writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
}

// SlashResult is what happened to a slash command: the bot's HTTP status and
// its parsed immediate answer.
type SlashResult struct {
	Status       int
	ResponseType string
	Text         string
}

// Slash runs "/trigger text" as userID in channelID the way Mattermost does:
// it POSTs the form of reference §3.2 to the command's URL with
// "Authorization: Token …", applies the answer (§3.4) and returns it. A
// non-200 answer is returned with an error, as the user would see a failure.
func (s *Server) Slash(ctx context.Context, userID, channelID, line string) (SlashResult, error) {
	return s.slash(ctx, userID, channelID, line, nil)
}

// SlashWithToken is Slash with the token the request carries replaced
// ("" sends no Authorization header and an empty token field).
func (s *Server) SlashWithToken(ctx context.Context, userID, channelID, line, token string) (SlashResult, error) {
	return s.slash(ctx, userID, channelID, line, &token)
}

func (s *Server) slash(ctx context.Context, userID, channelID, line string, token *string) (SlashResult, error) {
	line = strings.TrimSpace(line)
	trigger, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	text = strings.TrimLeft(text, " ")
	trigger = strings.ToLower(trigger)

	s.mu.Lock()
	var cmd *commandJSON
	for _, c := range s.commands {
		if c.DeleteAt == 0 && c.Trigger == trigger {
			cc := *c
			cmd = &cc
		}
	}
	u, ch := s.users[userID], s.channels[channelID]
	if cmd == nil || u == nil || ch == nil || s.members[channelID][userID] == "" {
		s.mu.Unlock()
		return SlashResult{}, fmt.Errorf("mattermosttest: /%s by %s in %s: no such command, user or membership", trigger, userID, channelID)
	}
	h := &hook{id: NewID(), userID: userID, channelID: channelID, created: s.now()}
	s.hooks[h.id] = h
	form := url.Values{}
	form.Set("token", cmd.Token)
	form.Set("team_id", s.team.ID)
	form.Set("team_domain", s.team.Name)
	form.Set("channel_id", channelID)
	form.Set("channel_name", ch.Name)
	form.Set("user_id", userID)
	form.Set("user_name", u.Username)
	form.Set("command", "/"+trigger)
	form.Set("text", text)
	form.Set("trigger_id", base64.StdEncoding.EncodeToString([]byte(cmd.ID+":"+userID+":"+fmt.Sprint(s.millis())+":MEUCIQDfakesignature")))
	form.Set("response_url", s.srv.URL+"/hooks/commands/"+h.id)
	for _, w := range strings.Fields(text) {
		switch {
		case strings.HasPrefix(w, "@"):
			for _, m := range s.users {
				if m.Username == strings.ToLower(strings.TrimPrefix(w, "@")) && s.teamMembers[m.ID] != "" {
					form.Add("user_mentions", m.Username)
					form.Add("user_mentions_ids", m.ID)
				}
			}
		case strings.HasPrefix(w, "~"):
			for _, c := range s.channels {
				if c.Type == "O" && c.Name == strings.TrimPrefix(w, "~") {
					form.Add("channel_mentions", c.Name)
					form.Add("channel_mentions_ids", c.ID)
				}
			}
		}
	}
	hc := *s.out
	s.mu.Unlock()

	if token != nil {
		form.Set("token", *token)
	}
	var req *http.Request
	var err error
	if cmd.Method == "G" {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, cmd.URL+"?"+form.Encode(), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, cmd.URL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		return SlashResult{}, fmt.Errorf("mattermosttest: slash request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	tok := cmd.Token
	if token != nil {
		tok = *token
	}
	if tok != "" {
		req.Header.Set("Authorization", "Token "+tok)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return SlashResult{}, fmt.Errorf("mattermosttest: /%s: %w", trigger, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxIntegrationResponse))
	if resp.StatusCode != http.StatusOK {
		return SlashResult{Status: resp.StatusCode}, fmt.Errorf("mattermosttest: /%s: bot answered http %d (api.command.execute_command.failed_resp.app_error)", trigger, resp.StatusCode)
	}
	cr, err := parseCommandResponse(resp.Header.Get("Content-Type"), body)
	if err != nil {
		return SlashResult{Status: resp.StatusCode}, fmt.Errorf("mattermosttest: /%s: %w", trigger, err)
	}
	s.mu.Lock()
	s.applyResponseLocked(h, cr)
	s.mu.Unlock()
	return SlashResult{Status: resp.StatusCode, ResponseType: cr.ResponseType, Text: cr.Text}, nil
}

// parseCommandResponse follows model.CommandResponseFromHTTPBody: a JSON
// media type is decoded (an empty JSON body is an error), anything else is
// the text.
func parseCommandResponse(contentType string, body []byte) (commandResponseJSON, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/json" {
		return commandResponseJSON{Text: string(body)}, nil
	}
	var cr commandResponseJSON
	if err := json.Unmarshal(body, &cr); err != nil {
		return cr, fmt.Errorf("parse command response: %w", err)
	}
	return cr, nil
}

// applyResponseLocked posts a command response as the server does: in_channel
// becomes a post by the invoking user, anything else an ephemeral message
// when it has text or attachments; s.mu is held.
func (s *Server) applyResponseLocked(h *hook, cr commandResponseJSON) {
	all := append([]commandResponseJSON{cr}, cr.ExtraResponses...)
	for _, r := range all {
		channel := h.channelID
		if r.ChannelID != "" && s.members[r.ChannelID][h.userID] != "" {
			channel = r.ChannelID
		}
		if r.ResponseType == "in_channel" {
			props := map[string]any{}
			for k, v := range r.Props {
				props[k] = v
			}
			props["from_webhook"] = "true"
			if len(r.Attachments) > 0 {
				props["attachments"] = r.Attachments
			}
			s.addPostLocked(h.userID, channel, h.rootID, r.Text, props, nil)
			continue
		}
		if r.Text == "" && len(r.Attachments) == 0 {
			continue // an empty ephemeral answer posts nothing
		}
		s.ephemerals = append(s.ephemerals, Ephemeral{UserID: h.userID, ChannelID: channel, Text: r.Text})
		s.notify()
	}
}

// commandHook is response_url: at most 5 uses within 30 minutes, no session.
func (s *Server) commandHook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxIntegrationResponse))
	if err != nil {
		fail(w, http.StatusBadRequest, "web.command_webhook.parse.app_error", "Unable to parse incoming data.")
		return
	}
	cr, err := parseCommandResponse(r.Header.Get("Content-Type"), body)
	if err != nil {
		fail(w, http.StatusBadRequest, "web.command_webhook.parse.app_error", "Unable to parse incoming data.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hooks[r.PathValue("id")]
	if !ok || s.now().Sub(h.created) > commandWebhookLifetime {
		fail(w, http.StatusNotFound, "app.command_webhook.get.missing", "Unable to find the webhook.")
		return
	}
	if h.uses >= commandWebhookUses {
		fail(w, http.StatusBadRequest, "app.command_webhook.try_use.invalid", "Invalid webhook.")
		return
	}
	h.uses++
	s.applyResponseLocked(h, cr)
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("ok"))
}

// executeCommand is POST /commands/execute: the slash flow as the caller.
func (s *Server) executeCommand(w http.ResponseWriter, r *http.Request, caller string) {
	var in struct {
		ChannelID string `json:"channel_id"`
		Command   string `json:"command"`
	}
	if !decode(w, r, &in) {
		return
	}
	res, err := s.slash(r.Context(), caller, in.ChannelID, in.Command, nil)
	if err != nil {
		status := http.StatusInternalServerError
		if res.Status == 0 {
			status = http.StatusNotFound
		}
		fail(w, status, "api.command.execute_command.failed_resp.app_error", "Command failed.")
		return
	}
	writeJSON(w, http.StatusOK, commandResponseJSON{ResponseType: res.ResponseType, Text: res.Text})
}

// ActionResult is what a button click produced.
type ActionResult struct {
	Status        int    // the bot's HTTP status
	EphemeralText string // shown to the clicking user
}

// Click presses the button actionID of postID as userID: the server POSTs
// the integration request (reference §6) to the button's URL with its
// confidential context, applies "update" and shows "ephemeral_text". A
// non-200 answer is returned with an error (the user sees a 400).
func (s *Server) Click(ctx context.Context, userID, postID, actionID string) (ActionResult, error) {
	s.mu.Lock()
	p, ok := s.posts[postID]
	if !ok || s.members[p.ChannelID][userID] == "" {
		s.mu.Unlock()
		return ActionResult{}, fmt.Errorf("mattermosttest: click %s/%s by %s: no such post or not a member", postID, actionID, userID)
	}
	integration, err := findAction(p.Props, actionID)
	if err != nil {
		s.mu.Unlock()
		return ActionResult{}, err
	}
	ch := s.channels[p.ChannelID]
	req := actionRequestJSON{UserID: userID, UserName: s.users[userID].Username, ChannelID: p.ChannelID, ChannelName: ch.Name,
		TeamID: s.team.ID, TeamDomain: s.team.Name, PostID: postID,
		TriggerID: base64.StdEncoding.EncodeToString([]byte(postID + ":" + userID + ":MEUCIQDfakesignature")),
		Context:   integration.Context}
	hc := *s.out
	s.mu.Unlock()

	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, integration.URL, bytes.NewReader(body))
	if err != nil {
		return ActionResult{}, fmt.Errorf("mattermosttest: click: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(hr)
	if err != nil {
		return ActionResult{}, fmt.Errorf("mattermosttest: click: %w", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, maxIntegrationResponse))
	if resp.StatusCode != http.StatusOK {
		return ActionResult{Status: resp.StatusCode}, fmt.Errorf("mattermosttest: click: bot answered http %d", resp.StatusCode)
	}
	var ar actionResponseJSON
	if len(bytes.TrimSpace(rb)) > 0 {
		if err := json.Unmarshal(rb, &ar); err != nil {
			return ActionResult{Status: resp.StatusCode}, fmt.Errorf("mattermosttest: click: invalid answer: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ar.Update != nil {
		if ar.Update.Message != nil {
			p.Message = *ar.Update.Message
		}
		if len(ar.Update.Props) > 0 && string(ar.Update.Props) != "null" {
			p.Props = ar.Update.Props
		}
		p.UpdateAt = s.millis()
	}
	if ar.EphemeralText != "" {
		s.ephemerals = append(s.ephemerals, Ephemeral{UserID: userID, ChannelID: p.ChannelID, Text: ar.EphemeralText})
	}
	s.notify()
	return ActionResult{Status: resp.StatusCode, EphemeralText: ar.EphemeralText}, nil
}

type integrationJSON struct {
	URL     string         `json:"url"`
	Context map[string]any `json:"context"`
}

func findAction(props json.RawMessage, actionID string) (integrationJSON, error) {
	var pr struct {
		Attachments []struct {
			Actions []struct {
				ID          string          `json:"id"`
				Type        string          `json:"type"`
				Integration integrationJSON `json:"integration"`
			} `json:"actions"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(props, &pr); err != nil {
		return integrationJSON{}, fmt.Errorf("mattermosttest: post props: %w", err)
	}
	for _, a := range pr.Attachments {
		for _, act := range a.Actions {
			if act.ID == actionID {
				if act.Integration.URL == "" {
					return integrationJSON{}, errors.New("mattermosttest: action has no integration URL")
				}
				return act.Integration, nil
			}
		}
	}
	return integrationJSON{}, fmt.Errorf("mattermosttest: no action %q on the post", actionID)
}

func (s *Server) doPostAction(w http.ResponseWriter, r *http.Request, caller string) {
	res, err := s.Click(r.Context(), caller, r.PathValue("pid"), r.PathValue("aid"))
	if err != nil {
		fail(w, http.StatusBadRequest, "api.post.do_action.action_integration.app_error", "Action integration error.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"trigger_id": "", "ephemeral_text": res.EphemeralText})
}

// React adds emoji to postID as userID through the same path as
// POST /api/v4/reactions (membership and emoji checked, event broadcast).
func (s *Server) React(userID, postID, emoji string) error {
	if _, _, err := s.addReaction(userID, postID, emoji); err != nil {
		return fmt.Errorf("mattermosttest: react: %s", err.id)
	}
	return nil
}

// Unreact removes userID's emoji from postID and broadcasts reaction_removed.
func (s *Server) Unreact(userID, postID, emoji string) error {
	if !s.removeReaction(userID, postID, emoji) {
		return errors.New("mattermosttest: unreact: no such reaction")
	}
	return nil
}
