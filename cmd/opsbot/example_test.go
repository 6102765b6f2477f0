package main

import (
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// configKeys returns the key paths Config parses ("smtp.ca_file"); a map
// field (roles, approvals…) is one key whose own keys are the user's.
func configKeys(t reflect.Type, prefix string, out map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			configKeys(f.Type, prefix, out)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		out[prefix+name] = true
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
			configKeys(ft, prefix+name+".", out)
		}
	}
}

// exampleKeys returns the key paths the sample sets, not descending into
// maps that are the user's (known lists the struct's keys).
func exampleKeys(n *yaml.Node, prefix string, known, out map[string]bool) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			exampleKeys(c, prefix, known, out)
		}
	case yaml.MappingNode:
		for i := 0; i < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			if prefix != "" && !known[k] && known[strings.TrimSuffix(prefix, ".")] && !hasChild(known, prefix) {
				return // a map of the user's: role IDs, command paths
			}
			out[k] = true
			exampleKeys(n.Content[i+1], k+".", known, out)
		}
	}
}

func hasChild(known map[string]bool, prefix string) bool {
	for k := range known {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// Every key opsbot parses is in opsbot.example.yaml (set, or commented out
// for the tests-only ones), every key there is one opsbot parses (the
// sample loads with unknown keys refused: TestSampleConfigLoads), and every
// section is explained in docs/deploy.md.
func TestExampleDocumentsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../../opsbot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	configKeys(reflect.TypeFor[Config](), "", known)
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	exampleKeys(&doc, "", known, set)
	for k := range set {
		if !known[k] {
			t.Errorf("opsbot.example.yaml sets %s, which opsbot does not parse", k)
		}
	}
	deploy, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for k := range known {
		last := k[strings.LastIndex(k, ".")+1:]
		commented := regexp.MustCompile(`(?m)^\s*#\s*(\S+: \{)?` + regexp.QuoteMeta(last) + `:`).Match(raw)
		first, _, _ := strings.Cut(k, ".")
		shared := slices.ContainsFunc(slices.Collect(maps.Keys(set)), func(s string) bool { // every, daily, timeout of the checks
			return strings.HasPrefix(s, first+".") && strings.HasSuffix(s, "."+last)
		})
		if !set[k] && !commented && !shared {
			missing = append(missing, k)
		}
		if !strings.Contains(k, ".") && !strings.Contains(string(deploy), "`"+k+"`") {
			t.Errorf("docs/deploy.md does not explain the section `%s`", k)
		}
	}
	slices.Sort(missing)
	for _, k := range missing {
		t.Errorf("opsbot.example.yaml does not show %s", k)
	}
}

// The Dockerfile is what docs/deploy.md says: the port of mattermost.listen's
// default and the ops listener exposed, a data directory owned by the
// non-root user, a HEALTHCHECK on /healthz through `opsbot health`, the
// version stamped at build.
func TestDockerfileMatchesDeploy(t *testing.T) {
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	deploy, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	expose := "EXPOSE " + strings.TrimPrefix(defaultListen, ":") + " 9090"
	for _, want := range []string{expose, "USER 65532:65532", "--chown=65532:65532 /out/data /var/lib/opsbot", `VOLUME ["/var/lib/opsbot"]`,
		`HEALTHCHECK`, `"/usr/local/bin/opsbot", "health", "http://127.0.0.1:9090/healthz"`, "-X main.stamped=${VERSION}"} {
		if !strings.Contains(string(docker), want) {
			t.Errorf("the Dockerfile has no %q", want)
		}
	}
	for _, want := range []string{"`" + expose + "`", "main.stamped", "opsbot health http://127.0.0.1:9090/healthz", "65532", "opsbot-data:/var/lib/opsbot"} {
		if !strings.Contains(string(deploy), want) {
			t.Errorf("docs/deploy.md does not say %q", want)
		}
	}
}
