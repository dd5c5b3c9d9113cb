#!/usr/bin/env bash
# Caches cert-manager's own CRDs (deploy/crds of its Go module, fetched through the Go module proxy
# with `go mod download`, like the Kubernetes binaries of build-k8s.sh), so tests validate the chart's
# Issuers and Certificates against the real schemas. Idempotent: does nothing when cached.
# Prints the directory of the CRD files on its last line.
set -euo pipefail

CERT_MANAGER_VERSION=v1.21.2
cache=${FRAPPE_ADMISSION_CERT_MANAGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/frappe-admission/cert-manager/$CERT_MANAGER_VERSION}
crds="$cache/crds"

if [ -f "$crds/.complete" ]; then
  echo "$crds"
  exit 0
fi

command -v go >/dev/null || { echo "cert-manager-crds: go is not on PATH" >&2; exit 1; }
echo "cert-manager-crds: downloading github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" >&2
# Outside any module: GOFLAGS=-mod=mod (set by some environments) would be rejected here.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$(cd "$tmp" && GOFLAGS= go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir/deploy/crds" ] || { echo "cert-manager-crds: no deploy/crds in $dir" >&2; exit 1; }
mkdir -p "$crds"
cp "$dir"/deploy/crds/*.yaml "$crds/"
touch "$crds/.complete"
echo "$crds"
