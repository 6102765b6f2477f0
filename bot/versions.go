package bot

import (
	"context"
	"strconv"
	"strings"
)

// Component is a piece of software the association runs, with the version
// installed: WordPress itself, one of its plugins, Dolibarr.
type Component struct {
	Product string // "wordpress", "plugin" (a WordPress plugin) or "dolibarr"
	Slug    string // a plugin's WordPress.org slug (its directory)
	Name    string
	Version string
}

// Release is the latest version its publisher offers for a component.
// Security says the publisher marks the installed version insecure or the
// release as a security one.
type Release struct {
	Version  string
	Security bool
}

// Installed reads the components a system runs. Errors: Denied (the
// account lacks the right), Unavailable, Internal.
type Installed interface {
	Components(ctx context.Context) ([]Component, error)
}

// Releases reads what the publishers offer. Latest returns ok false when
// the source does not know the component (a plugin outside WordPress.org's
// directory). Errors: Unavailable, Internal.
type Releases interface {
	Latest(ctx context.Context, c Component) (r Release, ok bool, err error)
}

// VersionBefore reports whether version a precedes b, comparing the
// dot-separated numbers ("6.1.9" < "6.7", "5.3" < "5.3.1"); a part that is
// not a number counts as 0.
func VersionBefore(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		x, y := versionPart(as, i), versionPart(bs, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func versionPart(p []string, i int) int {
	if i >= len(p) {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(p[i]))
	return n
}
