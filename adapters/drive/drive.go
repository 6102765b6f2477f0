package drive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/anopex/opsbot/bot"
)

// Options configure a Client. Credentials is the JSON of a service account
// key or of an OAuth authorized_user file; Tokens replaces it (tests, demo).
type Options struct {
	Credentials []byte
	Tokens      oauth2.TokenSource
	Folder      string // the media folder's file ID
	Endpoint    string // default https://www.googleapis.com/drive/v3/
	HTTPClient  *http.Client
}

// Client reads the Drive quota and the media folder's editors.
type Client struct {
	s      *drive.Service
	folder string
}

// New builds the client; it does not reach the network.
func New(o Options) (*Client, error) {
	if o.Folder == "" {
		return nil, errors.New("drive: folder is required")
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	ts := o.Tokens
	if ts == nil {
		var f struct{ Type string }
		if err := json.Unmarshal(o.Credentials, &f); err != nil || f.Type != string(google.ServiceAccount) && f.Type != string(google.AuthorizedUser) {
			return nil, errors.New("drive: credentials must be a service account key or an OAuth authorized_user file")
		}
		cr, err := google.CredentialsFromJSONWithType(ctx, o.Credentials, google.CredentialsType(f.Type), drive.DriveMetadataReadonlyScope)
		if err != nil {
			return nil, fmt.Errorf("drive: credentials: %w", err)
		}
		ts = cr.TokenSource
	}
	opts := []option.ClientOption{option.WithHTTPClient(oauth2.NewClient(ctx, ts))}
	if o.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(o.Endpoint))
	}
	s, err := drive.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("drive: %w", err)
	}
	return &Client{s: s, folder: o.Folder}, nil
}

// AccountQuota is the Drive storage used of the account's quota.
func (c *Client) AccountQuota(ctx context.Context) (bot.DiskUsage, error) {
	a, err := c.s.About.Get().Fields("storageQuota(limit,usage)").Context(ctx).Do()
	if err != nil {
		return bot.DiskUsage{}, kind(err, "about")
	}
	if a.StorageQuota == nil {
		return bot.DiskUsage{}, bot.Errorf(bot.Internal, "drive", "about", "no storageQuota in the answer")
	}
	return bot.DiskUsage{UsedMB: float64(a.StorageQuota.Usage) / 1e6, LimitMB: float64(a.StorageQuota.Limit) / 1e6}, nil
}

// Editors lists the folder's permissions that can edit it.
func (c *Client) Editors(ctx context.Context) ([]bot.Share, error) {
	var out []bot.Share
	err := c.s.Permissions.List(c.folder).Fields("nextPageToken,permissions(emailAddress,role,type)").Pages(ctx, func(l *drive.PermissionList) error {
		for _, p := range l.Permissions {
			switch p.Role {
			case "writer", "fileOrganizer", "organizer", "owner":
				out = append(out, bot.Share{Email: p.EmailAddress, Role: p.Role, Type: p.Type})
			}
		}
		return nil
	})
	if err != nil {
		return nil, kind(err, "permissions")
	}
	return out, nil
}

// Check proves the credential and the folder.
func (c *Client) Check(ctx context.Context) error {
	_, err := c.Editors(ctx)
	return err
}

func kind(err error, op string) error {
	var g *googleapi.Error
	if !errors.As(err, &g) {
		return bot.Errorf(bot.Unavailable, "drive", op, "%v", err)
	}
	k := bot.Internal
	switch {
	case g.Code == http.StatusUnauthorized || g.Code == http.StatusForbidden:
		k = bot.Denied
	case g.Code == http.StatusNotFound:
		k = bot.NotFound
	case g.Code == http.StatusTooManyRequests:
		k = bot.RateLimited
	case g.Code >= 500:
		k = bot.Unavailable
	}
	return bot.Errorf(k, "drive", op, "%d %s", g.Code, g.Message)
}
