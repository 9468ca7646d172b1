#!/usr/bin/env bash
# Publishes the Native AOT sample and runs it: internal mode in-process (also with the durable inbox on SQLite: replay
# on connect, read state), then external mode against the reference
# Node `ws` server (tests/peers/ws-server.mjs, which sends 3 events on connect for the app's own handling strategy), each
# with a typed Data payload. Fails on any trim/AOT warning (warnings are errors) or a non-zero exit. Needs `npm ci` in
# tests/peers first.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/aot
rm -rf "$out"
dotnet publish samples/Notify.WebSocket.AotSample -c Release -o "$out"
echo "native binary: $(stat -c %s "$out/Notify.WebSocket.AotSample") bytes"

echo "::: AOT sample, internal mode"
"$out/Notify.WebSocket.AotSample"

echo "::: AOT sample, external ws against the Node peer"
port_file=$(mktemp)
# The peer exits when its stdin closes: hold it open on a descriptor of this shell, close it to stop the peer.
exec {peer}> >(cd tests/peers && exec node ws-server.mjs --burst 3 > "$port_file")
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$port_file" | head -1)
[ -n "$port" ] || { echo "the ws peer did not start"; exit 1; }
status=0
"$out/Notify.WebSocket.AotSample" --Notifications:External:url "ws://127.0.0.1:$port/ws" || status=$?
exec {peer}>&-
rm -f "$port_file"
exit "$status"
