package mattermosttest

import (
	"encoding/json"
	"net/http"
	"time"
)

// The wire shapes below follow reference/chat/payloads/mattermost-*.json
// field by field. They are the fake's own: nothing is shared with the adapter.

type teamJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

type userJSON struct {
	ID                  string            `json:"id"`
	CreateAt            int64             `json:"create_at"`
	UpdateAt            int64             `json:"update_at"`
	DeleteAt            int64             `json:"delete_at"`
	Username            string            `json:"username"`
	AuthData            string            `json:"auth_data"`
	AuthService         string            `json:"auth_service"`
	Email               string            `json:"email"`
	Nickname            string            `json:"nickname"`
	FirstName           string            `json:"first_name"`
	LastName            string            `json:"last_name"`
	Position            string            `json:"position"`
	Roles               string            `json:"roles"`
	Locale              string            `json:"locale"`
	Timezone            map[string]string `json:"timezone"`
	DisableWelcomeEmail bool              `json:"disable_welcome_email"`
	IsBot               bool              `json:"is_bot,omitempty"`
}

type teamMemberJSON struct {
	TeamID        string `json:"team_id"`
	UserID        string `json:"user_id"`
	Roles         string `json:"roles"`
	DeleteAt      int64  `json:"delete_at"`
	SchemeGuest   bool   `json:"scheme_guest"`
	SchemeUser    bool   `json:"scheme_user"`
	SchemeAdmin   bool   `json:"scheme_admin"`
	ExplicitRoles string `json:"explicit_roles"`
}

type channelMemberJSON struct {
	ChannelID   string `json:"channel_id"`
	UserID      string `json:"user_id"`
	Roles       string `json:"roles"`
	SchemeUser  bool   `json:"scheme_user"`
	SchemeAdmin bool   `json:"scheme_admin"`
}

type channelJSON struct {
	ID                string          `json:"id"`
	CreateAt          int64           `json:"create_at"`
	UpdateAt          int64           `json:"update_at"`
	DeleteAt          int64           `json:"delete_at"`
	TeamID            string          `json:"team_id"`
	Type              string          `json:"type"`
	DisplayName       string          `json:"display_name"`
	Name              string          `json:"name"`
	Header            string          `json:"header"`
	Purpose           string          `json:"purpose"`
	LastPostAt        int64           `json:"last_post_at"`
	TotalMsgCount     int64           `json:"total_msg_count"`
	ExtraUpdateAt     int64           `json:"extra_update_at"`
	CreatorID         string          `json:"creator_id"`
	SchemeID          *string         `json:"scheme_id"`
	Props             json.RawMessage `json:"props"`
	GroupConstrained  *bool           `json:"group_constrained"`
	Shared            *bool           `json:"shared"`
	TotalMsgCountRoot int64           `json:"total_msg_count_root"`
	PolicyID          *string         `json:"policy_id"`
	LastRootPostAt    int64           `json:"last_root_post_at"`
}

type postJSON struct {
	ID            string          `json:"id"`
	CreateAt      int64           `json:"create_at"`
	UpdateAt      int64           `json:"update_at"`
	EditAt        int64           `json:"edit_at"`
	DeleteAt      int64           `json:"delete_at"`
	IsPinned      bool            `json:"is_pinned"`
	UserID        string          `json:"user_id"`
	ChannelID     string          `json:"channel_id"`
	RootID        string          `json:"root_id"`
	OriginalID    string          `json:"original_id"`
	Message       string          `json:"message"`
	Type          string          `json:"type"`
	Props         json.RawMessage `json:"props"`
	Hashtags      string          `json:"hashtags"`
	FileIDs       []string        `json:"file_ids"`
	PendingPostID string          `json:"pending_post_id"`
	ReplyCount    int64           `json:"reply_count"`
	LastReplyAt   int64           `json:"last_reply_at"`
	Participants  json.RawMessage `json:"participants"`
	Metadata      json.RawMessage `json:"metadata"`
}

type postPatchJSON struct {
	IsPinned *bool           `json:"is_pinned"`
	Message  *string         `json:"message"`
	Props    json.RawMessage `json:"props"`
	FileIDs  *[]string       `json:"file_ids"`
}

type reactionJSON struct {
	UserID    string  `json:"user_id"`
	PostID    string  `json:"post_id"`
	EmojiName string  `json:"emoji_name"`
	CreateAt  int64   `json:"create_at"`
	UpdateAt  int64   `json:"update_at"`
	DeleteAt  int64   `json:"delete_at"`
	RemoteID  *string `json:"remote_id"`
	ChannelID string  `json:"channel_id"`
}

type fileInfoJSON struct {
	ID        string `json:"id"`
	CreatorID string `json:"creator_id"`
	PostID    string `json:"post_id"`
	ChannelID string `json:"channel_id"`
	CreateAt  int64  `json:"create_at"`
	UpdateAt  int64  `json:"update_at"`
	DeleteAt  int64  `json:"delete_at"`
	Name      string `json:"name"`
	Extension string `json:"extension"`
	Size      int64  `json:"size"`
	MimeType  string `json:"mime_type"`
}

type file struct {
	info fileInfoJSON
	data []byte
}

type commandJSON struct {
	ID               string `json:"id"`
	Token            string `json:"token"`
	CreateAt         int64  `json:"create_at"`
	UpdateAt         int64  `json:"update_at"`
	DeleteAt         int64  `json:"delete_at"`
	CreatorID        string `json:"creator_id"`
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
	PluginID         string `json:"plugin_id"`
}

// hook is a command webhook: the response_url of one slash command.
type hook struct {
	id        string
	userID    string
	channelID string
	rootID    string
	uses      int
	created   time.Time
}

// commandResponseJSON is what the bot answers a slash command with, and what
// it posts to response_url.
type commandResponseJSON struct {
	ResponseType     string                `json:"response_type"`
	Text             string                `json:"text"`
	Username         string                `json:"username"`
	ChannelID        string                `json:"channel_id"`
	IconURL          string                `json:"icon_url"`
	Type             string                `json:"type"`
	Props            map[string]any        `json:"props"`
	GotoLocation     string                `json:"goto_location"`
	TriggerID        string                `json:"trigger_id"`
	SkipSlackParsing bool                  `json:"skip_slack_parsing"`
	Attachments      []json.RawMessage     `json:"attachments"`
	ExtraResponses   []commandResponseJSON `json:"extra_responses"`
}

type actionRequestJSON struct {
	UserID      string         `json:"user_id"`
	UserName    string         `json:"user_name"`
	ChannelID   string         `json:"channel_id"`
	ChannelName string         `json:"channel_name"`
	TeamID      string         `json:"team_id"`
	TeamDomain  string         `json:"team_domain"`
	PostID      string         `json:"post_id"`
	TriggerID   string         `json:"trigger_id"`
	Type        string         `json:"type"`
	DataSource  string         `json:"data_source"`
	Context     map[string]any `json:"context,omitempty"`
}

type actionResponseJSON struct {
	Update *struct {
		Message *string         `json:"message"`
		Props   json.RawMessage `json:"props"`
	} `json:"update"`
	EphemeralText    string `json:"ephemeral_text"`
	SkipSlackParsing bool   `json:"skip_slack_parsing"`
}

type appErrorJSON struct {
	ID            string `json:"id"`
	Message       string `json:"message"`
	DetailedError string `json:"detailed_error"`
	RequestID     string `json:"request_id"`
	StatusCode    int    `json:"status_code"`
}

// fail writes an AppError body, as the server does for every 4xx and 5xx.
func fail(w http.ResponseWriter, status int, id, message string) {
	writeJSON(w, status, appErrorJSON{ID: id, Message: message, RequestID: NewID(), StatusCode: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", NewID())
	w.Header().Set("X-Version-Id", serverVersion)
	w.WriteHeader(status)
	w.Write(b)
}

const serverVersion = "10.11.0.16023386541.3b1c5e0e7f5d2a9c4b8e6f1a0d3c2b1e.true"

// The AppError IDs the fake answers with.
const (
	errSession     = "api.context.session_expired.app_error"
	errPermissions = "api.context.permissions.app_error"
	errNotFound    = "app.resource.not_found.app_error"
	errInvalid     = "api.context.invalid_param.app_error"
)
