// The reference of the linearizability bench: Porcupine itself, checking the
// same histories the harness's checker checks. Each argument is a JSON file
// {"model": "cas-register" | "versioned-register", "ops": [...]}; for each it
// prints "<verdict> <milliseconds>" (valid, invalid or unknown), timing the
// check alone, not the reading.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/anishathalye/porcupine"
)

type operation struct {
	Client int             `json:"client"`
	Call   int64           `json:"call"`
	Return int64           `json:"return"`
	Known  bool            `json:"known"`
	Input  map[string]any  `json:"input"`
	Output json.RawMessage `json:"output"`
}

type history struct {
	Model string      `json:"model"`
	Ops   []operation `json:"ops"`
}

// Inputs and outputs as comparable structs, so Porcupine's default equality applies to states.
type input struct {
	f               string
	value, from, to int
	expected        int
	expectedIsNull  bool
}

type output struct {
	unknown bool
	value   int
	isNull  bool
	flag    bool // cas result, or update's "updated"
	version int
}

type versioned struct {
	version int
	value   int
	isNull  bool
}

const null = -1 << 40

// A value of the histories: a number, or absent/null. Anything else the models here do not take.
func number(v any) (int, bool) {
	if f, ok := v.(float64); ok {
		return int(f), true
	}
	if v != nil {
		fmt.Fprintf(os.Stderr, "only numbers and null are values here, got %v\n", v)
		os.Exit(2)
	}
	return null, false
}

func toInput(m map[string]any) input {
	in := input{f: m["f"].(string)}
	in.value, _ = number(m["value"])
	in.from, _ = number(m["from"])
	in.to, _ = number(m["to"])
	var ok bool
	in.expected, ok = number(m["expectedVersion"])
	in.expectedIsNull = !ok
	return in
}

func toOutput(raw json.RawMessage, known bool) output {
	if !known {
		return output{unknown: true}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	switch x := v.(type) {
	case nil:
		return output{isNull: true, value: null}
	case float64:
		return output{value: int(x)}
	case bool:
		return output{flag: x}
	case map[string]any:
		out := output{}
		if u, ok := x["updated"].(bool); ok {
			out.flag = u
		}
		if n, ok := number(x["version"]); ok {
			out.version = n
		}
		out.value, _ = number(x["value"])
		out.isNull = x["value"] == nil
		return out
	}
	return output{}
}

var casRegister = porcupine.Model{
	Init: func() any { return null },
	Step: func(state, in, out any) (bool, any) {
		st, i, o := state.(int), in.(input), out.(output)
		switch i.f {
		case "read":
			return o.unknown || o.value == st, st
		case "write":
			return true, i.value
		default: // cas
			next := st
			if st == i.from {
				next = i.to
			}
			return o.unknown || o.flag == (st == i.from), next
		}
	},
}

var versionedRegister = porcupine.Model{
	Init: func() any { return versioned{version: 0, value: null, isNull: true} },
	Step: func(state, in, out any) (bool, any) {
		st, i, o := state.(versioned), in.(input), out.(output)
		if i.f == "read" {
			return o.unknown || (o.version == st.version && o.value == st.value && o.isNull == st.isNull), st
		}
		matches := i.expectedIsNull || st.version == i.expected
		next := st
		if matches {
			next = versioned{version: st.version + 1, value: i.value, isNull: i.value == null}
		}
		return o.unknown || o.flag == matches, next
	},
}

func main() {
	timeout := 60 * time.Second
	files := os.Args[1:]
	if len(files) > 0 && len(files[0]) > 10 && files[0][:10] == "--timeout=" {
		seconds, _ := strconv.Atoi(files[0][10:])
		timeout = time.Duration(seconds) * time.Second
		files = files[1:]
	}
	for _, file := range files {
		bytes, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var h history
		if err := json.Unmarshal(bytes, &h); err != nil {
			fmt.Fprintln(os.Stderr, file, err)
			os.Exit(2)
		}
		// After every call and every known return: an unknown outcome may take effect until then.
		var end int64
		for _, op := range h.Ops {
			if op.Call > end {
				end = op.Call
			}
			if op.Known && op.Return > end {
				end = op.Return
			}
		}
		ops := make([]porcupine.Operation, 0, len(h.Ops))
		for _, op := range h.Ops {
			ret := op.Return
			if !op.Known {
				ret = end + 1 // an unknown outcome may take effect until the end of the history
			}
			ops = append(ops, porcupine.Operation{ClientId: op.Client, Input: toInput(op.Input), Call: op.Call, Output: toOutput(op.Output, op.Known), Return: ret})
		}
		model := casRegister
		if h.Model == "versioned-register" {
			model = versionedRegister
		}
		start := time.Now()
		result := porcupine.CheckOperationsTimeout(model, ops, timeout)
		elapsed := time.Since(start)
		verdict := map[porcupine.CheckResult]string{porcupine.Ok: "valid", porcupine.Illegal: "invalid", porcupine.Unknown: "unknown"}[result]
		fmt.Printf("%s %.4f\n", verdict, float64(elapsed.Microseconds())/1000)
	}
}
