// Orchestrator: for each server in turn, start it, run the chosen scenarios against every system it
// serves, stop it. Writes results/<run>/results.json (everything) and one JSON per measurement.
//
// usage: node lib/bench.mjs [scenario...]   scenarios: interleaved idle fanout capacity storm rooms documents (default: all)
// `interleaved` is the fan-out with every message server up at once and the systems taking turns within each
// repetition (rotating order), so peers and Tandem share the same background load: its ratios are the fair ones.
// env:   BENCH_SERVERS=ws-relay,socketio,hocuspocus,automerge-repo,payara,wildfly  DOCS_REPEAT=3  DOCS_PROCS=10,2   FANOUT_SECONDS=20  FANOUT_REPEAT=3
//        IDLE_N=5000  CAPACITY_SUBS=500,1000  CAPACITY_RATES=50,100,200,400  CAPACITY_SECONDS=10
//        STORM_SUBS=1000  ROOMS=200  ROOM_SUBS=10  ROOM_RATE=5  BENCH_SSE=payara,wildfly
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, API_KEY, JAVA } from './servers.mjs';
import { openSession, measure, idle } from './load.mjs';
import { converge } from './documents.mjs';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = (k, d) => process.env[k] ?? d;
const list = (k, d) => env(k, d).split(',').map((s) => s.trim()).filter(Boolean);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ALL = ['interleaved', 'idle', 'fanout', 'capacity', 'storm', 'rooms', 'documents'];
// Which scenarios each peer takes part in: the message peers have no documents, Hocuspocus and automerge-repo
// only have documents.
const PEER_SCENARIOS = { 'ws-relay': ['interleaved', 'idle', 'fanout', 'capacity', 'rooms'],
  socketio: ['interleaved', 'idle', 'fanout', 'capacity', 'rooms'],
  hocuspocus: ['documents'], 'automerge-repo': ['documents'] };
const runs = (server, scenario) => scenarios.includes(scenario) && (PEER_SCENARIOS[server]?.includes(scenario) ?? true);
const scenarios = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const s of scenarios) if (!ALL.includes(s)) { console.error(`unknown scenario ${s}; known: ${ALL.join(' ')}`); process.exit(2); }
const servers = list('BENCH_SERVERS', 'ws-relay,socketio,hocuspocus,automerge-repo,payara,wildfly')
  .filter((name) => scenarios.some((sc) => runs(name, sc)));
const sseOn = list('BENCH_SSE', 'payara,wildfly');
const runId = env('BENCH_RUN_ID', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
const outDir = path.join(benchDir, 'results', runId);
const logDir = path.join('/tmp', `tandem-bench-logs-${runId}`);
fs.mkdirSync(outDir, { recursive: true });
fs.mkdirSync(logDir, { recursive: true });
const serversDir = env('BENCH_SERVERS_DIR', '/tmp/bench-servers');
const war = env('BENCH_WAR', '/tmp/build-bench/tandem.war');

const sh = (c) => { try { return execSync(c, { encoding: 'utf8' }).trim(); } catch (e) { return `(${c} failed)`; } };
const results = {
  runId, scenarios, servers,
  machine: {
    nproc: os.cpus().length, cpuModel: os.cpus()[0]?.model, memTotalGb: +(os.totalmem() / 2 ** 30).toFixed(1),
    free: sh('free -h'), java: sh(`${JAVA} -version 2>&1 | head -1`), node: process.version, loadavgAtStart: os.loadavg(),
    ulimitN: sh('ulimit -n'), gitCommit: sh(`git -C ${benchDir} rev-parse --short HEAD`),
  },
  config: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(FANOUT|IDLE|CAPACITY|STORM|ROOM|BENCH)_/.test(k))),
  runs: [],
};
const save = () => fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 1));
function record(entry) {
  results.runs.push(entry);
  const name = `${entry.scenario}-${entry.system}@${entry.server}${entry.label ? '-' + entry.label : ''}.json`.replace(/[^\w@.,-]/g, '_');
  fs.writeFileSync(path.join(outDir, name), JSON.stringify(entry, null, 1));
  save();
  const l = entry.result?.latencyMs;
  console.log(`[bench] ${entry.scenario} ${entry.system}@${entry.server} ${entry.label || ''}: ` +
    (entry.error ? `ERROR ${entry.error}` : l ? `p50 ${l.p50} p99 ${l.p99} max ${l.max} ms, lost ${entry.result.lost}, dup ${entry.result.duplicates}, cpu ${entry.result.server.cpuPct}%, rss ${entry.result.server.rssPeakMb} MB${entry.result.stalls ? `, messages late >5 ms ${entry.result.stalls.over5ms}, >10 ms ${entry.result.stalls.over10ms}` : ''}`
      : JSON.stringify(entry.result).slice(0, 300)));
}

// BENCH_TANDEM=sse (or ws) measures Tandem over that transport only.
const tandemTransports = list('BENCH_TANDEM', 'ws,sse');
const systemsOf = (server) => server === 'payara' || server === 'wildfly'
  ? [...(tandemTransports.includes('ws') ? ['tandem-ws'] : []),
    ...(sseOn.includes(server) && tandemTransports.includes('sse') ? ['tandem-sse'] : [])] : [server];

async function guarded(scenario, system, server, label, fn) {
  const t0 = Date.now();
  try {
    const result = await fn();
    record({ scenario, system, server: server.name, label, result, wallMs: Date.now() - t0 });
  } catch (e) {
    record({ scenario, system, server: server.name, label, error: String(e && e.message || e), wallMs: Date.now() - t0 });
  }
}

async function fanout(system, server) {
  const seconds = Number(env('FANOUT_SECONDS', '20'));
  const repeat = Number(env('FANOUT_REPEAT', '3'));
  const subs = Number(env('FANOUT_SUBS', '200'));
  const rate = Number(env('FANOUT_RATE', '200'));
  const sess = await openSession({ system, server, rooms: ['r1'], subsPerRoom: subs });
  try {
    if (sess.connect.failed) throw new Error(`connect: ${sess.connect.failed} failed: ${sess.connect.firstErrors.join('; ')}`);
    await measure(sess, { phase: 'warm', ratePerRoom: rate, durationMs: Number(env('FANOUT_WARMUP_S', '15')) * 1000, drainMs: 5000 });
    for (let i = 1; i <= repeat; i++) {
      if (i === 1 && server.kind === 'java' && env('BENCH_JFR', '') === '1') {
        const file = path.join(logDir, `fanout-${system}@${server.name}.jfr`);
        sh(`jcmd ${server.pid} JFR.start name=bench settings=profile duration=${seconds}s filename=${file}`);
        console.log(`[bench] JFR recording ${file}`);
      }
      await guarded('fanout', system, server, `rep${i}`, () => measure(sess, { phase: `m${i}`, ratePerRoom: rate, durationMs: seconds * 1000 }));
      await sleep(1000);
    }
  } finally { await sess.close(); }
}

// The fan-out, interleaved: all message servers up at once, one session of subscribers per system, a warm-up
// each, then per repetition every system in turn, starting one further along each time.
async function interleaved() {
  const seconds = Number(env('FANOUT_SECONDS', '20'));
  const repeat = Number(env('FANOUT_REPEAT', '3'));
  const subs = Number(env('FANOUT_SUBS', '200'));
  const rate = Number(env('FANOUT_RATE', '200'));
  const up = [];
  const sessions = [];
  try {
    for (const name of servers.filter((n) => runs(n, 'interleaved'))) {
      try {
        const server = await startServer(name, { benchDir, logDir, serversDir, war });
        console.log(`[bench] interleaved: ${name} up in ${server.startMs} ms (pid ${server.pid})`);
        up.push(server);
      } catch (e) {
        record({ scenario: 'interleaved', system: name, server: name, label: 'start', error: String(e.message || e) });
      }
    }
    await sleep(2000);
    for (const server of up) {
      for (const system of systemsOf(server.name)) {
        // A room per system: the WebSocket and SSE systems of one server must not share a topic.
        const sess = await openSession({ system, server, rooms: [`i-${system}`], subsPerRoom: subs });
        sessions.push({ system, server, sess });
        if (sess.connect.failed) throw new Error(`${system}@${server.name} connect: ${sess.connect.failed} failed`);
      }
    }
    for (const { sess } of sessions) {
      await measure(sess, { phase: 'warm', ratePerRoom: rate, durationMs: Number(env('FANOUT_WARMUP_S', '15')) * 1000, drainMs: 5000 });
    }
    for (let i = 1; i <= repeat; i++) {
      for (let j = 0; j < sessions.length; j++) {
        const { system, server, sess } = sessions[(i - 1 + j) % sessions.length];
        await guarded('interleaved', system, server, `rep${i}`,
          () => measure(sess, { phase: `i${i}`, ratePerRoom: rate, durationMs: seconds * 1000 }));
        await sleep(1000);
      }
    }
  } finally {
    for (const { sess } of sessions) await sess.close();
    for (const server of up) { await server.stop(); console.log(`[bench] interleaved: ${server.name} stopped`); }
    await sleep(2000);
  }
}

async function capacity(system, server) {
  const seconds = Number(env('CAPACITY_SECONDS', '10'));
  const rates = list('CAPACITY_RATES', '50,100,200,400').map(Number);
  for (const n of list('CAPACITY_SUBS', '500,1000').map(Number)) {
    const sess = await openSession({ system, server, rooms: ['r1'], subsPerRoom: n, workers: 2, concurrency: 50 });
    try {
      if (sess.connect.failed) throw new Error(`connect: ${sess.connect.failed} failed: ${sess.connect.firstErrors.join('; ')}`);
      await measure(sess, { phase: 'warm', ratePerRoom: rates[0], durationMs: 3000, drainMs: 5000 });
      let bad = 0;
      for (const rate of rates) {
        let res;
        await guarded('capacity', system, server, `${n}subs-${rate}msgs`, async () => {
          res = await measure(sess, { phase: `c${rate}`, ratePerRoom: rate, durationMs: seconds * 1000, drainMs: 30_000 });
          return res;
        });
        if (!res || res.lost > 0 || res.latencyMs.p99 > 50) bad++;
        if (bad >= 2) break; // past the knee twice: stop climbing
        await sleep(2000);
      }
    } catch (e) {
      record({ scenario: 'capacity', system, server: server.name, label: `${n}subs`, error: String(e.message || e) });
    } finally { await sess.close(); }
  }
}

async function storm(system, server) {
  if (!system.startsWith('tandem')) return;
  const n = Number(env('STORM_SUBS', '1000'));
  const rate = Number(env('STORM_RATE', '50'));
  const sess = await openSession({ system, server, rooms: ['r1'], subsPerRoom: n, workers: 2, concurrency: 50 });
  try {
    if (sess.connect.failed) throw new Error(`connect: ${sess.connect.failed} failed`);
    await measure(sess, { phase: 'warm', ratePerRoom: rate, durationMs: 3000, drainMs: 5000 });
    await guarded('storm', system, server, `${n}subs`, async () => {
      let dropInfo = null;
      const res = await measure(sess, {
        phase: 'storm', ratePerRoom: rate, durationMs: 20_000, drainMs: 30_000,
        during: async () => {
          await sleep(5000);
          const r = await Promise.all(sess.subWorkers.map((w) => w.call({ cmd: 'drop', concurrency: 100 })));
          dropInfo = { reconnected: r.reduce((a, x) => a + x.ok, 0), failed: r.reduce((a, x) => a + x.failed, 0),
            firstErrors: r.flatMap((x) => x.firstErrors), reconnectWallMs: Math.round(Math.max(...r.map((x) => x.ms))) };
          return dropInfo;
        },
      });
      const rr = await Promise.all(sess.subWorkers.map((w) => w.call({ cmd: 'resumeReport' })));
      res.resume = { ...dropInfo, acked: rr.reduce((a, x) => a + x.acked, 0), recovered: rr.reduce((a, x) => a + x.recovered, 0),
        caughtUp: rr.reduce((a, x) => a + x.caught, 0), allResubscribedMs: Math.round(Math.max(...rr.map((x) => x.maxAckMs))),
        allCaughtUpMs: Math.round(Math.max(...rr.map((x) => x.maxCaughtUpMs))) };
      return res;
    });
  } finally { await sess.close(); }
}

async function rooms(system, server) {
  const nRooms = Number(env('ROOMS', '200'));
  const per = Number(env('ROOM_SUBS', '10'));
  const rate = Number(env('ROOM_RATE', '5'));
  const names = Array.from({ length: nRooms }, (_, i) => `room${i}`);
  const sess = await openSession({ system, server, rooms: names, subsPerRoom: per, workers: 2, concurrency: 50 });
  try {
    if (sess.connect.failed) throw new Error(`connect: ${sess.connect.failed} failed: ${sess.connect.firstErrors.join('; ')}`);
    await measure(sess, { phase: 'warm', ratePerRoom: rate, durationMs: 3000, drainMs: 5000 });
    await guarded('rooms', system, server, `${nRooms}x${per}`, () => measure(sess, { phase: 'rooms', ratePerRoom: rate, durationMs: 20_000 }));
  } finally { await sess.close(); }
}

// Documents: 10 clients x 200 concurrent stroke appends to one document (Tandem: Automerge over doc.sync, and
// JSON-ops clients as system tandem-ws-json / tandem-sse-json; Hocuspocus: Yjs; automerge-repo: Automerge over
// its own sync), time until every client and the server hold the same state. Client processes:
// DOCS_PROCS (default "10,2": one per client, then two processes of five clients each).
// DOCS_TANDEM_CLIENTS (default "sync,json"): which of Tandem's two kinds of document client to run.
async function documents(system, server) {
  const repeat = Number(env('DOCS_REPEAT', '3'));
  const tandem = system.startsWith('tandem');
  for (const kind of tandem ? list('DOCS_TANDEM_CLIENTS', 'sync,json') : ['own']) {
    const name = kind === 'json' ? `${system}-json` : system;
    for (const procs of list('DOCS_PROCS', '10,2').map(Number)) {
      for (let i = 1; i <= repeat; i++) {
        await guarded('documents', name, server, `procs${procs}-rep${i}`, () => converge({
          system: !tandem ? system : kind === 'json' ? 'tandem-json' : 'tandem', base: `http://127.0.0.1:${server.port}/`, key: API_KEY,
          port: server.port, pid: server.pid, procs, clients: Number(env('DOCS_CLIENTS', '10')),
          strokes: Number(env('DOCS_STROKES', '200')), sse: system.endsWith('-sse') ? Number(env('DOCS_CLIENTS', '10')) : 0,
        }));
        await sleep(1000);
      }
    }
  }
}

async function main() {
  console.log(`[bench] run ${runId}: scenarios ${scenarios.join(',')} on ${servers.join(',')}; results in ${outDir}; server logs in ${logDir}`);
  if (scenarios.includes('documents')) {
    // The client-side floor of the documents scenario (no server): see lib/docs-floor.mjs.
    const floor = JSON.parse(execSync(`${process.execPath} ${path.join(benchDir, 'lib', 'docs-floor.mjs')}`, { encoding: 'utf8' }));
    record({ scenario: 'documents-floor', system: 'in-process', server: 'none', label: '', result: floor });
  }
  if (scenarios.includes('interleaved')) await interleaved();
  for (const name of servers.filter((n) => scenarios.some((sc) => sc !== 'interleaved' && runs(n, sc)))) {
    let server;
    try {
      server = await startServer(name, { benchDir, logDir, serversDir, war });
      console.log(`[bench] ${name} up in ${server.startMs} ms (pid ${server.pid})`);
      results.runs.push({ scenario: 'start', server: name, result: { startMs: server.startMs } });
    } catch (e) {
      record({ scenario: 'start', system: name, server: { name }, error: String(e.message || e) });
      continue;
    }
    try {
      await sleep(2000);
      if (runs(name, 'idle')) {
        for (const system of systemsOf(name)) {
          await guarded('idle', system, server, '', () => idle({ system, server, n: Number(env('IDLE_N', '5000')) }));
        }
      }
      // Tandem keeps a dropped session (and its subscriptions) for tandem.session.ttlSeconds (60 s).
      // BENCH_TANDEM_SETTLE_S=65 waits that out between scenarios; default 0 (back to back), which
      // is how the "no deliveries after a previous scenario" defect in RESULTS.md shows up.
      const settle = async () => {
        const s = server.kind === 'java' ? Number(env('BENCH_TANDEM_SETTLE_S', '0')) : 0;
        if (s > 0) { console.log(`[bench] settling ${s} s`); await sleep(s * 1000); }
      };
      if (runs(name, 'idle')) await settle();
      for (const system of systemsOf(name)) {
        if (runs(name, 'fanout')) { await fanout(system, server); await settle(); }
        if (runs(name, 'documents')) await documents(system, server);
        if (runs(name, 'storm')) { await storm(system, server); await settle(); }
        if (runs(name, 'rooms')) { await rooms(system, server); await settle(); }
        if (runs(name, 'capacity')) { await capacity(system, server); await settle(); }
      }
    } catch (e) {
      record({ scenario: 'error', system: name, server, error: String(e.stack || e) });
    } finally {
      await server.stop();
      console.log(`[bench] ${name} stopped`);
      await sleep(2000);
    }
  }
  results.machine.loadavgAtEnd = os.loadavg();
  save();
  console.log(`[bench] done: ${outDir}/results.json`);
}

const deadline = setTimeout(() => { console.error('[bench] global time limit reached'); save(); process.exit(3); },
  Number(env('BENCH_MAX_MINUTES', '120')) * 60_000);
deadline.unref();
main().then(() => process.exit(0), (e) => { console.error(e); save(); process.exit(1); });
