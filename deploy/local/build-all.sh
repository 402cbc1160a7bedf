#!/usr/bin/env bash
# Builds (once) every pinned control-plane binary; a second run only checks the cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/build-etcd.sh"
bash "$here/build-k8s-bins.sh"
bash "$here/build-helm.sh"
