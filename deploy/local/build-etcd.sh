#!/usr/bin/env bash
# Builds etcd from go.etcd.io/etcd/server/v3 through a wrapper module (its go.mod has path replaces,
# so `go install` refuses it; a dependency's replaces are ignored, so the wrapper needs none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$here/require-go.sh"
OUT=${OUT:-$root/.cache/control-plane/etcd-$ETCD_VERSION}
if [ -x "$OUT/etcd" ]; then echo "control-plane: etcd $ETCD_VERSION cached in $OUT"; exit 0; fi
require_go
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cd "$WORK"
printf 'module local.invalid/etcd-bin\n\ngo 1.25.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > go.mod
echo "control-plane: compiling etcd $ETCD_VERSION"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION-modbuild" \
  -o "$OUT/etcd" go.etcd.io/etcd/server/v3
"$OUT/etcd" --version | head -1
