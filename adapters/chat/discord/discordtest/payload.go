package discordtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// The payloads of reference/chat/payloads, copied verbatim. Every body and
// frame the fake sends starts from one of them, so a field the reference
// gives (and discordgo decodes) is never forgotten.
//
//go:embed payloads/*.json
var payloads embed.FS

// tpl returns a fresh copy of the payload file name as a JSON object.
func tpl(name string) map[string]any {
	raw, err := payloads.ReadFile("payloads/" + name)
	if err != nil {
		panic("discordtest: missing payload " + name)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(fmt.Sprintf("discordtest: payload %s: %v", name, err))
	}
	return m
}

// tplArray returns a fresh copy of a payload file holding a JSON array.
func tplArray(name string) []any {
	raw, err := payloads.ReadFile("payloads/" + name)
	if err != nil {
		panic("discordtest: missing payload " + name)
	}
	var a []any
	if err := json.Unmarshal(raw, &a); err != nil {
		panic(fmt.Sprintf("discordtest: payload %s: %v", name, err))
	}
	return a
}

// obj returns m[key] as an object, creating it when absent.
func obj(m map[string]any, key string) map[string]any {
	if o, ok := m[key].(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	m[key] = o
	return o
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// apiError is Discord's JSON error body: {"message": …, "code": …}, with the
// "errors" tree of form errors (code 50035) when fields is not nil.
func apiError(w http.ResponseWriter, status, code int, message string, fields map[string]any) {
	body := tpl("discord-error-response.json")
	body["message"] = message
	body["code"] = code
	if fields != nil {
		body["errors"] = fields
	}
	writeJSON(w, status, body)
}

// formError answers 400 Invalid Form Body (50035) naming the field at path.
func formError(w http.ResponseWriter, path, code, message string) {
	apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body", map[string]any{
		path: map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}},
	})
}

// Discord's JSON error codes the fake answers (reference §1).
const (
	codeUnknownChannel     = 10003
	codeUnknownGuild       = 10004
	codeUnknownMember      = 10007
	codeUnknownMessage     = 10008
	codeUnknownUser        = 10013
	codeUnknownEmoji       = 10014
	codeUnknownWebhook     = 10015
	codeUnknownInteraction = 10062
	codeAlreadyAcked       = 40060
	codeEmptyMessage       = 50006
	codeCannotDM           = 50007
	codeInvalidForm        = 50035
)
