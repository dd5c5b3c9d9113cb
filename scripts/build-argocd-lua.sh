#!/usr/bin/env bash
# Builds monitoring/argocd/lua-runner (argocd-lua): gopher-lua, the Lua interpreter Argo CD embeds,
# set up as Argo CD runs a health check, for the tests of monitoring/argocd/health.lua. Its one
# dependency comes through the Go module proxy (go.sum pins it). Cached by the hash of its sources,
# beside the Kubernetes binaries. Idempotent. Prints the binary's path on its last line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/monitoring/argocd/lua-runner"
hash=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
cache=${FRAPPE_ADMISSION_ARGOCD_LUA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/frappe-admission/argocd-lua/$hash}
bin="$cache/argocd-lua"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build-argocd-lua: go is not on PATH" >&2; exit 1; }
mkdir -p "$cache"
echo "build-argocd-lua: building $src" >&2
(cd "$src" && GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -o "$bin.partial" .)
mv "$bin.partial" "$bin"
echo "$bin"
