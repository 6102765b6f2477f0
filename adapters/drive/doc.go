// Package drive reads the association's Google Drive through two plain REST
// calls of the Drive API v3, sent with the project's resty client
// (adapters/internal/rest: reads retried on timeouts, 5xx and 429):
//
//   - the account's storage quota: GET /drive/v3/about
//     ?fields=storageQuota(limit,usage); byte counts come as strings, limit
//     is absent when the storage is unlimited, and about.get refuses a
//     request without fields (400 required);
//   - who can edit the media folder: GET /drive/v3/files/{fileId}/permissions
//     ?fields=nextPageToken,permissions(emailAddress,role,type)&pageSize=100
//     &supportsAllDrives=true, following nextPageToken until it is absent
//     (pageSize is 1 to 100; without fields Google leaves emailAddress out).
//     Roles writer, fileOrganizer, organizer and owner edit.
//
// Errors are {"error":{"code","message","errors":[{"domain","reason",
// "message","location","locationType"}]}}: 401 (authError) and 403 are
// Denied, except a 403 whose reason is userRateLimitExceeded or
// rateLimitExceeded (domain usageLimits), which is RateLimited and retried
// as Google asks, like a 429; 404 (notFound) is NotFound, 5xx Unavailable.
// A credential the token endpoint refuses (invalid_grant) is Denied.
//
// The credential is a service account key or an OAuth authorized_user file
// (golang.org/x/oauth2/google, scope drive.metadata.readonly), read once; the
// access token goes in the Authorization header of each request, never in a
// log line or an error.
//
// Sources: https://developers.google.com/workspace/drive/api/reference/rest/v3/about/get,
// .../v3/permissions/list (pageSize, pageToken, supportsAllDrives,
// PermissionList.nextPageToken), .../guides/fields-parameter (a permission
// gives kind, id, type and role unless fields asks more) and
// https://developers.google.com/workspace/drive/api/guides/handle-errors.
//
// Why not google.golang.org/api/drive/v3: the generated client links gRPC,
// protobuf, OpenTelemetry, s2a and cloud.google.com/go/auth, with their
// package inits, for these two GETs. Dropping it took the idle `opsbot demo`
// from 28.7 to 23.4 MB of RSS and the binary from 38.7 to 26.5 MB (README,
// Performance).
package drive
