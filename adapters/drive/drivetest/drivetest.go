// Package drivetest is a fake of the Drive API v3 endpoints opsbot reads:
// GET /drive/v3/about and GET /drive/v3/files/{id}/permissions, behind a
// Bearer token refused with Google's 401 body, 404 notFound for an unknown
// file.
package drivetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// Permission is one sharing of a file.
type Permission struct {
	EmailAddress string `json:"emailAddress,omitempty"`
	Role         string `json:"role"`
	Type         string `json:"type"`
}

// Server is the fake; set its fields before the requests.
type Server struct {
	*httptest.Server
	Token       string
	Usage       int64
	Limit       int64 // 0: unlimited (no limit field)
	Permissions map[string][]Permission
}

// New starts a fake accepting token.
func New(token string) *Server {
	s := &Server{Token: token, Permissions: map[string][]Permission{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /drive/v3/about", func(w http.ResponseWriter, r *http.Request) {
		q := map[string]string{"usage": strconv.FormatInt(s.Usage, 10)}
		if s.Limit > 0 {
			q["limit"] = strconv.FormatInt(s.Limit, 10)
		}
		json.NewEncoder(w).Encode(map[string]any{"storageQuota": q})
	})
	mux.HandleFunc("GET /drive/v3/files/{id}/permissions", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		ps, ok := s.Permissions[id]
		if !ok {
			msg := fmt.Sprintf("File not found: %s.", id)
			fail(w, http.StatusNotFound, msg, "notFound", "fileId", "parameter", "")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"kind": "drive#permissionList", "permissions": ps})
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			fail(w, http.StatusUnauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
				"authError", "Authorization", "header", "UNAUTHENTICATED")
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return s
}

// Endpoint is the base URL to give drive.Options.
func (s *Server) Endpoint() string { return s.URL + "/drive/v3/" }

func fail(w http.ResponseWriter, code int, msg, reason, location, locationType, status string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	e := map[string]any{"code": code, "message": msg,
		"errors": []map[string]string{{"message": msg, "domain": "global", "reason": reason, "location": location, "locationType": locationType}}}
	if status != "" {
		e["status"] = status
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}
