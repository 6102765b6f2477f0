package cpaneltest

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AddDir gives directory dir (relative to the home, "public_html/wp-content")
// bytes of its own files; its parents exist with it.
func (s *Server) AddDir(dir string, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host.dirs[strings.Trim(dir, "/")] += bytes
}

// dirBlock is the size disk_counter gives a directory itself.
const dirBlock = 4096

// diskUsage is DiskUsage::fetchdiskusage (API 2) as Cpanel/DiskUsage.pm
// computes it: ".." is removed and a leading "/*" too, the path is split
// on runs of "/" and walked until the first empty component (so a leading
// "/" means the home); a path that does not exist has no contents,
// which is no error. Each child has its own usage (its directory block and
// files) and contained_usage (everything below it).
func (s *Server) diskUsage(path string) map[string]any {
	name := path
	if path == "" {
		name = "/home/" + s.user
	}
	p := strings.TrimPrefix(strings.ReplaceAll(path, "..", ""), "/*")
	base := "" // split(/\/+/): a leading "/" gives an empty first component
	if !strings.HasPrefix(p, "/") {
		base = strings.Join(strings.FieldsFunc(p, func(r rune) bool { return r == '/' }), "/")
	}
	kids := map[string]map[string]any{}
	found := base == ""
	for d, bytes := range s.host.dirs {
		rest, ok := strings.CutPrefix(d, base+"/")
		if base == "" {
			rest, ok = d, true
		}
		found = found || d == base || ok
		if !ok {
			continue
		}
		child, _, deeper := strings.Cut(rest, "/")
		k := kids[child]
		if k == nil {
			k = map[string]any{"name": child, "type": "dir", "usage": int64(dirBlock), "contained_usage": int64(0),
				"owner": s.user, "traversible": 1, "contents": nil} // the fake does not count children
			kids[child] = k
		}
		if deeper {
			k["contained_usage"] = k["contained_usage"].(int64) + bytes + dirBlock
		} else {
			k["usage"] = k["usage"].(int64) + bytes
		}
	}
	contents := []map[string]any{}
	if found {
		for _, n := range slices.Sorted(maps.Keys(kids)) {
			contents = append(contents, kids[n])
		}
	}
	return map[string]any{"name": name, "type": "dir", "usage": int64(dirBlock), "owner": s.user, "contents": contents}
}

// AddAutoSSLProblem writes domain's problem into the AutoSSL problems log.
func (s *Server) AddAutoSSLProblem(domain, problem string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host.problems = append(s.host.problems, map[string]string{"domain": domain, "problem": problem,
		"time": at.UTC().Format("2006-01-02T15:04:05.000Z")})
}

// AutoSSLChecks says whether an AutoSSL check was started and is under way;
// FinishAutoSSL ends it as cPanel's task would, with an empty problems log.
func (s *Server) AutoSSLChecks() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host.checking
}

// FinishAutoSSL ends the check under way: the problems are solved.
func (s *Server) FinishAutoSSL() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host.checking, s.host.problems = false, nil
}

func (s *Server) autoSSLProblems(url.Values) (any, error) {
	out := []map[string]string{}
	return append(out, s.host.problems...), nil
}

func (s *Server) autoSSLRunning(url.Values) (any, error) {
	if s.host.checking {
		return 1, nil
	}
	return 0, nil
}

// startAutoSSL queues the check (ssl_call's START_AUTOSSL_CHECK answers 1
// whether or not one is already queued; the UAPI wrapper gives data null).
func (s *Server) startAutoSSL(url.Values) (any, error) {
	s.host.checking = true
	return nil, nil
}
