#!/usr/bin/env bash
# Builds the Kubernetes binaries the integration tests and `npm run dev` run, from their Go
# modules through the Go module proxy (no Docker engine, no release tarballs here):
# kube-apiserver, kube-controller-manager, kubectl (tools/k8s), etcd (tools/etcd) and helm.
# Idempotent: does nothing when every binary is already in the cache directory.
# Cold: about 6.5 minutes on 2 cores. Prints the bin directory on its last line.
set -euo pipefail

K8S_VERSION=v1.34.3
ETCD_VERSION=v3.6.4
HELM_VERSION=v3.19.0
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${FRAPPE_ADMISSION_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/frappe-admission/k8s/$K8S_VERSION}
bin="$cache/bin"
binaries=(kube-apiserver kube-controller-manager kubectl etcd helm)

missing=()
for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build-k8s: go is not on PATH (Go >= 1.24 is needed)" >&2; exit 1; }
mkdir -p "$bin"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

started=$(date +%s)
for b in "${missing[@]}"; do
  echo "build-k8s: building $b ($(( $(date +%s) - started ))s elapsed)" >&2
  case "$b" in
    etcd)
      (cd "$root/tools/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin/etcd.partial" .) ;;
    helm)
      GOBIN="$cache/helm-build" go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
      mv "$cache/helm-build/helm" "$bin/helm.partial" ;;
    *)
      (cd "$root/tools/k8s" && go build -trimpath -ldflags "-s -w$version_flags" -o "$bin/$b.partial" "./$b") ;;
  esac
  # Rename only a finished binary, so an interrupted build is never mistaken for a cached one.
  mv "$bin/$b.partial" "$bin/$b"
done
echo "build-k8s: done in $(( $(date +%s) - started ))s: ${missing[*]}" >&2
echo "$bin"
