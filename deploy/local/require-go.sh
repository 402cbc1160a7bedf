# Sourced by the build scripts: stops with one clear line when the Go toolchain or module proxy is missing.
require_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "control-plane: Go 1.24+ is required to build the local control plane, and 'go' is not on PATH" >&2
    exit 1
  fi
  local v
  v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  case "$v" in
    1.2[4-9]*|1.[3-9]*|[2-9].*) ;;
    *) echo "control-plane: Go 1.24+ is required, found '${v:-unknown}'" >&2; exit 1 ;;
  esac
  if [ "$(go env GOPROXY)" = "off" ]; then
    echo "control-plane: the Go module proxy is off (GOPROXY=off); set GOPROXY to reach it" >&2
    exit 1
  fi
}
