#!/usr/bin/env bash
# Runs one in-process probe against the project's compiled classes (no server):
#   bench/probes/run.sh HistoryMemory 100000   heap retained per history event (the bench's payload)
#   bench/probes/run.sh SnapshotCost           time per fresh subscribe with a 50-event snapshot
#   bench/probes/run.sh TopicChurn 100000 10 0          heap kept by 100,000 rooms of 10 events, no bound
#   bench/probes/run.sh TopicChurn 100000 10 33554432   the same with history.totalMaxBytes = 32 MiB
# PROBE_BUILD_DIR: the build directory to measure (default /tmp/build-probe, compiled from this checkout).
set -euo pipefail
PROBES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$(dirname "$PROBES")")"
BUILD="${PROBE_BUILD_DIR:-/tmp/build-probe}"
cd "$REPO"
[[ -n "${PROBE_BUILD_DIR:-}" ]] || mvn -B -q -Dstyle.color=never compile -Dbuild.dir="$BUILD" >/dev/null 2>&1 || { echo "probe: mvn compile failed" >&2; exit 1; }
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$BUILD/probe-classpath.txt" >/dev/null 2>&1 \
  || { echo "probe: mvn dependency:build-classpath failed" >&2; exit 1; }
CP="$BUILD/classes:$(cat "$BUILD/probe-classpath.txt")"
mkdir -p "$BUILD/probes"
javac -d "$BUILD/probes" -cp "$CP" "$PROBES/$1.java"
exec java -Xmx1g -cp "$BUILD/probes:$CP" "$@"
