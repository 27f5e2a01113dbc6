#!/usr/bin/env bash
# Time from `bin/run` to the first accepted WebSocket connection (HTTP 101 on /api/realtime with a minted token).
cd "$(dirname "$0")/.."  # repository root: bin/run lives there
# Usage: bench/time-to-first-connection.sh [build-dir]   (a new build dir measures a cold build)
set -u
export TANDEM_PORT=${TANDEM_PORT:-18480} TANDEM_API_KEY=measure-key TANDEM_BUILD_DIR=${1:-/tmp/build-run}
start=$(date +%s.%N)
bin/run > "$TANDEM_BUILD_DIR-run.log" 2>&1 &
pid=$!
for attempt in $(seq 1 1500); do  # bounded: at most ~10 minutes
  kill -0 $pid 2>/dev/null || { echo "bin/run exited (see $TANDEM_BUILD_DIR-run.log)"; exit 1; }
  tok=$(curl -s -m 2 -XPOST http://127.0.0.1:${TANDEM_PORT}/api/v1/tokens -H "Authorization: Bearer measure-key" -H 'Content-Type: application/json' -d '{"identity":"m","rooms":["r1"]}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  if [ -n "$tok" ]; then
    code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' --http1.1 -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" "http://127.0.0.1:${TANDEM_PORT}/api/realtime?token=$tok")
    [ "$code" = "101" ] && break
  fi
  sleep 0.2
done
end=$(date +%s.%N)
[ "${code:-}" = "101" ] || { echo "no WebSocket accepted"; kill -TERM $pid; exit 1; }
echo "first accepted WebSocket after $(echo "$end - $start" | bc) s"
kill -TERM $pid; wait $pid 2>/dev/null
