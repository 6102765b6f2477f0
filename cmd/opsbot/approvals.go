package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// checkApprovals checks requests.approvals against the commands of this
// configuration and its people, so approval rules fail closed: a key must
// name a financial change command (the engine raises no other), its count
// must be at least 1 and at most the number of people who may approve it.
// When the approvers are exactly as many as a command needs, one of them
// who asks for it cannot get enough approvals from the others (nobody
// approves their own request): that is a warning, naming the command and
// the people. A chat platform whose role map grants an approver role makes
// the number of approvers unknowable from the file: no count is checked
// then.
func checkApprovals(c *Config, people []bot.Member, specs []bot.Spec) (warnings []string, err error) {
	byPath := map[string]*bot.Spec{}
	for i := range specs {
		byPath[specs[i].Path] = &specs[i]
	}
	var errs []error
	for _, path := range slices.Sorted(maps.Keys(c.Requests.Approvals)) {
		n := c.Requests.Approvals[path]
		s := byPath[path]
		switch {
		case s == nil:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: not a command of this configuration", path))
		case !s.IsChange():
			errs = append(errs, fmt.Errorf("requests.approvals.%s: not a change command, it is never approved", path))
		case !s.Financial:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: only a financial command's approvals are set here", path))
		case n < 1:
			errs = append(errs, fmt.Errorf("requests.approvals.%s: %d, want at least 1", path, n))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, s := range specs {
		if !s.Financial || !s.IsChange() || c.grantsOnPlatform(s.ApproverRoles()) {
			continue
		}
		need := max(s.Approvals, 1, c.Requests.Approvals[s.Path])
		var approvers []string
		asks := false // one of them may ask for it
		for _, m := range people {
			if slices.ContainsFunc(m.Roles, func(r bot.Role) bool { return slices.Contains(s.ApproverRoles(), r) }) {
				approvers = append(approvers, m.Name)
				asks = asks || slices.ContainsFunc(m.Roles, func(r bot.Role) bool { return slices.Contains(s.Roles, r) })
			}
		}
		switch who := strings.Join(approvers, ", "); {
		case len(approvers) < need:
			if _, set := c.Requests.Approvals[s.Path]; set {
				errs = append(errs, fmt.Errorf("requests.approvals.%s: %d approvals, but only %d people may approve it (%s)", s.Path, need, len(approvers), who))
			} else {
				warnings = append(warnings, fmt.Sprintf("%s needs %d approval(s), but only %d people may approve it (%s)", s.Path, need, len(approvers), who))
			}
		case len(approvers) == need && asks:
			warnings = append(warnings, fmt.Sprintf("%s needs %d approval(s) from %s: when one of them asks for it, the others are too few to approve it", s.Path, need, who))
		}
	}
	return warnings, errors.Join(errs...)
}

// grantsOnPlatform reports whether the configured chat platform's role map
// grants one of roles: anyone given that platform role may approve.
func (c *Config) grantsOnPlatform(roles []bot.Role) bool {
	return slices.ContainsFunc(slices.Collect(maps.Values(c.platformRoles()[c.Chat])), func(r bot.Role) bool { return slices.Contains(roles, r) })
}
