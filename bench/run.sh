#!/usr/bin/env bash
# One command for the whole benchmark suite:
#   bench/run.sh [scenario...]        scenarios: interleaved idle fanout capacity storm rooms documents (default: all)
# Installs deps (npm ci, gnuplot via apt if missing), builds the WAR, fetches Payara Micro and
# WildFly through Maven, then runs every server in turn on 127.0.0.1 with the same load tool and
# writes bench/results/<run>/*.json and bench/RESULTS.md (+ PNG charts).
# Knobs (env): BENCH_SERVERS, BENCH_SSE, FANOUT_SECONDS, FANOUT_REPEAT, IDLE_N, CAPACITY_SUBS,
# CAPACITY_RATES, STORM_SUBS, ROOMS, DOCS_REPEAT, DOCS_PROCS, BENCH_JFR=1 (JFR during the first Tandem fan-out repetition),
# BENCH_SKIP_BUILD=1 (reuse /tmp/build-bench/tandem.war), BENCH_PAYARA_PREBOOT=none|<file>,
# BENCH_WS_AUTH=hello|query (join token in the first frame, default, or in the URL), BENCH_TANDEM=ws|sse (one
# transport only), BENCH_JAVA_HOME=<jdk> (the JDK both Java servers run on; default: java on PATH). See bench/README.md.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
SERVERS_DIR="${BENCH_SERVERS_DIR:-/tmp/bench-servers}"
BUILD_DIR="${BENCH_BUILD_DIR:-/tmp/build-bench}"
export BENCH_SERVERS_DIR="$SERVERS_DIR" BENCH_WAR="$BUILD_DIR/tandem.war" BENCH_FLOOR_WAR="$BUILD_DIR/floor/floor.war"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 || true
echo "[run] open files limit: $(ulimit -n)"

cd "$BENCH_DIR"
npm ci --no-audit --no-fund --loglevel=error
# the documents scenario's Tandem clients are the test suite's real @automerge/automerge clients
(cd "$REPO_DIR/src/test/js" && npm ci --no-audit --no-fund --loglevel=error)

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "[run] installing gnuplot-nox (charts)"
  (apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q gnuplot-nox >/dev/null; }) \
    || echo "[run] gnuplot unavailable: RESULTS.md will have tables but no charts"
fi

# The WAR and the Java servers are needed only when BENCH_SERVERS (default: every server) names them.
wants() { [[ ",${BENCH_SERVERS:-payara,wildfly}," == *",$1,"* ]]; }
if { wants payara || wants wildfly; } && [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$BENCH_WAR" ]]; then
  echo "[run] building the WAR"
  (cd "$REPO_DIR" && mvn -B -q package -DskipTests -Dbuild.dir="$BUILD_DIR")
fi
if { wants payara || wants wildfly; } && [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$BENCH_FLOOR_WAR" ]]; then
  # the idle scenario's floor: a bare JSR-356 echo endpoint deployed beside Tandem (bench/floor)
  (cd "$BENCH_DIR/floor" && mvn -B -q package -Dbuild.dir="$BUILD_DIR/floor")
fi
mkdir -p "$SERVERS_DIR"
if wants payara && [[ ! -f "$SERVERS_DIR/payara-micro-6.2025.10.jar" ]]; then
  (cd "$REPO_DIR" && mvn -B -q dependency:copy -Dartifact=fish.payara.extras:payara-micro:6.2025.10 -DoutputDirectory="$SERVERS_DIR")
fi
if wants wildfly && [[ ! -x "$SERVERS_DIR/wildfly-39.0.1.Final/bin/standalone.sh" ]]; then
  (cd "$REPO_DIR" && mvn -B -q dependency:copy -Dartifact=org.wildfly:wildfly-dist:39.0.1.Final:zip -DoutputDirectory="$SERVERS_DIR")
  unzip -q -o "$SERVERS_DIR/wildfly-dist-39.0.1.Final.zip" -d "$SERVERS_DIR"
fi

RUN_ID="${BENCH_RUN_ID:-$(date -u +%Y%m%dT%H%M%S)}"
export BENCH_RUN_ID="$RUN_ID"
node "$BENCH_DIR/lib/bench.mjs" "$@"
node "$BENCH_DIR/lib/report.mjs" "$BENCH_DIR/results/$RUN_ID" ${BENCH_EXTRA_RUNS:-}
echo "[run] results: $BENCH_DIR/results/$RUN_ID, summary: $BENCH_DIR/RESULTS.md"
