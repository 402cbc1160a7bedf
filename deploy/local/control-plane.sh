#!/usr/bin/env bash
# Runs a real local Kubernetes control plane (etcd + kube-apiserver) as plain processes, the way
# controller-runtime's envtest does: free loopback ports, generated certificates, an admin credential.
#
#   control-plane.sh up RUN_DIR              build if needed, start, wait for /readyz, write RUN_DIR/kubeconfig
#   control-plane.sh down RUN_DIR            stop the processes this script started and remove RUN_DIR
#   control-plane.sh restart-apiserver RUN_DIR [PAUSE_SECONDS]   stop and start kube-apiserver (same port)
#   control-plane.sh restart-etcd RUN_DIR [PAUSE_SECONDS]        stop and start etcd (same port and data)
#   control-plane.sh bin-dir                 print the directory holding kube-apiserver and kubectl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/versions.env"
K8S_BIN=${K8S_BIN:-$root/.cache/control-plane/$K8S_VERSION}
ETCD_BIN=${ETCD_BIN:-$root/.cache/control-plane/etcd-$ETCD_VERSION}
READY_TIMEOUT=${READY_TIMEOUT:-90}

log() { echo "control-plane: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

gen_pki() {
  local d=$1/pki
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 7 -subj "/CN=pacing-local-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n" > srv.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 7 -extfile srv.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" 2>/dev/null
    printf "extendedKeyUsage=clientAuth\n" > cli.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 7 -extfile cli.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
  )
}

start_etcd() {
  local run=$1
  . "$run/ports.env"
  setsid "$ETCD_BIN/etcd" --name=default --data-dir="$run/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$PEER_PORT" --unsafe-no-fsync=true --log-level=warn \
    >>"$run/etcd.log" 2>&1 </dev/null &
  echo $! > "$run/etcd.pid"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -sf "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1; do
    [ $SECONDS -lt "$deadline" ] || { log "etcd not healthy after ${READY_TIMEOUT}s; see $run/etcd.log"; return 1; }
    kill -0 "$(cat "$run/etcd.pid")" 2>/dev/null || { log "etcd exited; see $run/etcd.log"; tail -5 "$run/etcd.log" >&2; return 1; }
    sleep 0.2
  done
}

start_apiserver() {
  local run=$1 d=$1/pki
  . "$run/ports.env"
  setsid "$K8S_BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" --cert-dir="$d" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" --authorization-mode=RBAC \
    --service-account-issuer="https://127.0.0.1:$API_PORT" \
    --service-account-key-file="$d/sa.key" --service-account-signing-key-file="$d/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount --advertise-address=127.0.0.1 \
    --storage-media-type=application/json --v=0 \
    >>"$run/apiserver.log" 2>&1 </dev/null &
  echo $! > "$run/apiserver.pid"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -sf --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key" \
      "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; do
    [ $SECONDS -lt "$deadline" ] || { log "kube-apiserver not ready after ${READY_TIMEOUT}s; see $run/apiserver.log"; return 1; }
    kill -0 "$(cat "$run/apiserver.pid")" 2>/dev/null || { log "kube-apiserver exited; see $run/apiserver.log"; tail -5 "$run/apiserver.log" >&2; return 1; }
    sleep 0.3
  done
}

stop_pid() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

write_kubeconfig() {
  local run=$1
  . "$run/ports.env"
  cat > "$run/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: pacing-local
    cluster:
      server: https://127.0.0.1:$API_PORT
      certificate-authority: $run/pki/ca.crt
users:
  - name: admin
    user:
      client-certificate: $run/pki/admin.crt
      client-key: $run/pki/admin.key
contexts:
  - name: pacing-local
    context: { cluster: pacing-local, user: admin }
current-context: pacing-local
KUBECONFIG
}

cmd=${1:-}
case "$cmd" in
  bin-dir) echo "$K8S_BIN" ;;
  up)
    run=${2:?usage: control-plane.sh up RUN_DIR}
    bash "$here/build-all.sh" >&2
    mkdir -p "$run"; run=$(cd "$run" && pwd)
    if [ -f "$run/apiserver.pid" ] && kill -0 "$(cat "$run/apiserver.pid")" 2>/dev/null; then
      log "already running in $run"; echo "$run/kubeconfig"; exit 0
    fi
    gen_pki "$run"
    printf 'ETCD_PORT=%s\nPEER_PORT=%s\nAPI_PORT=%s\n' "$(free_port)" "$(free_port)" "$(free_port)" > "$run/ports.env"
    trap 'stop_pid "$run/apiserver.pid"; stop_pid "$run/etcd.pid"' ERR
    log "starting etcd"; start_etcd "$run"
    log "starting kube-apiserver"; start_apiserver "$run"
    trap - ERR
    write_kubeconfig "$run"
    log "ready: kube-apiserver $K8S_VERSION on https://127.0.0.1:$(. "$run/ports.env"; echo "$API_PORT")"
    echo "$run/kubeconfig"
    ;;
  down)
    run=${2:?usage: control-plane.sh down RUN_DIR}
    [ -d "$run" ] || exit 0
    stop_pid "$run/apiserver.pid"; stop_pid "$run/etcd.pid"
    rm -rf "$run"
    ;;
  restart-apiserver)
    run=${2:?}; pause=${3:-0}
    stop_pid "$run/apiserver.pid"; sleep "$pause"; start_apiserver "$run"
    ;;
  restart-etcd)
    run=${2:?}; pause=${3:-0}
    stop_pid "$run/etcd.pid"; sleep "$pause"; start_etcd "$run"
    ;;
  *) echo "usage: control-plane.sh up|down|restart-apiserver|restart-etcd RUN_DIR | bin-dir" >&2; exit 2 ;;
esac
