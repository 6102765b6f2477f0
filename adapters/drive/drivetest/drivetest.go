// Package drivetest is a fake of the Google endpoints opsbot reads: Drive
// API v3's GET /drive/v3/about and GET /drive/v3/files/{fileId}/permissions,
// and the OAuth token endpoint (POST /token) a credential file's token_uri
// can point at. It answers as Google does (sources in package drive's doc):
//
//   - every Drive request needs "Authorization: Bearer <Token>", else 401
//     authError; about.get without fields is 400 required;
//   - fields is a partial-response selection ("a,b(c,d)"): only the named
//     fields come back, and without it permissions.list gives its default
//     fields only (kind, id, type, role: no emailAddress, and no
//     nextPageToken is lost because none is asked);
//   - permissions.list pages with pageSize (1 to 100, else 400 invalid) and
//     the opaque nextPageToken; PageMax shortens every page, as Google may;
//   - a file unknown, or in a shared drive without supportsAllDrives=true,
//     is 404 notFound;
//   - FailNext injects Google's error body for a reason (403
//     userRateLimitExceeded, 429 rateLimitExceeded, 500 backendError…).
//
// It shares no types with the client.
package drivetest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Permission is one sharing of a file.
type Permission struct {
	EmailAddress string // empty for type anyone or domain
	Role         string
	Type         string
}

// Server is the fake; set its fields between requests.
type Server struct {
	*httptest.Server
	// Fault injects latency and failures in front of every request.
	Fault *faulttest.Injector
	// Token is the access token the Drive endpoints accept and POST /token
	// grants; RefuseGrants makes POST /token answer invalid_grant.
	Token        string
	RefuseGrants bool
	Usage        int64
	Limit        int64 // 0: unlimited (no limit field)
	Permissions  map[string][]Permission
	Shared       map[string]bool // files in a shared drive
	PageMax      int             // most permissions per page (0: what pageSize asks)
}

// New starts a fake accepting token.
func New(token string) *Server {
	s := &Server{Token: token, Fault: &faulttest.Injector{}, Permissions: map[string][]Permission{}, Shared: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /drive/v3/about", s.bearer(s.about))
	mux.HandleFunc("GET /drive/v3/files/{fileId}/permissions", s.bearer(s.permissions))
	s.Server = httptest.NewServer(s.Fault.Wrap(mux))
	return s
}

// Endpoint is the base URL to give drive.Options.
func (s *Server) Endpoint() string { return s.URL + "/drive/v3/" }

// FailNext makes the next n requests answer status with Google's error body
// for reason.
func (s *Server) FailNext(n, status int, reason string) {
	domain, msg := "global", http.StatusText(status)
	switch reason {
	case "userRateLimitExceeded":
		domain, msg = "usageLimits", "User Rate Limit Exceeded"
	case "rateLimitExceeded":
		domain, msg = "usageLimits", "Rate Limit Exceeded"
	case "backendError":
		msg = "Backend Error"
	case "insufficientFilePermissions":
		msg = "The user does not have sufficient permissions for this file."
	}
	s.Fault.FailNext(n, status, errorBody(status, msg, domain, reason, "", ""))
}

func (s *Server) bearer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			fail(w, http.StatusUnauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
				"authError", "Authorization", "header")
			return
		}
		h(w, r)
	}
}

// token grants Token to a service account's signed JWT (RFC 7523) or an
// authorized_user's refresh token, as https://oauth2.googleapis.com/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ok := false
	switch r.PostForm.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		ok = strings.Count(r.PostForm.Get("assertion"), ".") == 2
	case "refresh_token":
		ok = r.PostForm.Get("refresh_token") != "" && r.PostForm.Get("client_id") != "" && r.PostForm.Get("client_secret") != ""
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if !ok || s.RefuseGrants {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": s.Token, "expires_in": 3599, "token_type": "Bearer"})
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) {
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		fail(w, http.StatusBadRequest, "The 'fields' parameter is required for this method.", "required", "fields", "parameter")
		return
	}
	u := strconv.FormatInt(s.Usage, 10)
	q := map[string]any{"usage": u, "usageInDrive": u, "usageInDriveTrash": "0"}
	if s.Limit > 0 {
		q["limit"] = strconv.FormatInt(s.Limit, 10)
	}
	answer(w, map[string]any{"kind": "drive#about", "storageQuota": q,
		"user": map[string]any{"kind": "drive#user", "displayName": "ANOPEX", "emailAddress": "anopex.asso@gmail.com", "me": true}}, fields, aboutFields)
}

func (s *Server) permissions(w http.ResponseWriter, r *http.Request) {
	id, q := r.PathValue("fileId"), r.URL.Query()
	all, ok := s.Permissions[id]
	if !ok || s.Shared[id] && q.Get("supportsAllDrives") != "true" {
		fail(w, http.StatusNotFound, fmt.Sprintf("File not found: %s.", id), "notFound", "fileId", "parameter")
		return
	}
	n := len(all)
	if v := q.Get("pageSize"); v != "" {
		size, err := strconv.Atoi(v)
		if err != nil || size < 1 || size > 100 {
			fail(w, http.StatusBadRequest, fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, 100]", v), "invalid", "pageSize", "parameter")
			return
		}
		n = size
	}
	if s.PageMax > 0 {
		n = min(n, s.PageMax)
	}
	from := 0
	if t := q.Get("pageToken"); t != "" {
		off, found := strings.CutPrefix(t, "~!!~"+id+"~")
		var err error
		if from, err = strconv.Atoi(off); !found || err != nil || from < 0 || from > len(all) {
			fail(w, http.StatusBadRequest, "Invalid Value", "invalid", "pageToken", "parameter")
			return
		}
	}
	to := min(from+n, len(all))
	ps := []any{}
	for i, p := range all[from:to] {
		m := map[string]any{"kind": "drive#permission", "id": strconv.Itoa(from + i + 1), "type": p.Type, "role": p.Role}
		if p.EmailAddress != "" {
			m["emailAddress"] = p.EmailAddress
		}
		ps = append(ps, m)
	}
	out := map[string]any{"kind": "drive#permissionList", "permissions": ps}
	if to < len(all) {
		out["nextPageToken"] = fmt.Sprintf("~!!~%s~%d", id, to)
	}
	answer(w, out, cmp.Or(q.Get("fields"), "kind,nextPageToken,permissions(kind,id,type,role)"), permissionListFields)
}

// The fields of the resources answered, from the Drive v3 reference (About,
// Permission, PermissionList): a selection naming another is refused as
// Google refuses it ("Invalid field selection NAME", 400, reason
// invalidParameter, location fields: as quoted in
// googleworkspace/java-samples#1547), so a typo in the client cannot pass as
// an absent value.
var (
	permissionFields = fieldSet("kind,id,type,emailAddress,domain,role,view,allowFileDiscovery,displayName,photoLink,expirationTime,deleted,pendingOwner,permissionDetails,teamDrivePermissionDetails,inheritedPermissionsDisabled")
	aboutFields      = selection{"kind": nil, "storageQuota": fieldSet("limit,usage,usageInDrive,usageInDriveTrash"),
		"user": fieldSet("kind,displayName,photoLink,me,permissionId,emailAddress"), "importFormats": nil, "exportFormats": nil,
		"maxImportSizes": nil, "maxUploadSize": nil, "appInstalled": nil, "folderColorPalette": nil, "driveThemes": nil,
		"canCreateDrives": nil, "canCreateTeamDrives": nil, "teamDriveThemes": nil}
	permissionListFields = selection{"kind": nil, "nextPageToken": nil, "permissions": permissionFields}
)

// fieldSet is a selection of leaf fields.
func fieldSet(names string) selection {
	sel := selection{}
	for _, n := range strings.Split(names, ",") {
		sel[n] = nil
	}
	return sel
}

// unknownField returns the first field of sel that schema lacks ("" if none).
func unknownField(sel, schema selection) string {
	for k, sub := range sel {
		known, ok := schema[k]
		switch {
		case !ok:
			return k
		case sub != nil && known != nil:
			if u := unknownField(sub, known); u != "" {
				return u
			}
		}
	}
	return ""
}

// answer writes v reduced to the partial-response selection fields, which
// must name fields of schema.
func answer(w http.ResponseWriter, v map[string]any, fields string, schema selection) {
	sel := parseFields(fields)
	if bad := unknownField(sel, schema); bad != "" {
		fail(w, http.StatusBadRequest, "Invalid field selection "+bad, "invalidParameter", "fields", "parameter")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(project(v, sel))
}

// selection is a parsed fields parameter: each named field with its own
// sub-selection (nil: the whole field).
type selection map[string]selection

// parseFields parses "a,b(c,d),e" into a selection.
func parseFields(f string) selection {
	sel := selection{}
	for f != "" {
		i := strings.IndexAny(f, ",(")
		if i < 0 {
			sel[strings.TrimSpace(f)] = nil
			break
		}
		name := strings.TrimSpace(f[:i])
		if f[i] == ',' {
			sel[name], f = nil, f[i+1:]
			continue
		}
		depth, j := 0, i
		for ; j < len(f); j++ {
			if f[j] == '(' {
				depth++
			} else if f[j] == ')' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		sel[name] = parseFields(f[i+1 : min(j, len(f))])
		f = strings.TrimPrefix(f[min(j+1, len(f)):], ",")
	}
	return sel
}

func project(v any, sel selection) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range sel {
			if x, ok := v[k]; ok {
				out[k] = x
				if sub != nil {
					out[k] = project(x, sub)
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = project(x, sel)
		}
		return out
	}
	return v
}

func fail(w http.ResponseWriter, code int, msg, reason, location, locationType string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	w.Write([]byte(errorBody(code, msg, "global", reason, location, locationType)))
}

// errorBody is Google's JSON error: {"error":{"code","message","errors":[{
// "message","domain","reason","location","locationType"}]}}, with
// "status":"UNAUTHENTICATED" on a 401.
func errorBody(code int, msg, domain, reason, location, locationType string) string {
	item := map[string]string{"message": msg, "domain": domain, "reason": reason}
	if location != "" {
		item["location"], item["locationType"] = location, locationType
	}
	e := map[string]any{"code": code, "message": msg, "errors": []map[string]string{item}}
	if code == http.StatusUnauthorized {
		e["status"] = "UNAUTHENTICATED"
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return string(b)
}
