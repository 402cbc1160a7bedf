#!/usr/bin/env bash
# Builds helm with `go install` (helm's go.mod has no replace directives, so this works as is).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$here/require-go.sh"
OUT=${OUT:-$root/.cache/control-plane/helm-$HELM_VERSION}
if [ -x "$OUT/helm" ]; then echo "control-plane: helm $HELM_VERSION cached in $OUT"; exit 0; fi
require_go
major=${HELM_VERSION%%.*}
mkdir -p "$OUT"
echo "control-plane: compiling helm $HELM_VERSION"
CGO_ENABLED=0 GOBIN="$OUT" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/$major/internal/version.version=$HELM_VERSION -X helm.sh/helm/$major/internal/version.metadata=" \
  "helm.sh/helm/$major/cmd/helm@$HELM_VERSION"
"$OUT/helm" version --short
