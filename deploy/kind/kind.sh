#!/usr/bin/env bash
# Runs the operator in a kind cluster, for users who have Docker (our CI has no Docker engine and uses the
# local control plane of deploy/local/ instead).
#
#   kind.sh up       create the kind cluster from kind-config.yaml (no-op when it exists)
#   kind.sh deploy   docker build the image, kind load it, helm upgrade --install the chart
#   kind.sh down     delete the kind cluster
#
# Needs docker, kind, kubectl and helm on PATH (helm also comes from `make control-plane`, see below).
# Environment: KIND_CLUSTER (agent-pacing), IMAGE (agent-pacing-operator:dev), NAMESPACE (pacing-system),
# RELEASE (agent-pacing-operator), HELM_ARGS (extra arguments for helm, e.g. "--set shards=2").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/deploy/local/versions.env"
KIND_CLUSTER=${KIND_CLUSTER:-agent-pacing}
IMAGE=${IMAGE:-agent-pacing-operator:dev}
NAMESPACE=${NAMESPACE:-pacing-system}
RELEASE=${RELEASE:-agent-pacing-operator}
HELM_ARGS=${HELM_ARGS:-}

log() { echo "kind: $*" >&2; }

need() {
  command -v "$1" >/dev/null 2>&1 || { log "$1 is not on PATH; $2"; exit 1; }
}

helm_bin() {
  local built="$root/.cache/control-plane/helm-$HELM_VERSION/helm"
  if [ -x "$built" ]; then echo "$built"; elif command -v helm >/dev/null 2>&1; then command -v helm; else
    log "helm not found: run 'make control-plane' or install helm"; exit 1
  fi
}

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; }

up() {
  need docker "install Docker first (https://docs.docker.com/get-docker/)"
  need kind "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/)"
  if cluster_exists; then log "cluster $KIND_CLUSTER already exists"; else
    kind create cluster --name "$KIND_CLUSTER" --config "$here/kind-config.yaml" --wait 120s
  fi
  kubectl config use-context "kind-$KIND_CLUSTER" >/dev/null
  log "ready: kubectl context kind-$KIND_CLUSTER"
}

deploy() {
  need docker "install Docker first"
  need kind "install kind"
  need kubectl "install kubectl or run 'make cluster-up' for the one in .cache/"
  cluster_exists || { log "no cluster $KIND_CLUSTER: run 'make kind-up' first"; exit 1; }
  [ -d "$root/crds" ] || { log "crds/ is missing: run 'make crds' first"; exit 1; }
  log "building $IMAGE"
  docker build -t "$IMAGE" "$root"
  log "loading $IMAGE into $KIND_CLUSTER"
  kind load docker-image "$IMAGE" --name "$KIND_CLUSTER"
  local repo=${IMAGE%:*} tag=${IMAGE##*:}
  # shellcheck disable=SC2086 # HELM_ARGS is a list of words on purpose
  "$(helm_bin)" upgrade --install "$RELEASE" "$root/charts/agent-pacing-operator" \
    --kube-context "kind-$KIND_CLUSTER" --namespace "$NAMESPACE" --create-namespace \
    --set image.repository="$repo" --set image.tag="$tag" --set image.pullPolicy=Never \
    --wait --timeout 180s $HELM_ARGS
  kubectl --context "kind-$KIND_CLUSTER" -n "$NAMESPACE" get pods,leases
}

down() {
  need kind "install kind"
  if cluster_exists; then kind delete cluster --name "$KIND_CLUSTER"; else log "no cluster $KIND_CLUSTER"; fi
}

case "${1:-}" in
  up) up ;;
  deploy) deploy ;;
  down) down ;;
  *) echo "usage: $0 up|deploy|down" >&2; exit 2 ;;
esac
