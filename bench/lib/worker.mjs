// Load worker: a child process (forked by lib/driver.mjs) holding a share of the subscribers, or
// the publisher. It talks to the driver over IPC only; no per-message logging.
//
// Latency = (receive time - send time stamped in the payload), both read from
// process.hrtime (CLOCK_MONOTONIC, shared by all processes on the machine).
import http from 'node:http';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms, monotonic, same clock in every process
const BUCKET_MS = 0.01;            // 10 µs resolution
const BUCKETS = 1_000_000;         // up to 10 s; later ones land in the last bucket (max kept apart)
const PAD = 'x'.repeat(48);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

const WS_AUTH = process.env.BENCH_WS_AUTH || 'hello';
let cfg = null;          // {system, port, ...}
let subs = [];
let phase = null;        // only payloads with p === phase are counted
let maxN = 0;            // messages expected per room in the counted phase
let hist = new Int32Array(BUCKETS);
let worstByN = new Float32Array(0); // per message index (all rooms): the slowest delivery seen here, ms
let stats = freshStats();

function freshStats() {
  return { received: 0, dup: 0, other: 0, maxLat: 0, closes: 0, reconnects: 0, resets: 0, errors: 0,
    seqGaps: 0, seqDups: 0, errorFrames: {} };
}

function send(msg) { process.send(msg); }

function record(sub, data) {
  if (data.p !== phase) { stats.other++; return; }
  const lat = now() - data.t;
  let b = Math.floor(lat / BUCKET_MS);
  if (b < 0) b = 0; else if (b >= BUCKETS) b = BUCKETS - 1;
  hist[b]++;
  if (lat > stats.maxLat) stats.maxLat = lat;
  const n = data.n;
  if (n < worstByN.length && lat > worstByN[n]) worstByN[n] = lat;
  if (!sub.seen || n >= sub.seen.length) { stats.other++; return; }
  if (sub.seen[n]) stats.dup++; else { sub.seen[n] = 1; stats.received++; }
  sub.lastRecv = now();
}

// ---------- token minting (Tandem) ----------
function httpJson(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port: cfg.port, method, path, agent,
      headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode >= 300) reject(new Error(`${method} ${path} -> ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
const tokenCache = new Map();
async function tokenFor(rooms, identity) {
  const key = rooms.join(',') + '|' + identity;
  if (!tokenCache.has(key)) {
    const r = await httpJson('POST', '/api/v1/tokens', { identity, name: identity, rooms },
      { authorization: `Bearer ${cfg.apiKey}` });
    tokenCache.set(key, r.token);
  }
  return tokenCache.get(key);
}

// ---------- subscribers ----------
function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

async function openSub(sub) {
  const { system, port } = cfg;
  if (system === 'ws-relay') {
    await new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/?room=${sub.room}`, { perMessageDeflate: false });
      sub.ws = ws;
      ws.on('open', resolve);
      ws.on('error', (e) => { stats.errors++; reject(e); });
      ws.on('close', () => { if (!sub.closing) stats.closes++; });
      ws.on('message', (buf) => record(sub, JSON.parse(buf)));
    });
  } else if (system === 'echo-floor') {
    // The idle scenario's floor (bench/floor): a bare JSR-356 echo endpoint on the same server.
    // One message each way, as Tandem's connections get their hello and welcome, then idle.
    await new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/floor/echo`, { perMessageDeflate: false });
      sub.ws = ws;
      const hello = JSON.stringify({ type: 'hello', pad: 'x'.repeat(256) });
      ws.on('open', () => ws.send(hello));
      ws.on('message', (buf) => (String(buf) === hello ? resolve() : reject(new Error('echo differs'))));
      ws.on('error', (e) => { stats.errors++; reject(e); });
      ws.on('close', () => { if (!sub.closing) stats.closes++; });
    });
  } else if (system === 'sse-floor') {
    // The idle scenario's SSE floor (bench/floor): a bare async servlet that writes one event and holds the stream.
    // Its URL carries a real join token as Tandem's does (EventSource cannot send headers): the container keeps
    // the request's URL, query string and parameters for as long as the stream is open.
    const token = await tokenFor([sub.room], sub.identity);
    await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, agent: false, path: `/floor/sse?token=${encodeURIComponent(token)}`,
        headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) { reject(new Error('sse floor status ' + res.statusCode)); res.resume(); return; }
        res.setEncoding('utf8');
        let got = '';
        res.on('data', (chunk) => { got += chunk; if (got.includes('"hello"') && got.includes('\n\n')) resolve(); });
        res.on('close', () => { if (!sub.closing) stats.closes++; });
      });
      sub.req = req;
      req.on('error', (e) => { stats.errors++; reject(e); });
      req.end();
    });
  } else if (system === 'socketio') {
    await new Promise((resolve, reject) => {
      const s = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      sub.sock = s;
      s.on('connect', () => s.emit('join', sub.room, () => resolve()));
      s.on('connect_error', (e) => { stats.errors++; reject(e); });
      s.on('disconnect', () => { if (!sub.closing) stats.closes++; });
      s.on('msg', (data) => record(sub, data));
    });
  } else if (system === 'tandem-ws') {
    await openTandemWs(sub, null);
  } else if (system === 'tandem-sse') {
    await openTandemSse(sub);
  } else throw new Error('unknown system ' + system);
}

// A Tandem message is one frame or a JSON array of frames (docs/protocol.md "Batches").
function onTandemMessage(sub, m) {
  if (Array.isArray(m)) { stats.batches = (stats.batches || 0) + 1; for (const f of m) onTandemFrame(sub, f); }
  else onTandemFrame(sub, m);
}

function onTandemFrame(sub, f) {
  switch (f.type) {
    case 'event': {
      if (sub.lastSeq != null && f.epoch === sub.epoch) {
        if (f.seq <= sub.lastSeq) { stats.seqDups++; return; }
        if (f.seq > sub.lastSeq + 1) stats.seqGaps += f.seq - sub.lastSeq - 1;
      }
      sub.epoch = f.epoch; sub.lastSeq = f.seq;
      record(sub, f.data);
      if (sub.resumeAckAt && !sub.caughtUpAt && f.data && f.data.p === phase && f.data.t >= sub.droppedAt) {
        sub.caughtUpAt = now();
      }
      break;
    }
    case 'ack':
      if (f.id === 'sub' || f.id === 'resub') {
        if (sub.lastSeq == null || f.epoch !== sub.epoch) { sub.epoch = f.epoch; sub.lastSeq = f.seq; }
        if (f.id === 'resub') { sub.resumeAckAt = now(); sub.recovered = !!f.recovered; }
        if (sub.onSubscribed) { sub.onSubscribed(); sub.onSubscribed = null; }
      }
      break;
    case 'reset':
      stats.resets++;
      break;
    case 'snapshot':
      // A fresh snapshot after reset carries the position to continue from.
      if (f.epoch && typeof f.seq === 'number' && sub.lastSeq == null) { sub.epoch = f.epoch; sub.lastSeq = f.seq; }
      break;
    case 'welcome':
      if (sub.onWelcome) { sub.onWelcome(f); sub.onWelcome = null; }
      break;
    case 'error':
      stats.errorFrames[f.code || 'unknown'] = (stats.errorFrames[f.code || 'unknown'] || 0) + 1;
      if (sub.onSubscribed && (f.id === 'sub' || f.id === 'resub')) { sub.onSubscribedErr?.(new Error(JSON.stringify(f))); }
      break;
    default: break; // ping, presence, ...
  }
}

async function openTandemWs(sub, since) {
  const token = await tokenFor([sub.room], sub.identity);
  const topic = `${sub.room}/chat`;
  await new Promise((resolve, reject) => {
    // BENCH_WS_AUTH=query puts the join token in the URL (?token=) instead of the first frame (hello).
    const inUrl = WS_AUTH === 'query';
    const ws = new WebSocket(`ws://127.0.0.1:${cfg.port}/api/realtime${inUrl ? `?token=${encodeURIComponent(token)}` : ''}`,
      { perMessageDeflate: false });
    sub.ws = ws;
    if (!inUrl) ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', id: 'h', token })));
    sub.onWelcome = () => {
      const frame = { type: 'subscribe', id: since ? 'resub' : 'sub', topic };
      if (since) frame.since = since;
      ws.send(JSON.stringify(frame));
    };
    sub.onSubscribed = resolve;
    sub.onSubscribedErr = reject;
    ws.on('error', (e) => { stats.errors++; reject(e); });
    ws.on('close', (code, reason) => {
      if (sub.ws !== ws || sub.closing) return;
      stats.closes++;
      stats.closeCodes = stats.closeCodes || {};
      const k = `${code} ${reason}`; stats.closeCodes[k] = (stats.closeCodes[k] || 0) + 1;
      // A real client resumes; so does this one (bounded), and loss is counted end to end.
      if (cfg.autoResume && (sub.resumes = (sub.resumes || 0) + 1) <= 20) {
        stats.reconnects++;
        setTimeout(() => openTandemWs(sub, sub.lastSeq == null ? null : { epoch: sub.epoch, seq: sub.lastSeq })
          .catch(() => { stats.errors++; }), 50);
      }
    });
    ws.on('message', (buf) => onTandemMessage(sub, JSON.parse(buf)));
  });
}

function openTandemSse(sub, resume = false) {
  return new Promise(async (resolve, reject) => {
    let token;
    try { token = await tokenFor([sub.room], sub.identity); } catch (e) { reject(e); return; }
    const topic = `${sub.room}/chat`;
    const headers = { accept: 'text/event-stream' };
    if (resume && sub.lastEventId) headers['last-event-id'] = sub.lastEventId;
    const req = http.request({ host: '127.0.0.1', port: cfg.port, agent: false,
      path: `/api/realtime/sse?token=${encodeURIComponent(token)}`, headers }, (res) => {
      if (res.statusCode !== 200) { reject(new Error('sse status ' + res.statusCode)); res.resume(); return; }
      res.setEncoding('utf8');
      let buf = '';
      let data = '';
      res.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          let line = buf.slice(0, i); buf = buf.slice(i + 1);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (line === '') {
            if (data) { const d = data; data = ''; onTandemMessage(sub, JSON.parse(d)); }
          } else if (line.startsWith('data:')) {
            const v = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
            data = data ? data + '\n' + v : v;
          } else if (line.startsWith('id:')) {
            sub.lastEventId = line.slice(3).trim();
          }
        }
      });
      res.on('close', () => {
        if (sub.closing || sub.req !== req) return;
        stats.closes++;
        // Like EventSource: reconnect with Last-Event-ID (bounded), the session resumes.
        if (cfg.autoResume && (sub.resumes = (sub.resumes || 0) + 1) <= 20) {
          stats.reconnects++;
          setTimeout(() => openTandemSse(sub, true).catch(() => { stats.errors++; }), 50);
        }
      });
    });
    sub.req = req;
    sub.onWelcome = (f) => {
      if (resume && f.session === sub.session) { // session resumed: subscriptions kept, the outbox replays
        if (sub.droppedAt) { sub.resumeAckAt = now(); sub.recovered = true; }
        resolve(); return;
      }
      sub.session = f.session;
      const frame = { type: 'subscribe', id: resume ? 'resub' : 'sub', topic };
      if (resume && sub.lastSeq != null) frame.since = { epoch: sub.epoch, seq: sub.lastSeq };
      httpJson('POST', `/api/realtime/sse/${f.session}`, frame).catch((e) => reject(e));
    };
    sub.onSubscribed = resolve;
    sub.onSubscribedErr = reject;
    req.on('error', (e) => { stats.errors++; reject(e); });
    req.end();
  });
}

function closeSub(sub) {
  sub.closing = true;
  try { sub.ws?.terminate(); } catch {}
  try { sub.sock?.close(); } catch {}
  try { sub.req?.destroy(); } catch {}
}

async function connectAll(list, concurrency) {
  let next = 0, ok = 0, failed = 0;
  const firstErrors = [];
  async function lane() {
    while (next < list.length) {
      const sub = list[next++];
      try { await withTimeout(openSub(sub), 30000, 'connect'); ok++; } catch (e) {
        failed++; if (firstErrors.length < 3) firstErrors.push(String(e.message || e));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, lane));
  return { ok, failed, firstErrors };
}

// ---------- publisher ----------
let pubConn = null;
let pubStats = { sent: 0, acked: 0, errors: 0 };
async function openPublisher(rooms) {
  const { system, port } = cfg;
  if (system === 'ws-relay') {
    // The relay is one room per connection: one publisher socket per room.
    pubConn = { sockets: new Map() };
    for (const room of rooms) {
      await new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/?room=${room}`, { perMessageDeflate: false });
        ws.on('open', resolve); ws.on('error', reject);
        pubConn.sockets.set(room, ws);
      });
    }
    pubConn.send = (room, data) => pubConn.sockets.get(room).send(JSON.stringify(data));
  } else if (system === 'socketio') {
    const s = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => { s.on('connect', resolve); s.on('connect_error', reject); });
    pubConn = { sock: s, send: (room, data) => s.emit('pub', { room, data }) };
  } else {
    // Tandem (both transports' subscribers): the publisher speaks WebSocket.
    const token = await tokenFor(rooms, 'publisher');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.on('message', (buf) => {
        const m = JSON.parse(buf);
        for (const f of Array.isArray(m) ? m : [m]) {
          if (f.type === 'welcome') resolve();
          else if (f.type === 'ack') pubStats.acked++;
          else if (f.type === 'error') { pubStats.errors++; pubStats.lastError = f; }
        }
      });
      ws.on('error', reject);
    });
    let id = 0;
    pubConn = { ws, send: (room, data) => ws.send(JSON.stringify({ type: 'publish', id: String(++id), topic: `${room}/chat`, data })) };
  }
}

function publish({ rooms, ratePerRoom, durationMs, p }) {
  return new Promise((resolve) => {
    const total = Math.round(ratePerRoom * rooms.length * durationMs / 1000);
    const totalRate = ratePerRoom * rooms.length; // msgs per second overall
    const start = now();
    let i = 0;
    let maxBehind = 0;
    const tick = () => {
      const elapsed = now() - start;
      const due = Math.min(total, Math.floor(elapsed * totalRate / 1000) + 1);
      if (due - i > maxBehind) maxBehind = due - i;
      while (i < due) {
        const room = rooms[i % rooms.length];
        const n = Math.floor(i / rooms.length);
        pubConn.send(room, { t: now(), n, p, pad: PAD });
        i++; pubStats.sent++;
      }
      if (i >= total || elapsed > durationMs * 3) {
        resolve({ sent: i, wallMs: now() - start, maxBehind });
      } else setTimeout(tick, 1);
    };
    tick();
  });
}

// ---------- IPC ----------
process.on('message', async (m) => {
  try {
    switch (m.cmd) {
      case 'init': {
        cfg = m.cfg;
        send({ ev: 'init', ok: true });
        break;
      }
      case 'connect': {
        // m.subs: [{room, identity}]
        const list = m.subs.map((s) => ({ ...s, seen: null, lastSeq: null, epoch: null }));
        const t0 = now();
        const r = await connectAll(list, m.concurrency || 50);
        subs.push(...list);
        send({ ev: 'connect', ...r, ms: now() - t0 });
        break;
      }
      case 'arm': {
        phase = m.phase; maxN = m.maxN;
        hist = new Int32Array(BUCKETS); stats = freshStats(); worstByN = new Float32Array(maxN);
        for (const s of subs) { s.seen = new Uint8Array(maxN); s.lastRecv = 0; }
        send({ ev: 'arm' });
        break;
      }
      case 'report': {
        let lost = 0, complete = 0;
        const expected = m.expectedPerRoom || {};
        for (const s of subs) {
          const exp = expected[s.room] ?? 0;
          let got = 0;
          if (s.seen) for (let n = 0; n < exp; n++) got += s.seen[n];
          lost += exp - got;
          if (got === exp) complete++;
        }
        const sparse = [];
        for (let b = 0; b < BUCKETS; b++) if (hist[b]) sparse.push(b, hist[b]);
        let lastRecv = 0; for (const s of subs) if (s.lastRecv > lastRecv) lastRecv = s.lastRecv;
        send({ ev: 'report', stats, lost, complete, subs: subs.length, hist: sparse, bucketMs: BUCKET_MS, lastRecv,
          worstByN: Array.from(worstByN, (v) => +v.toFixed(2)) });
        break;
      }
      case 'progress': {
        let received = stats.received;
        send({ ev: 'progress', received });
        break;
      }
      case 'drop': {
        // Resume storm: cut every subscriber at once (no close handshake), then resume with `since`.
        // WebSocket: a new connection subscribes with `since`; SSE: a new stream with Last-Event-ID
        // resumes the session, as EventSource does (a session that is gone subscribes with `since`).
        const t0 = now();
        const old = subs.map((s) => s.ws || s.req);
        for (const s of subs) { s.droppedAt = t0; s.resumeAckAt = 0; s.caughtUpAt = 0; s.ws = null; s.req = null; }
        for (const c of old) { try { c.terminate ? c.terminate() : c.destroy(); } catch {} }
        let next = 0, ok = 0, failed = 0;
        const firstErrors = [];
        const lane = async () => {
          while (next < subs.length) {
            const s = subs[next++];
            const since = s.lastSeq == null ? null : { epoch: s.epoch, seq: s.lastSeq };
            const resume = cfg.system === 'tandem-sse' ? openTandemSse(s, true) : openTandemWs(s, since);
            try { await withTimeout(resume, 30000, 'resume'); ok++; } catch (e) {
              failed++; if (firstErrors.length < 3) firstErrors.push(String(e.message || e));
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(m.concurrency || 100, subs.length) }, lane));
        send({ ev: 'drop', ok, failed, firstErrors, ms: now() - t0 });
        break;
      }
      case 'resumeReport': {
        let acked = 0, caught = 0, recovered = 0, maxAck = 0, maxCaught = 0;
        for (const s of subs) {
          if (s.resumeAckAt) { acked++; maxAck = Math.max(maxAck, s.resumeAckAt - s.droppedAt); }
          if (s.caughtUpAt) { caught++; maxCaught = Math.max(maxCaught, s.caughtUpAt - s.droppedAt); }
          if (s.recovered) recovered++;
        }
        send({ ev: 'resumeReport', acked, caught, recovered, maxAckMs: maxAck, maxCaughtUpMs: maxCaught });
        break;
      }
      case 'pubOpen': {
        await openPublisher(m.rooms);
        send({ ev: 'pubOpen' });
        break;
      }
      case 'publish': {
        const r = await publish(m);
        send({ ev: 'publish', ...pubStats, ...r }); // r.sent = this phase only
        break;
      }
      case 'pubStats': {
        send({ ev: 'pubStats', ...pubStats });
        break;
      }
      case 'close': {
        for (const s of subs) closeSub(s);
        try { pubConn?.ws?.terminate(); pubConn?.sock?.close(); pubConn?.sockets?.forEach((w) => w.terminate()); } catch {}
        send({ ev: 'close' });
        setTimeout(() => process.exit(0), 100);
        break;
      }
      default: send({ ev: 'error', error: 'unknown cmd ' + m.cmd });
    }
  } catch (e) {
    send({ ev: 'error', error: String(e && e.stack || e) });
  }
});
