#!/usr/bin/env bash
# Builds kube-apiserver and kubectl of one pinned Kubernetes version from the Go module proxy.
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local paths, so
# `go install pkg@version` refuses it; a wrapper module replaces each staging module with v0.Y.Z instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$here/require-go.sh"
OUT=${OUT:-$root/.cache/control-plane/$K8S_VERSION}
if [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/kubectl" ]; then
  echo "control-plane: kube-apiserver and kubectl $K8S_VERSION cached in $OUT"
  exit 0
fi
require_go
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cd "$WORK"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
echo "control-plane: [1/3] reading k8s.io/kubernetes $K8S_VERSION go.mod from the module proxy"
go mod init local.invalid/k8s-bins >/dev/null 2>&1
UPSTREAM_MOD=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
[ -f "$UPSTREAM_MOD" ] || { echo "control-plane: could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy" >&2; exit 1; }
GO_LINE=$(awk '$1=="go"{print $2; exit}' "$UPSTREAM_MOD")
GODEBUG_LINE=$(grep -E '^godebug ' "$UPSTREAM_MOD" || true)
MODS=$(sed -n 's|^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/k8s\.io/.*|\1|p' "$UPSTREAM_MOD")
{
  echo "module local.invalid/k8s-bins"; echo
  echo "go $GO_LINE"; echo
  if [ -n "$GODEBUG_LINE" ]; then echo "$GODEBUG_LINE"; echo; fi
  echo "require k8s.io/kubernetes $K8S_VERSION"; echo
  echo "replace ("
  for m in $MODS; do printf '\t%s => %s %s\n' "$m" "$m" "$STAGING_VERSION"; done
  echo ")"
} > go.mod
echo "control-plane: [2/3] wrapper go.mod replaces $(echo "$MODS" | wc -w) staging modules with $STAGING_VERSION"
LDF="-s -w -buildid="
for kv in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$MINOR" gitTreeState=clean \
  "buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; do
  LDF="$LDF -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
done
echo "control-plane: [3/3] compiling kube-apiserver and kubectl (cold: 10-20 min on 2 cores)"
go build -p 2 -trimpath -tags selinux,notest -ldflags "$LDF" -o "$OUT/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
"$OUT/kube-apiserver" --version
