package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// `opsbot help` and each sub-command's -h exit 0; -h lists the flags.
func TestHelpExitsZero(t *testing.T) {
	tests := []struct {
		args  []string
		flags []string
	}{
		{[]string{"help"}, []string{"demo", "check-config", "backup"}},
		{[]string{"demo", "-h"}, []string{"-data", "-locale", "-log"}},
		{[]string{"check-config", "-h"}, []string{"-config"}},
		{[]string{"run", "-h"}, []string{"-config"}},
		{[]string{"console", "-h"}, []string{"-config", "-as"}},
		{[]string{"backup", "-h"}, []string{"-config"}},
		{[]string{"mattermost", "register", "-h"}, []string{"-config"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("run = %v, want nil", err)
			}
			for _, f := range tt.flags {
				if !strings.Contains(stdout.String()+stderr.String(), f) {
					t.Errorf("output does not list %s:\n%s%s", f, stdout.String(), stderr.String())
				}
			}
		})
	}
}

// `opsbot health URL`, the image's HEALTHCHECK, is an error unless URL answers 200.
func TestHealth(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	if err := run(t.Context(), []string{"health", srv.URL}, nil, io.Discard, io.Discard); err != nil {
		t.Errorf("health on 200 = %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := run(t.Context(), []string{"health", srv.URL}, nil, io.Discard, io.Discard); err == nil {
		t.Error("health on 503 = nil, want an error")
	}
}
