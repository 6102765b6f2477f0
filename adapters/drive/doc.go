// Package drive reads the association's Google Drive through the Drive API
// v3 (google.golang.org/api/drive/v3): the account's storage quota
// (about.get, fields=storageQuota(limit,usage), byte counts sent as strings,
// limit absent when the storage is unlimited) and who can edit the media
// folder (permissions.list, fields=nextPageToken,permissions(emailAddress,
// role,type); roles writer, organizer and fileOrganizer, owner edit). Sources:
// https://developers.google.com/workspace/drive/api/reference/rest/v3/about
// and .../v3/permissions/list; errors are {"error":{"code","message",
// "errors":[{"reason"}],"status"}}: 401 authError for a bad token, 404
// notFound for an unknown file (googleapi.Error). The credential is a
// service account key or an OAuth authorized_user file, scope
// drive.metadata.readonly.
package drive
