// Command argocd-lua runs an Argo CD resource health check (Lua) the way Argo CD runs it, for the
// tests of monitoring/argocd/health.lua: gopher-lua (the interpreter Argo CD embeds), only the
// libraries Argo CD opens for a health script from argocd-cm (package, base, table; no string, no
// os, unless useOpenLibs), the object as the global `obj` (JSON objects as tables, arrays as
// sequences from 1, null as nil), a 1 s limit, and the result read as Argo CD reads it: a table
// {status, message}, nil for no status, anything else an error.
//
// Usage: argocd-lua HEALTH.lua < objects.json, where objects.json is a JSON array of objects; it
// prints a JSON array with one {"status","message"} or {"error"} per object.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
)

type result struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// toLua converts a decoded JSON value as Argo CD's decodeValue does.
func toLua(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		table := l.CreateTable(len(v), 0)
		for _, item := range v {
			table.Append(toLua(l, item))
		}
		return table
	case map[string]any:
		table := l.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetH(lua.LString(key), toLua(l, item))
		}
		return table
	}
	return lua.LNil
}

var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

func run(script string, object any) result {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return result{Error: err.Error()}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, object))
	if err := l.DoString(script); err != nil {
		return result{Error: err.Error()}
	}
	returned := l.Get(-1)
	switch returned.Type() {
	case lua.LTNil:
		return result{}
	case lua.LTTable:
		table := returned.(*lua.LTable)
		status, message := table.RawGetString("status"), table.RawGetString("message")
		out := result{}
		if s, ok := status.(lua.LString); ok {
			out.Status = string(s)
		}
		if m, ok := message.(lua.LString); ok {
			out.Message = string(m)
		} else if message != lua.LNil {
			return result{Error: fmt.Sprintf("message is a %s, not a string", message.Type())}
		}
		if !validStatuses[out.Status] {
			// What Argo CD shows for a status it does not know.
			return result{Status: "Unknown", Message: "Lua returned an invalid health status"}
		}
		return out
	}
	return result{Error: fmt.Sprintf("expect table output from Lua script, not %s", returned.Type())}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: argocd-lua HEALTH.lua < objects.json")
		os.Exit(2)
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var objects []any
	if err := json.NewDecoder(os.Stdin).Decode(&objects); err != nil {
		fmt.Fprintln(os.Stderr, "objects.json:", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(objects))
	for _, object := range objects {
		results = append(results, run(string(script), object))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
