#!/usr/bin/env bash
# Builds promtool (cmd/promtool of the Go module github.com/prometheus/prometheus) through the Go
# module proxy, for the monitoring tests (`promtool check rules`, `promtool test rules`). v0.316.0
# is the only v0.316 patch the proxy serves (`go list -m -versions`); the module's v0.316.x is
# Prometheus 3.16.x. Built with the tag remove_all_sd: promtool's rule checks and rule unit tests
# need no service discovery, and leaving out the cloud SDKs of every discovery plugin (the module's
# own build tags, plugins/*.go) saves most of the compile time. Cached beside the Kubernetes binaries
# of build-k8s.sh. Idempotent: does nothing when the binary is cached. Prints the binary's path on its
# last line. Cold: about 6.5 minutes of compiling on 2 cores (measured with an empty build cache), plus
# the module downloads.
set -euo pipefail

PROMETHEUS_MODULE_VERSION=v0.316.0
cache=${FRAPPE_ADMISSION_PROMTOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/frappe-admission/promtool/$PROMETHEUS_MODULE_VERSION}
bin="$cache/bin/promtool"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build-promtool: go is not on PATH" >&2; exit 1; }
mkdir -p "$cache/bin"
started=$(date +%s)
echo "build-promtool: building github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" >&2
# `go install pkg@version` runs outside any module: GOFLAGS=-mod=mod (set by some environments)
# would be rejected there.
GOFLAGS= CGO_ENABLED=0 GOBIN="$cache/build" go install -trimpath -tags remove_all_sd -ldflags "-s -w" \
  "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION"
# Rename only a finished binary, so an interrupted build is never mistaken for a cached one.
mv "$cache/build/promtool" "$bin"
rmdir "$cache/build" 2>/dev/null || true
echo "build-promtool: done in $(( $(date +%s) - started ))s" >&2
echo "$bin"
