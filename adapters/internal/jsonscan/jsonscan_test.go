package jsonscan

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
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

// FuzzObjectWith proves that walking a member's array in place gives what
// Object then Objects on its raw value give, and accepts the same documents.
func FuzzObjectWith(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "data")
	}
	f.Add(`{"data":[{"id":"1","x":{"y":[1]}}],"data":[],"pagination":{"total":3}}`, "data")
	f.Add(`{"contacts":null,"count":0}`, "contacts")
	f.Add(`{"contacts":[1],"count":0}`, "contacts")
	f.Fuzz(func(t *testing.T, in, key string) {
		type member struct{ k, raw string }
		var (
			gotTop, wantTop   []member
			gotElem, wantElem [][]member
		)
		okWith := ObjectWith([]byte(in), key,
			func(int) { gotElem = append(gotElem, []member{}) },
			func(k, raw []byte) bool {
				gotElem[len(gotElem)-1] = append(gotElem[len(gotElem)-1], member{string(k), string(raw)})
				return true
			},
			func(k, raw []byte) bool { gotTop = append(gotTop, member{string(k), string(raw)}); return true })
		okTwice := Object([]byte(in), func(k, raw []byte) bool {
			wantTop = append(wantTop, member{string(k), string(raw)})
			if string(k) != key || len(raw) == 0 || raw[0] != '[' {
				return true
			}
			return Objects(raw, func(int) { wantElem = append(wantElem, []member{}) }, func(k, raw []byte) bool {
				wantElem[len(wantElem)-1] = append(wantElem[len(wantElem)-1], member{string(k), string(raw)})
				return true
			})
		})
		if okWith != okTwice {
			t.Fatalf("ObjectWith(%q, %q) = %v, Object then Objects = %v", in, key, okWith, okTwice)
		}
		if !okWith {
			return
		}
		if diff := cmp.Diff(wantTop, gotTop, cmp.AllowUnexported(member{})); diff != "" {
			t.Errorf("members (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantElem, gotElem, cmp.AllowUnexported(member{})); diff != "" {
			t.Errorf("elements (-want +got):\n%s", diff)
		}
	})
}

// TestSpecial checks the word-at-a-time test against the byte table: every
// byte value at every position of a word of plain filler, and random words.
func TestSpecial(t *testing.T) {
	ref := func(w [8]byte) bool {
		for _, c := range w {
			if !plain[c] {
				return true
			}
		}
		return false
	}
	check := func(w [8]byte) {
		x := binary.LittleEndian.Uint64(w[:])
		if ref(w) && !special(x) {
			t.Fatalf("special(%q) = false, the word holds a special byte", w[:])
		}
	}
	for _, fill := range []byte{'a', 0x7f, 0x80, 0xff, ' ', 0x21} {
		for pos := range 8 {
			for c := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				check(w)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], r.Uint64())
		check(w)
	}
	if special(binary.LittleEndian.Uint64([]byte("abcdefgh"))) {
		t.Error(`special("abcdefgh") = true: plain ASCII must pass a word at a time`)
	}
}
