// Documents scenario: N concurrent clients append S strokes each to one shared document; measures
// the time until every client replica and the server hold the same state, the bytes on the wire
// and the CPU of clients and server. Same load for every system:
//   tandem      real @automerge/automerge clients (src/test/js/server-clients.mjs), doc.sync over
//               WebSocket (or SSE), against a running Tandem;
//   tandem-json Tandem's JSON-ops clients (lib/tandem-json-clients.mjs): no Automerge in the client,
//               doc.ops out and doc.patch in (the server holds the document's only replica);
//   hocuspocus  real Yjs clients with HocuspocusProvider (peers/hocuspocus-clients.mjs);
//   automerge-repo  real @automerge/automerge-repo clients, a Repo each with the WebSocket client adapter
//               (peers/automerge-repo-clients.mjs), against an automerge-repo sync server (peers/automerge-repo.mjs).
// Clients run in P separate Node processes (default: one per client), never in the server's.
//   node lib/documents.mjs --system tandem|tandem-json --base http://127.0.0.1:18080/ --key KEY [--pid SERVER_PID]
//   node lib/documents.mjs --system hocuspocus --port 18092 [--pid SERVER_PID]
//   node lib/documents.mjs --system automerge-repo --port 18093 [--pid SERVER_PID]
//   options: --clients 10 --strokes 200 --procs 10 --sse 0 --timeout 180000
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENTS = {
  tandem: path.resolve(here, '..', '..', 'src', 'test', 'js', 'server-clients.mjs'),
  'tandem-json': path.resolve(here, 'tandem-json-clients.mjs'),
  hocuspocus: path.resolve(here, '..', 'peers', 'hocuspocus-clients.mjs'),
  'automerge-repo': path.resolve(here, '..', 'peers', 'automerge-repo-clients.mjs'),
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuMsOf(pid) {
  if (!pid) return null;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime in 100 Hz ticks -> ms
}

/** One Node process hosting some of the clients, driven over stdin/stdout JSON lines. */
function clientProcess(script) {
  const flags = process.env.DOCS_CLIENT_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.DOCS_CLIENT_PROF] : [];
  const child = spawn(process.execPath, [...flags, script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let rid = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line);
    const w = waiting.get(m.rid);
    waiting.delete(m.rid);
    if (w) (m.error ? w.reject(new Error(m.error)) : w.resolve(m));
  });
  // A client process that dies (e.g. a crash of node itself) fails its pending and later calls instead of
  // leaving the run waiting for replies forever.
  let died = null;
  child.stdin.on('error', () => {}); // EPIPE once the child is gone: reported through `died`
  child.on('exit', (code, signal) => {
    died = new Error(`client process ${child.pid} exited (code ${code}, signal ${signal})`);
    for (const w of waiting.values()) w.reject(died);
    waiting.clear();
  });
  return {
    call(cmd, args = {}) {
      const r = ++rid;
      return new Promise((resolve, reject) => {
        if (died) return reject(died);
        waiting.set(r, { resolve, reject });
        child.stdin.write(JSON.stringify({ cmd, rid: r, ...args }) + '\n');
      });
    },
    end: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.stdin.end();
    }),
  };
}

/** What the server holds: {shapes, heads} in the same form the clients report. */
function serverProbe(o, doc) {
  if (o.system === 'hocuspocus') {
    return async () => {
      const r = await (await fetch(`http://127.0.0.1:${o.port}/__doc/${encodeURIComponent(doc)}`)).json();
      return { shapes: r.shapes, heads: r.stateVector ? [r.stateVector] : [] };
    };
  }
  if (o.system === 'automerge-repo') {
    // The sync server's own copy: shape count and sorted Automerge heads (peers/automerge-repo.mjs).
    return async () => {
      const res = await fetch(`http://127.0.0.1:${o.port}/__doc/${encodeURIComponent(doc)}`);
      if (!res.ok) throw new Error(`server view: ${res.status}`);
      return res.json();
    };
  }
  // Polls heads only (?view=false: the JSON view of a 2,000-shape document is not free); the shape
  // count is read from the full view once the heads match.
  const [room, name] = doc.split('/');
  const get = async (view) => {
    const res = await fetch(`${o.base}api/v1/rooms/${room}/docs/${name}?view=${view}`,
      { headers: { Accept: 'application/json', Authorization: 'Bearer ' + o.key } });
    if (!res.ok) throw new Error(`server view: ${res.status}`);
    return res.json();
  };
  return async (full) => {
    const v = await get(full);
    return { shapes: full ? Object.keys(v.view.shapes || {}).length : null, heads: v.heads.slice().sort() };
  };
}

async function openArgs(o, i, room, doc) {
  if (o.system === 'hocuspocus') return { c: 'c' + i, url: `ws://127.0.0.1:${o.port}`, doc };
  if (o.system === 'automerge-repo') {
    // automerge-repo generates document ids: the sync server creates the named document ({shapes: {}}) on the
    // first POST and answers its `automerge:` URL to every client, which then `find`s it (see peers/automerge-repo.mjs).
    const res = await fetch(`http://127.0.0.1:${o.port}/__doc/${encodeURIComponent(doc)}`, { method: 'POST' });
    if (!res.ok) throw new Error(`create document: ${res.status}`);
    return { c: 'c' + i, url: `ws://127.0.0.1:${o.port}`, doc: (await res.json()).url };
  }
  const res = await fetch(o.base + 'api/v1/tokens', {
    method: 'POST', headers: { Authorization: 'Bearer ' + o.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity: 'c' + i, rooms: [room] }),
  });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  return { c: 'c' + i, base: o.base, token, doc, transport: i < o.sse ? 'sse' : 'ws' };
}

/** Runs the scenario once; resolves with the measurement (throws on errors or timeout). */
export async function converge(options) {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { clients: 10, strokes: 200, sse: 0, timeout: 180_000, ...given };
  o.procs = Math.min(o.procs || o.clients, o.clients);
  const room = 'docs' + Date.now().toString(36);
  const doc = o.system.startsWith('tandem') ? room + '/canvas' : room + '-canvas';
  const procs = Array.from({ length: o.procs }, () => clientProcess(CLIENTS[o.system]));
  const owner = (i) => procs[i % o.procs];
  const server = serverProbe(o, doc);
  try {
    const t00 = performance.now();
    await Promise.all(Array.from({ length: o.clients }, async (_, i) => owner(i).call('open', await openArgs(o, i, room, doc))));
    const openMs = performance.now() - t00;
    const base = await Promise.all(procs.map((p) => p.call('state')));
    const cpu0 = cpuMsOf(o.pid);
    const t0 = performance.now();
    let editsMs = 0;
    const edits = Promise.all(Array.from({ length: o.clients }, (_, i) => owner(i).call('strokes', { c: 'c' + i, n: o.strokes })))
      .then(() => { editsMs = performance.now() - t0; });
    let failed = null;
    edits.catch((e) => { failed = e; });
    const want = o.clients * o.strokes;
    for (;;) {
      if (failed) throw failed;
      const [srv, states] = await Promise.all([server(false), Promise.all(procs.map((p) => p.call('state')))]);
      const replicas = states.flatMap((s) => Object.values(s.clients));
      const errors = states.flatMap((s) => Object.entries(s.clients).flatMap(([id, c]) => c.errors.map((e) => `${id}: ${e}`)));
      if (errors.length) throw new Error('client errors: ' + errors.slice(0, 5).join('; '));
      const same = (c) => JSON.stringify(c.heads) === JSON.stringify(srv.heads);
      const now = performance.now() - t0;
      if (editsMs && replicas.every((c) => c.shapes === want && same(c))
          && (srv.shapes ?? (await server(true)).shapes) === want) {
        const sum = (f) => states.reduce((a, s, k) => a + f(s, base[k]), 0);
        const wire = (k) => sum((s, b) => (s.wire?.[k] ?? 0) - (b.wire?.[k] ?? 0));
        return {
          clients: o.clients, strokes: o.strokes, procs: o.procs, sse: o.sse, openMs: Math.round(openMs),
          convergeMs: Math.round(now), editsDoneMs: Math.round(editsMs),
          wire: { bytesIn: wire('bytesIn'), bytesOut: wire('bytesOut'), messagesIn: wire('received'), messagesOut: wire('sent') },
          clientCpuMs: Math.round(sum((s, b) => s.cpuMs - b.cpuMs)),
          serverCpuMs: cpu0 === null ? null : cpuMsOf(o.pid) - cpu0,
        };
      }
      if (process.env.DOCS_DEBUG) console.error(`${Math.round(now)} ms: server ${srv.shapes}, replicas ${replicas.map((c) => c.shapes).join(",")}`);
      if (now > o.timeout) {
        throw new Error(`no convergence in ${o.timeout} ms: server ${srv.shapes} shapes, replicas ${replicas.map((c) => c.shapes).join(',')}`);
      }
      await sleep(50);
    }
  } finally {
    await Promise.all(procs.map((p) => p.end()));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const a = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) =>
    (v.startsWith('--') ? [...acc, [v.slice(2), all[i + 1]]] : acc), []));
  const num = (k) => (a[k] === undefined ? undefined : Number(a[k]));
  const r = await converge({ system: a.system || 'tandem', base: a.base || 'http://127.0.0.1:8080/',
    key: a.key || process.env.TANDEM_API_KEY, port: num('port'), pid: num('pid'), clients: num('clients'),
    strokes: num('strokes'), procs: num('procs'), sse: num('sse'), timeout: num('timeout') });
  console.log(JSON.stringify(r));
}
