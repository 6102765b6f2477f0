package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// client calls the REST API v4 (reference §1) as one account: the token
// as "Authorization: Bearer", JSON in and out, an AppError body on failure.
type client struct {
	url, token string // url ends in /api/v4
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
	req.Header.Set("Authorization", "Bearer "+a.token)
	if !raw {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, rest.Unreachable(Platform, op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return resp.Header, apiError(op, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.Header, &bot.Error{Provider: Platform, Op: op, Kind: bot.Internal, Status: resp.StatusCode, Err: fmt.Errorf("decode answer: %w", err)}
		}
	}
	return resp.Header, nil
}

// apiError is an error answer as a *bot.Error of relay.Kind (Internal
// under 400), with the AppError's id and message in the cause, for
// operators (model.AppErrorFromJSON).
func apiError(op string, status int, body []byte) error {
	var ae struct{ ID, Message string }
	err := fmt.Errorf("failed to decode JSON payload into AppError. Body: %s", body)
	if json.Unmarshal(body, &ae) == nil {
		err = fmt.Errorf("%s: %s", ae.ID, ae.Message)
	}
	kind := relay.Kind(status)
	if status < 400 {
		kind = bot.Internal
	}
	return &bot.Error{Provider: Platform, Op: op, Kind: kind, Status: status, Err: err}
}
