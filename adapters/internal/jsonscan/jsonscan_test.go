package jsonscan

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var seeds = []string{
	`[]`, `[{}]`, ` [ {"a" : 1 , "b":[true,false,null,{"c":"\u00e9\n"}]} ] `,
	`{"data":[{"id":"1"}],"pagination":{"total":3}}`,
	`[{"a":01}]`, `[{"a":1.}]`, `[{"a":-}]`, `[{"a":1e}]`, `[{"a":"\x"}]`, `[{"a":"` + "\x01" + `"}]`,
	`[{"a":tru}]`, `[{"a":1},]`, `[{"a":1}`, `[{"a" 1}]`, `[{"\u0061":1}]`, `[{"é":1}]`, `[1]`, `null`,
	`[{"a":[1,]}]`, `[{"a":{"b":1,}}]`, `[{"a":{1:2}}]`, `[{"a":"x"}] x`,
}

// FuzzObjects proves that Objects accepts only valid JSON, and hands each
// member's raw value as encoding/json reads it.
func FuzzObjects(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got []map[string]json.RawMessage
		ok := Objects([]byte(in), func(int) { got = append(got, map[string]json.RawMessage{}) }, func(k, raw []byte) bool {
			got[len(got)-1][string(k)] = json.RawMessage(raw)
			return true
		})
		if !ok {
			return
		}
		var want []map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("Objects accepted %q, encoding/json: %v", in, err)
		}
		if got == nil {
			got = []map[string]json.RawMessage{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Objects(%q) (-want +got):\n%s", in, diff)
		}
	})
}

// FuzzObject does the same for Object.
func FuzzObject(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := map[string]json.RawMessage{}
		if !Object([]byte(in), func(k, raw []byte) bool { got[string(k)] = json.RawMessage(raw); return true }) {
			return
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("Object accepted %q, encoding/json: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Object(%q) (-want +got):\n%s", in, diff)
		}
	})
}

func TestObjects(t *testing.T) {
	accepted := map[string]bool{`[]`: true, `[{}]`: true, ` [ {"a" : 1 , "b":[true,false,null,{"c":"\u00e9\n"}]} ] `: true}
	for _, s := range seeds {
		t.Run(s, func(t *testing.T) {
			ok := Objects([]byte(s), func(int) {}, func(_, _ []byte) bool { return true })
			if ok != accepted[s] {
				t.Errorf("Objects(%q) = %v, want %v", s, ok, accepted[s])
			}
		})
	}
}
