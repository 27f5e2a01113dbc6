// The load tool: forks subscriber workers and one publisher worker (lib/worker.mjs), drives them,
// and measures the server process (CPU ticks, RSS) around each measured phase.
import { fork, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTicks, rssKb, loadavg, heapKb, API_KEY } from './servers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

class Worker {
  constructor(role) {
    this.role = role;
    this.proc = fork(path.join(here, 'worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
    this.waiters = [];
    this.proc.on('message', (m) => {
      if (m.ev === 'error') { const w = this.waiters.shift(); if (w) w.reject(new Error(m.error)); return; }
      const w = this.waiters.shift(); if (w) w.resolve(m);
    });
    this.proc.on('exit', () => { for (const w of this.waiters) w.reject(new Error('worker exited')); this.waiters = []; });
  }
  call(msg, timeoutMs = 600_000) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker timeout on ${msg.cmd}`)), timeoutMs);
      this.waiters.push({ resolve: (v) => { clearTimeout(t); resolve(v); }, reject: (e) => { clearTimeout(t); reject(e); } });
      this.proc.send(msg);
    });
  }
  async close() {
    try { await this.call({ cmd: 'close' }, 10_000); } catch {}
    try { this.proc.kill('SIGKILL'); } catch {}
  }
}

/**
 * A set of connected subscribers plus a publisher against one server.
 * system: ws-relay | socketio | tandem-ws | tandem-sse
 * rooms: room names; subsPerRoom subscribers each.
 */
export async function openSession({ system, server, rooms, subsPerRoom, workers = 2, autoResume = true, concurrency = 50 }) {
  const cfg = { system, port: server.port, apiKey: API_KEY, autoResume: autoResume && system.startsWith('tandem') };
  const subWorkers = Array.from({ length: workers }, () => new Worker('sub'));
  const pub = new Worker('pub');
  await Promise.all([...subWorkers, pub].map((w) => w.call({ cmd: 'init', cfg })));
  const all = [];
  let i = 0;
  for (const room of rooms) for (let k = 0; k < subsPerRoom; k++) all.push({ room, identity: `s${i++}` });
  const shares = subWorkers.map(() => []);
  all.forEach((s, j) => shares[j % workers].push(s));
  const t0 = now();
  const res = await Promise.all(subWorkers.map((w, j) => w.call({ cmd: 'connect', subs: shares[j], concurrency })));
  const connect = { ok: res.reduce((a, r) => a + r.ok, 0), failed: res.reduce((a, r) => a + r.failed, 0),
    firstErrors: res.flatMap((r) => r.firstErrors), ms: Math.round(now() - t0) };
  if (!['none', 'echo-floor', 'sse-floor'].includes(system)) await pub.call({ cmd: 'pubOpen', rooms });
  return { system, server, rooms, subsPerRoom, subWorkers, pub, connect, total: all.length,
    close: async () => { await Promise.all([...subWorkers, pub].map((w) => w.close())); } };
}

function percentile(hist, bucketMs, total, q) {
  // hist: Map bucket -> count, sorted keys
  const target = Math.ceil(total * q);
  let acc = 0;
  for (const [b, c] of hist) { acc += c; if (acc >= target) return (b + 1) * bucketMs; }
  return null;
}

/** One measured phase: publish ratePerRoom msg/s into every room for durationMs, wait for delivery, report. */
export async function measure(sess, { phase, ratePerRoom, durationMs, drainMs = 15_000, during }) {
  const { subWorkers, pub, rooms, server } = sess;
  const perRoom = Math.round(ratePerRoom * durationMs / 1000);
  await Promise.all(subWorkers.map((w) => w.call({ cmd: 'arm', phase, maxN: perRoom + 16 })));
  const load0 = loadavg();
  const pubBefore = await pub.call({ cmd: 'pubStats' }); // the publisher's counters run for the whole session
  const cpu0 = cpuTicks(server.pid); const t0 = now();
  let rssPeak = rssKb(server.pid);
  const sampler = setInterval(() => { try { rssPeak = Math.max(rssPeak, rssKb(server.pid)); } catch {} }, 500);
  const publishStart = new Date().toISOString(); // wall clock, to line stalls up with a server's GC log
  const pubP = pub.call({ cmd: 'publish', rooms, ratePerRoom, durationMs, p: phase });
  const duringP = during ? during() : null;
  const published = await pubP;
  const duringR = duringP ? await duringP : null;
  const pubEnd = now();
  const expectedTotal = perRoom * sess.total;
  // Drain: wait until everything arrived, or no progress for 3 s, or drainMs.
  let last = -1, lastChange = now();
  while (now() - pubEnd < drainMs) {
    const pr = await Promise.all(subWorkers.map((w) => w.call({ cmd: 'progress' })));
    const got = pr.reduce((a, r) => a + r.received, 0);
    if (got >= expectedTotal) break;
    if (got !== last) { last = got; lastChange = now(); } else if (now() - lastChange > 3000) break;
    await sleep(200);
  }
  const t1 = now(); const cpu1 = cpuTicks(server.pid);
  clearInterval(sampler);
  const rssEnd = rssKb(server.pid);
  const expectedPerRoom = Object.fromEntries(rooms.map((r) => [r, perRoom]));
  const reps = await Promise.all(subWorkers.map((w) => w.call({ cmd: 'report', expectedPerRoom })));
  const pubStats = await pub.call({ cmd: 'pubStats' });
  const merged = new Map();
  let bucketMs = 0.01;
  let received = 0, dup = 0, lost = 0, complete = 0, maxLat = 0, lastRecv = 0;
  const agg = { closes: 0, reconnects: 0, resets: 0, errors: 0, seqGaps: 0, seqDups: 0, other: 0, batches: 0, errorFrames: {}, closeCodes: {} };
  for (const r of reps) {
    bucketMs = r.bucketMs;
    for (let j = 0; j < r.hist.length; j += 2) merged.set(r.hist[j], (merged.get(r.hist[j]) || 0) + r.hist[j + 1]);
    received += r.stats.received; dup += r.stats.dup; lost += r.lost; complete += r.complete;
    maxLat = Math.max(maxLat, r.stats.maxLat); lastRecv = Math.max(lastRecv, r.lastRecv);
    for (const k of ['closes', 'reconnects', 'resets', 'errors', 'seqGaps', 'seqDups', 'other', 'batches']) agg[k] += r.stats[k] || 0;
    for (const [k, v] of Object.entries(r.stats.errorFrames || {})) agg.errorFrames[k] = (agg.errorFrames[k] || 0) + v;
    for (const [k, v] of Object.entries(r.stats.closeCodes || {})) agg.closeCodes[k] = (agg.closeCodes[k] || 0) + v;
  }
  const stalls = slowMessages(reps, ratePerRoom, publishStart);
  const sorted = new Map([...merged.entries()].sort((a, b) => a[0] - b[0]));
  let samples = 0; for (const c of sorted.values()) samples += c;
  const pct = (q) => { const v = percentile(sorted, bucketMs, samples, q); return v == null ? null : +v.toFixed(2); };
  // Compact latency distribution for charts: CDF points at fixed quantiles.
  const quantiles = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999, 1];
  const cdf = quantiles.map((q) => [q, q === 1 ? +maxLat.toFixed(2) : pct(q)]);
  const elapsedS = (t1 - t0) / 1000;
  return {
    phase, ratePerRoom, rooms: rooms.length, subscribers: sess.total, durationMs,
    published: published.sent, publisherMaxBehind: published.maxBehind, publishWallMs: Math.round(published.wallMs),
    publisherAcks: pubStats.acked - pubBefore.acked, publisherErrors: pubStats.errors - pubBefore.errors, publisherLastError: pubStats.lastError?.code,
    expectedDeliveries: expectedTotal, received, lost, duplicates: dup, completeSubscribers: complete,
    deliveriesPerSec: Math.round(received / (durationMs / 1000)),
    latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), p999: pct(0.999), max: +maxLat.toFixed(2) },
    cdf,
    drainMs: Math.round(Math.max(0, lastRecv - pubEnd)),
    server: { cpuPct: +((cpu1 - cpu0) / elapsedS).toFixed(1), rssPeakMb: +(rssPeak / 1024).toFixed(1), rssEndMb: +(rssEnd / 1024).toFixed(1) },
    stalls, client: agg, loadavgBefore: load0, loadavgAfter: loadavg(), during: duringR,
  };
}

/**
 * Messages whose slowest delivery (to any subscriber, in any room) took over 5 and 10 ms, and the ten
 * slowest with when they were published (seconds after publishStart): the tail of a fan-out is a few
 * messages that everybody got late, or many that a few got late; this tells which, and when.
 */
function slowMessages(reps, ratePerRoom, publishStart) {
  const worst = [];
  for (const r of reps) (r.worstByN || []).forEach((ms, n) => { if (!(worst[n] >= ms)) worst[n] = ms; });
  const timed = worst.map((ms, n) => ({ atS: +(n / ratePerRoom).toFixed(3), ms })).filter((m) => m.ms > 0);
  return {
    publishStart,
    over5ms: timed.filter((m) => m.ms > 5).length,
    over10ms: timed.filter((m) => m.ms > 10).length,
    slowest: timed.sort((a, b) => b.ms - a.ms).slice(0, 10),
  };
}

/** Idle connections: server memory after full GC, before and after opening n subscribed connections. */
// BENCH_HISTO=1: a class histogram (live objects, after the GCs heapKb ran) of a Java server at the
// baseline and with the idle connections open, into the run's log folder: what a connection costs.
function histogram(server, label) {
  if (process.env.BENCH_HISTO !== '1' || server.kind !== 'java') return;
  try {
    const out = execFileSync('jcmd', [String(server.pid), 'GC.class_histogram'], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
    fs.writeFileSync(path.join(`/tmp/tandem-bench-logs-${process.env.BENCH_RUN_ID}`, `histo-${server.name}-${label}.txt`), out);
  } catch (e) { console.log(`[bench] class histogram failed: ${e.message}`); }
}

/** Memory after full GCs before and with n connections of one system open; per connection. */
async function connectionsCost({ system, server, n, label }) {
  const base = await heapKb(server);
  histogram(server, `${label}baseline`);
  const baseRss = rssKb(server.pid);
  // Their own room: a dropped SSE stream is only noticed at the next heartbeats (~40 s), and until then
  // it must not be one more subscriber of the topic the next scenario publishes to.
  const sess = await openSession({ system, server, rooms: ['idle'], subsPerRoom: n, workers: 2, autoResume: false, concurrency: 25 });
  await sleep(3000);
  const withN = await heapKb(server);
  histogram(server, `${label}with${n}`);
  const rssN = rssKb(server.pid);
  const ok = sess.connect.ok;
  await sess.close();
  return {
    system, requested: n, connected: ok, failed: sess.connect.failed, firstErrors: sess.connect.firstErrors, connectMs: sess.connect.ms,
    baseline: { ...base, rssKb: baseRss }, loaded: { ...withN, rssKb: rssN },
    heapPerConnKb: ok ? +((withN.heapKb - base.heapKb) / ok).toFixed(2) : null,
    rssPerConnKb: ok ? +((rssN - baseRss) / ok).toFixed(2) : null,
    externalPerConnKb: (ok && withN.externalKb != null) ? +((withN.externalKb - base.externalKb) / ok).toFixed(2) : null,
  };
}

/**
 * Idle connections of a system. On a Java server with the floor WAR deployed (bench/floor: a bare
 * JSR-356 echo endpoint and a bare SSE servlet), the same n connections to the floor of the same transport
 * are measured next, on the same server process: the container's own cost per connection, which
 * Tandem's is compared with. Tandem
 * goes first so that its RSS grows from the same start as before the floor existed; the floor waits
 * until Tandem has let go of the dropped sessions (tandem.session.ttlSeconds, 60 s).
 */
export async function idle({ system, server, n }) {
  const own = await connectionsCost({ system, server, n, label: '' });
  const floorSystem = { 'tandem-ws': 'echo-floor', 'tandem-sse': 'sse-floor' }[system];
  if (server.kind !== 'java' || !server.floor || !floorSystem) return own;
  // A dropped SSE stream is noticed at the second heartbeat after the drop (~40 s), then its session is
  // retained for its time to live (60 s) like a dropped WebSocket's.
  const waitS = Number(process.env.IDLE_FLOOR_WAIT_S || (system === 'tandem-sse' ? '110' : '65'));
  console.log(`[bench] idle: waiting ${waitS} s for the dropped sessions to expire, then the ${floorSystem}`);
  await sleep(waitS * 1000);
  const floor = await connectionsCost({ system: floorSystem, server, n, label: 'floor-' });
  return { ...own, floor, overFloorKb: (own.heapPerConnKb != null && floor.heapPerConnKb != null && floor.connected === n)
    ? +(own.heapPerConnKb - floor.heapPerConnKb).toFixed(2) : null };
}
