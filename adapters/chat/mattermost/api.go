package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// client calls the REST API v4 (reference §1) as one account, the token
// sent as "Authorization: Bearer"; with no token it posts to a
// response_url. JSON in and out, an AppError body on failure.
type client struct {
	url, token string // url ends in /api/v4, or is the response_url
	hc         *http.Client
}

// do sends method path with in as its body (raw bytes for a []byte, else
// JSON; nil for none) and decodes a 2xx answer into out unless it is nil.
// It returns the answer's header, for a 429's wait.
func (a client) do(ctx context.Context, op, method, path string, in, out any) (http.Header, error) {
	body, raw := in.([]byte)
	if in != nil && !raw {
		body, _ = json.Marshal(in) // the adapter's request types always encode
	}
	req, err := http.NewRequestWithContext(ctx, method, a.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, &bot.Error{Provider: Platform, Op: op, Kind: bot.Internal, Err: err}
	}
	if !raw {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // the URL stays out: a response_url is a credential
			err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return nil, &bot.Error{Provider: Platform, Op: op, Kind: bot.Unavailable, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return resp.Header, apiError(op, resp.StatusCode, b)
	}
	if out == nil {
		return resp.Header, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.Header, &bot.Error{Provider: Platform, Op: op, Kind: bot.Internal, Status: resp.StatusCode, Err: fmt.Errorf("decode answer: %w", err)}
	}
	return resp.Header, nil
}

// apiError is an error answer as a *bot.Error of rest.StatusKind, with the AppError's id and message in the cause, for
// operators (model.AppErrorFromJSON).
func apiError(op string, status int, body []byte) error {
	var ae struct{ ID, Message string }
	err := fmt.Errorf("failed to decode JSON payload into AppError. Body: %s", body)
	if json.Unmarshal(body, &ae) == nil {
		err = fmt.Errorf("%s: %s", ae.ID, ae.Message)
	}
	return &bot.Error{Provider: Platform, Op: op, Kind: rest.StatusKind(status), Status: status, Err: err}
}

// What the adapter reads and writes of Mattermost's User, TeamMember, Post,
// Reaction (reference §4, §5.3), Command (§3.1; an update sends it whole,
// the server keeps its id, token, creator, team and dates) and
// CommandResponse (§3.4). wire_test.go holds them to model's JSON.
type (
	user struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Roles    string `json:"roles"`
		IsBot    bool   `json:"is_bot"`
	}
	teamMember struct {
		Roles       string `json:"roles"`
		DeleteAt    int64  `json:"delete_at"`
		SchemeGuest bool   `json:"scheme_guest"`
		SchemeUser  bool   `json:"scheme_user"`
		SchemeAdmin bool   `json:"scheme_admin"`
	}
	post struct {
		ID        string   `json:"id,omitempty"`
		ChannelID string   `json:"channel_id"`
		Message   string   `json:"message"`
		RootID    string   `json:"root_id,omitempty"`
		FileIDs   []string `json:"file_ids,omitempty"`
	}
	reaction struct {
		UserID    string `json:"user_id"`
		PostID    string `json:"post_id"`
		EmojiName string `json:"emoji_name"`
		ChannelID string `json:"channel_id,omitempty"`
	}
	command struct {
		ID               string `json:"id,omitempty"`
		Token            string `json:"token,omitempty"`
		DeleteAt         int64  `json:"delete_at"`
		TeamID           string `json:"team_id"`
		Trigger          string `json:"trigger"`
		Method           string `json:"method"`
		Username         string `json:"username"`
		IconURL          string `json:"icon_url"`
		AutoComplete     bool   `json:"auto_complete"`
		AutoCompleteDesc string `json:"auto_complete_desc"`
		AutoCompleteHint string `json:"auto_complete_hint"`
		DisplayName      string `json:"display_name"`
		Description      string `json:"description"`
		URL              string `json:"url"`
	}
	commandResponse struct {
		ResponseType     string            `json:"response_type"` // "ephemeral" or "in_channel"
		Text             string            `json:"text"`
		SkipSlackParsing bool              `json:"skip_slack_parsing"`
		ExtraResponses   []commandResponse `json:"extra_responses,omitempty"`
	}
)
