package drive

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "drive"

// scope reads files' metadata and permissions, nothing of their content.
const scope = "https://www.googleapis.com/auth/drive.metadata.readonly"

// Options configure a Client. Credentials is the JSON of a service account
// key or of an OAuth authorized_user file; Tokens replaces it (tests, demo).
type Options struct {
	Credentials []byte
	Tokens      oauth2.TokenSource
	Folder      string // the media folder's file ID
	Endpoint    string // default https://www.googleapis.com/drive/v3/
	HTTPClient  *http.Client
	Log         zerolog.Logger
}

// Client reads the Drive quota and the media folder's editors.
type Client struct {
	r      *resty.Client
	folder string
}

var (
	_ bot.AccountQuota  = (*Client)(nil)
	_ bot.FolderEditors = (*Client)(nil)
)

// New builds the client; it does not reach the network. Each request asks
// the token source for its access token (a cached one until it expires).
func New(o Options) (*Client, error) {
	if o.Folder == "" {
		return nil, errors.New("drive: folder is required")
	}
	endpoint := cmp.Or(o.Endpoint, "https://www.googleapis.com/drive/v3/")
	if err := rest.CheckURL(endpoint); err != nil {
		return nil, fmt.Errorf("drive: %w", err)
	}
	hc := cmp.Or(o.HTTPClient, &http.Client{Timeout: 30 * time.Second})
	ts := o.Tokens
	if ts == nil {
		var f struct{ Type string }
		if err := json.Unmarshal(o.Credentials, &f); err != nil || f.Type != string(google.ServiceAccount) && f.Type != string(google.AuthorizedUser) {
			return nil, errors.New("drive: credentials must be a service account key or an OAuth authorized_user file")
		}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc) // the token requests' client
		cr, err := google.CredentialsFromJSONWithType(ctx, o.Credentials, google.CredentialsType(f.Type), scope)
		if err != nil {
			return nil, fmt.Errorf("drive: credentials: %w", err)
		}
		ts = cr.TokenSource
	}
	c := &Client{folder: o.Folder, r: rest.New(rest.Options{BaseURL: endpoint, HTTPClient: hc, Log: o.Log.With().Str("component", provider).Logger()})}
	c.r.SetHeader("Accept", "application/json").
		OnBeforeRequest(func(_ *resty.Client, req *resty.Request) error {
			// resty does not retry an error of this hook: a credential the
			// token endpoint refused (invalid_grant) stays refused.
			t, err := ts.Token()
			if re := (*oauth2.RetrieveError)(nil); errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
				kind := bot.Denied
				if re.Response.StatusCode == http.StatusTooManyRequests {
					kind = bot.RateLimited // not refused: asked too often
				}
				return &bot.Error{Provider: provider, Op: "token", Kind: kind, Status: re.Response.StatusCode, Err: fmt.Errorf("%s %s", re.ErrorCode, re.ErrorDescription)}
			}
			if err != nil {
				return err
			}
			req.SetAuthToken(t.AccessToken)
			return nil
		}).
		AddRetryCondition(func(r *resty.Response, err error) bool {
			// Google asks to retry its 403 rate limits like a 429.
			if err != nil || r.StatusCode() != http.StatusForbidden {
				return false
			}
			k, _ := refusal(r, bot.Denied)
			return k == bot.RateLimited
		})
	return c, nil
}

type aboutJSON struct {
	StorageQuota *struct {
		Limit int64 `json:"limit,string"` // absent when the storage is unlimited
		Usage int64 `json:"usage,string"`
	} `json:"storageQuota"`
}

// AccountQuota is the Drive storage used of the account's quota.
// API: GET /drive/v3/about?fields=storageQuota(limit,usage)
func (c *Client) AccountQuota(ctx context.Context) (bot.DiskUsage, error) {
	var a aboutJSON
	if _, err := c.get(ctx, "about", "/about", map[string]string{"fields": "storageQuota(limit,usage)"}, &a); err != nil {
		return bot.DiskUsage{}, err
	}
	if a.StorageQuota == nil {
		return bot.DiskUsage{}, bot.Errorf(bot.Internal, provider, "about", "no storageQuota in the answer")
	}
	return bot.DiskUsage{UsedMB: float64(a.StorageQuota.Usage) / 1e6, LimitMB: float64(a.StorageQuota.Limit) / 1e6}, nil
}

type permissionListJSON struct {
	NextPageToken string `json:"nextPageToken"`
	Permissions   []struct {
		EmailAddress string `json:"emailAddress"`
		Role         string `json:"role"`
		Type         string `json:"type"`
	} `json:"permissions"`
}

// Editors lists the folder's permissions that can edit it (roles writer,
// fileOrganizer, organizer and owner), every page read.
// API: GET /drive/v3/files/{fileId}/permissions?fields=nextPageToken,
// permissions(emailAddress,role,type)&pageSize=100&supportsAllDrives=true
func (c *Client) Editors(ctx context.Context) ([]bot.Share, error) {
	q := map[string]string{"fields": "nextPageToken,permissions(emailAddress,role,type)", "pageSize": "100", "supportsAllDrives": "true"}
	return paging.Read(ctx, provider, "permissions", paging.Limits{}, func(ctx context.Context, _ int) (paging.Page[bot.Share], error) {
		var l permissionListJSON
		resp, err := c.get(ctx, "permissions", "/files/{fileId}/permissions", q, &l)
		if err != nil {
			return paging.Page[bot.Share]{}, err
		}
		var out []bot.Share
		for _, p := range l.Permissions {
			switch p.Role {
			case "writer", "fileOrganizer", "organizer", "owner":
				out = append(out, bot.Share{Email: p.EmailAddress, Role: p.Role, Type: p.Type})
			}
		}
		q["pageToken"] = l.NextPageToken
		return paging.Page[bot.Share]{Items: out, Body: resp.Body(), Last: l.NextPageToken == ""}, nil
	})
}

// Check proves the credential and the folder.
func (c *Client) Check(ctx context.Context) error {
	_, err := c.Editors(ctx)
	return err
}

// get reads path, relative to the endpoint ({fileId} is the folder), with
// the query q into out.
func (c *Client) get(ctx context.Context, op, path string, q map[string]string, out any) (*resty.Response, error) {
	return api.Do(c.r.R().SetContext(ctx).SetPathParam("fileId", c.folder).SetQueryParams(q), resty.MethodGet, path, op, out)
}

// errorJSON is Google's error body.
type errorJSON struct {
	Error struct {
		Message string `json:"message"`
		Errors  []struct {
			Reason string `json:"reason"`
		} `json:"errors"`
	} `json:"error"`
}

var api = rest.API{Provider: provider, Refusal: refusal}

// refusal reads Google's error body: a 403 whose reason is
// userRateLimitExceeded or rateLimitExceeded is RateLimited, other statuses
// keep kind; the text is the first reason and Google's message.
func refusal(resp *resty.Response, kind bot.Kind) (bot.Kind, string) {
	var e errorJSON
	if json.Unmarshal(resp.Body(), &e) != nil || len(e.Error.Errors) == 0 {
		return kind, e.Error.Message
	}
	for _, d := range e.Error.Errors {
		if resp.StatusCode() == http.StatusForbidden && (d.Reason == "userRateLimitExceeded" || d.Reason == "rateLimitExceeded") {
			kind = bot.RateLimited
		}
	}
	return kind, e.Error.Errors[0].Reason + ": " + e.Error.Message
}
