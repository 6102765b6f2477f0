package brevotest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *Server) listByPath(w http.ResponseWriter, r *http.Request) (*list, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 || id > len(s.lists) {
		fail(w, http.StatusNotFound, "document_not_found", "List ID does not exist")
		return nil, false
	}
	return s.lists[id-1], true
}

func (s *Server) listJSON(l *list, detail bool) map[string]any {
	black := 0
	for _, idx := range l.members {
		if s.contacts[idx].blacklisted {
			black++
		}
	}
	m := map[string]any{"id": l.id, "name": l.name, "totalSubscribers": len(l.members) - black,
		"totalBlacklisted": black, "uniqueSubscribers": len(l.members), "folderId": l.folderID}
	if detail {
		m["createdAt"] = time.UnixMilli(l.created).In(paris).Format(stamp)
	}
	return m
}

// listLists serves GET /v3/contacts/lists (reference §5.3): limit default
// 10, at most 50.
func (s *Server) listLists(w http.ResponseWriter, r *http.Request) {
	limit, offset, asc, ok := page(w, r, 10, 50)
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.lists)
	out := []map[string]any{}
	for j := min(offset, n); j < min(offset+limit, n); j++ {
		k := j
		if !asc {
			k = n - 1 - j
		}
		out = append(out, s.listJSON(s.lists[k], false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": out, "count": n})
}

// getList serves GET /v3/contacts/lists/{id}.
func (s *Server) getList(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if l, ok := s.listByPath(w, r); ok {
		writeJSON(w, http.StatusOK, s.listJSON(l, true))
	}
}

// listListContacts serves GET /v3/contacts/lists/{id}/contacts (reference
// §5.4): limit default 50, at most 500.
func (s *Server) listListContacts(w http.ResponseWriter, r *http.Request) {
	limit, offset, asc, ok := page(w, r, 50, 500)
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := s.listByPath(w, r)
	if !ok {
		return
	}
	idx, ok := s.since(w, r, l.members)
	if ok {
		s.writePage(w, idx, len(idx), limit, offset, asc)
	}
}

// batchBody is the body of /add and /remove.
type batchBody struct {
	Emails []string `json:"emails"`
	IDs    []int64  `json:"ids"`
	All    bool     `json:"all"`
}

func (s *Server) addToList(w http.ResponseWriter, r *http.Request)      { s.batch(w, r, true) }
func (s *Server) removeFromList(w http.ResponseWriter, r *http.Request) { s.batch(w, r, false) }

// batch serves POST …/contacts/add and …/remove (reference §5.7, §5.8):
// 201 {"contacts":{"success":[…],"failure":[…]}}; a failure is an unknown
// contact, or one already in (add) or not in (remove) the list. When none
// of the batch can be changed the answer is Brevo's 400 invalid_parameter
// "Contact already in list and/or does not exist" (reference §5.7,
// confirmed 2026-12), for /add and /remove alike.
func (s *Server) batch(w http.ResponseWriter, r *http.Request, add bool) {
	var b batchBody
	if !readBody(w, r, &b) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.listByPath(w, r)
	if !ok {
		return
	}
	if b.All && !add {
		total := len(l.members)
		for len(l.members) > 0 {
			s.unlink(l.members[0], l.id)
		}
		writeJSON(w, http.StatusCreated, map[string]any{"contacts": map[string]any{"total": total, "processId": 78}})
		return
	}
	if len(b.Emails) == 0 && len(b.IDs) == 0 {
		fail(w, http.StatusBadRequest, "missing_parameter", "emails or ids are required")
		return
	}
	if len(b.Emails) > 0 && len(b.IDs) > 0 {
		fail(w, http.StatusBadRequest, "invalid_parameter", "Either emails or ids can be passed, not both")
		return
	}
	if len(b.Emails) > 150 || len(b.IDs) > 150 {
		fail(w, http.StatusBadRequest, "out_of_range", "You can add/remove at most 150 contacts per request")
		return
	}
	success, failure := []any{}, []any{}
	now := s.now().UnixMilli()
	do := func(idx int32, found bool) bool {
		if !found {
			return false
		}
		var changed bool
		if add {
			changed = s.link(idx, l.id)
		} else {
			changed = s.unlink(idx, l.id)
		}
		if changed {
			s.contacts[idx].modified = now
		}
		return changed
	}
	for _, e := range b.Emails {
		idx, found := s.byEmail[strings.ToLower(strings.TrimSpace(e))]
		if do(idx, found) {
			success = append(success, e)
		} else {
			failure = append(failure, e)
		}
	}
	for _, id := range b.IDs {
		idx, found := s.find(strconv.FormatInt(id, 10))
		if do(idx, found) {
			success = append(success, id)
		} else {
			failure = append(failure, id)
		}
	}
	if len(success) == 0 {
		fail(w, http.StatusBadRequest, "invalid_parameter", NoneChanged)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"contacts": map[string]any{"success": success, "failure": failure}})
}

// NoneChanged is Brevo's message when no contact of a batch can be added
// to (or removed from) the list.
const NoneChanged = "Contact already in list and/or does not exist"
