package discordtest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
)

// Option is a value a person typed into a slash command's option.
type Option struct {
	Name  string
	Value any // string, int, float64 or bool, as the option's type wants
}

// Slash makes userID run the registered command at path ("mail passwd",
// "mail forward add", "help") in channelID, like Discord's client: the
// options must exist, have the right type and include the required ones. It
// dispatches INTERACTION_CREATE and returns the interaction's ID.
func (s *Server) Slash(userID, channelID, path string, opts ...Option) (string, error) {
	return s.interact(2, userID, channelID, path, "", opts)
}

// Autocomplete sends the autocomplete interaction Discord sends while
// userID types into option focused; opts hold what is typed so far.
func (s *Server) Autocomplete(userID, channelID, path, focused string, opts ...Option) (string, error) {
	return s.interact(4, userID, channelID, path, focused, opts)
}

func (s *Server) interact(typ int, userID, channelID, path, focused string, opts []Option) (string, error) {
	s.mu.Lock()
	u := s.users[userID]
	ch := s.channels[channelID]
	switch {
	case u == nil || u.NotMember:
		s.mu.Unlock()
		return "", fmt.Errorf("discordtest: %s is not a member of the guild", userID)
	case ch == nil || ch["guild_id"] != GuildID:
		s.mu.Unlock()
		return "", fmt.Errorf("discordtest: %s is not a channel of the guild (guild commands only)", channelID)
	}
	data, err := s.commandData(path, focused, opts, typ == 4)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	var tok [24]byte
	rand.Read(tok[:])
	in := &Interaction{ID: s.snowflake(), Token: base64.RawURLEncoding.EncodeToString(tok[:]), Type: typ,
		UserID: userID, ChannelID: channelID, Path: strings.Join(strings.Fields(path), " "), SentAt: s.opts.Now()}
	s.interactions[in.ID] = in

	d := obj(tpl("discord-interaction-create.json"), "d")
	d["id"], d["application_id"], d["type"], d["token"] = in.ID, AppID, typ, in.Token
	d["guild_id"] = GuildID
	obj(d, "guild")["id"] = GuildID
	d["channel_id"] = channelID
	chJSON := map[string]any{}
	for k, v := range ch {
		chJSON[k] = v
	}
	chJSON["permissions"] = "2248473465835073"
	d["channel"] = chJSON
	d["authorizing_integration_owners"] = map[string]any{"0": GuildID}
	d["locale"], d["guild_locale"] = "fr", "fr"
	d["member"] = s.memberJSON(u, true)
	d["data"] = data
	s.touch()
	s.mu.Unlock()
	if err := s.dispatch("INTERACTION_CREATE", 0, d); err != nil {
		return "", err
	}
	return in.ID, nil
}

// commandData builds the interaction's data from a registered command;
// the caller holds s.mu.
func (s *Server) commandData(path, focused string, opts []Option, partial bool) (map[string]any, error) {
	words := strings.Fields(path)
	if len(words) == 0 || len(words) > 3 {
		return nil, fmt.Errorf("discordtest: bad command path %q", path)
	}
	var cmd map[string]any
	for _, c := range s.commands {
		if m := c.(map[string]any); m["name"] == words[0] {
			cmd = m
		}
	}
	if cmd == nil {
		return nil, fmt.Errorf("discordtest: no registered command %q", words[0])
	}
	level, _ := cmd["options"].([]any)
	var chain []map[string]any // group and subcommand options, outermost first
	for _, w := range words[1:] {
		var found map[string]any
		for _, o := range level {
			if m := o.(map[string]any); m["name"] == w && (m["type"] == float64(1) || m["type"] == float64(2)) {
				found = m
			}
		}
		if found == nil {
			return nil, fmt.Errorf("discordtest: command %q has no subcommand %q", path, w)
		}
		chain = append(chain, found)
		level, _ = found["options"].([]any)
	}
	for _, o := range level {
		if t := o.(map[string]any)["type"]; t == float64(1) || t == float64(2) {
			return nil, fmt.Errorf("discordtest: %q needs a subcommand", path)
		}
	}
	leaf := []any{}
	given := map[string]bool{}
	for _, op := range opts {
		var def map[string]any
		for _, o := range level {
			if m := o.(map[string]any); m["name"] == op.Name {
				def = m
			}
		}
		if def == nil {
			return nil, fmt.Errorf("discordtest: %q has no option %q", path, op.Name)
		}
		t := int(def["type"].(float64))
		if !valueFits(t, op.Value) {
			return nil, fmt.Errorf("discordtest: option %q of type %d cannot hold %T", op.Name, t, op.Value)
		}
		if choices, _ := def["choices"].([]any); len(choices) > 0 && !partial {
			ok := slices.ContainsFunc(choices, func(c any) bool { return c.(map[string]any)["value"] == op.Value })
			if !ok {
				return nil, fmt.Errorf("discordtest: %v is not a choice of option %q", op.Value, op.Name)
			}
		}
		v := map[string]any{"type": t, "name": op.Name, "value": op.Value}
		if partial && op.Name == focused {
			if def["autocomplete"] != true {
				return nil, fmt.Errorf("discordtest: option %q has no autocomplete", op.Name)
			}
			v["focused"] = true
		}
		given[op.Name] = true
		leaf = append(leaf, v)
	}
	if partial && !given[focused] {
		return nil, fmt.Errorf("discordtest: the focused option %q is not among the options", focused)
	}
	if !partial {
		for _, o := range level {
			m := o.(map[string]any)
			if m["required"] == true && !given[str(m["name"])] {
				return nil, fmt.Errorf("discordtest: required option %q missing", m["name"])
			}
		}
	}
	// Nest the leaf options in the subcommand, then in the group.
	options := leaf
	for i := len(chain) - 1; i >= 0; i-- {
		options = []any{map[string]any{"type": int(chain[i]["type"].(float64)), "name": chain[i]["name"], "options": options}}
	}
	data := map[string]any{"id": cmd["id"], "name": cmd["name"], "type": 1, "guild_id": GuildID}
	if len(options) > 0 {
		data["options"] = options
	}
	return data, nil
}

func valueFits(t int, v any) bool {
	switch t {
	case 3, 6, 7, 8, 9, 11:
		_, ok := v.(string)
		return ok
	case 4:
		_, ok := v.(int)
		return ok
	case 5:
		_, ok := v.(bool)
		return ok
	case 10:
		switch v.(type) {
		case int, float64:
			return true
		}
	}
	return false
}

// React makes userID add emoji ("✅", "✔️", "name:id" for a custom emoji)
// to a message and dispatches MESSAGE_REACTION_ADD with their member roles.
func (s *Server) React(userID, channelID, messageID, emoji string) error {
	return s.userReaction(userID, channelID, messageID, emoji, false)
}

// Unreact makes userID remove their reaction and dispatches
// MESSAGE_REACTION_REMOVE (which carries no member).
func (s *Server) Unreact(userID, channelID, messageID, emoji string) error {
	return s.userReaction(userID, channelID, messageID, emoji, true)
}

func (s *Server) userReaction(userID, channelID, messageID, emoji string, remove bool) error {
	key, ok := emojiKey(emoji)
	if !ok {
		return fmt.Errorf("discordtest: %q is not an emoji", emoji)
	}
	s.mu.Lock()
	u := s.users[userID]
	s.mu.Unlock()
	if u == nil {
		return fmt.Errorf("discordtest: unknown user %s", userID)
	}
	changed, err := s.setReaction(channelID, messageID, userID, key, remove)
	if err != nil {
		return fmt.Errorf("discordtest: react: %w", err)
	}
	if !changed {
		return nil
	}
	return s.dispatchReaction(channelID, messageID, userID, key, remove)
}

// dispatchReaction sends MESSAGE_REACTION_ADD or _REMOVE built from the
// reference payloads.
func (s *Server) dispatchReaction(channelID, messageID, userID, emoji string, remove bool) error {
	name := "discord-reaction-add.json"
	event := "MESSAGE_REACTION_ADD"
	if remove {
		name, event = "discord-reaction-remove.json", "MESSAGE_REACTION_REMOVE"
	}
	d := obj(tpl(name), "d")
	d["user_id"], d["channel_id"], d["message_id"] = userID, channelID, messageID
	if e, id, custom := strings.Cut(emoji, ":"); custom {
		ce := obj(tpl("discord-reaction-add-custom-emoji.json"), "d")["emoji"].(map[string]any)
		ce["id"], ce["name"] = id, e
		d["emoji"] = ce
	} else {
		d["emoji"] = map[string]any{"id": nil, "name": emoji}
	}
	s.mu.Lock()
	ch := s.channels[channelID]
	guild := ch != nil && ch["guild_id"] == GuildID
	if m := s.messages[messageID]; m != nil && !remove {
		d["message_author_id"] = m.Author
	}
	if u := s.users[userID]; guild && !remove && u != nil {
		d["member"] = s.memberJSON(u, false)
	} else if userID == AppID && guild && !remove {
		d["member"] = s.memberJSON(&User{ID: AppID, Bot: true}, false)
	} else {
		delete(d, "member")
	}
	s.mu.Unlock()
	intent := intentGuildMessageReactions
	if !guild {
		delete(d, "guild_id")
		intent = intentDirectMessageReactions
	}
	return s.dispatch(event, intent, d)
}
