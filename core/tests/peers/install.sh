#!/usr/bin/env bash
# Installs the WebSocket clients the loopback tests run against the echo
# servers, into DIR (the tests pass a folder under target/): Python's
# websockets from PyPI and Node's ws from the npm registry, pinned. Does
# nothing for a client already there.
set -euo pipefail
dir=${1:?usage: install.sh DIR}
mkdir -p "$dir"
if [ ! -d "$dir/python/websockets" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$dir/python" "websockets==17.4"
fi
if [ ! -d "$dir/node/node_modules/ws" ]; then
    npm install --silent --no-audit --no-fund --prefix "$dir/node" "ws@8.23.0" > /dev/null
fi
