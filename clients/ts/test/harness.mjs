// Test harness: a real Tandem (bin/run on Payara Micro) and real headless Chromium (playwright-core).
//
// Environment:
//   TANDEM_TEST_URL + TANDEM_TEST_API_KEY  use a server that is already running (nothing is started)
//   TANDEM_TEST_PORT                       port for the server started here (default 18180)
//   TANDEM_BUILD_DIR                       Maven build dir holding tandem.war (default <repo>/target);
//                                          bin/run builds it when the WAR or Payara Micro is missing
//   CHROMIUM_PATH                          default /usr/bin/chromium
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(CLIENT_DIR, '..', '..');
const DIST = join(CLIENT_DIR, 'dist');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function until(what, fn, timeoutMs = 15000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function uniqueRoom(prefix) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

// --- the server ----------------------------------------------------------------------------------

export async function startServer() {
  if (process.env.TANDEM_TEST_URL) {
    if (!process.env.TANDEM_TEST_API_KEY) throw new Error('TANDEM_TEST_URL needs TANDEM_TEST_API_KEY');
    return { url: process.env.TANDEM_TEST_URL.replace(/\/+$/, ''), apiKey: process.env.TANDEM_TEST_API_KEY, stop: async () => {} };
  }
  const port = Number(process.env.TANDEM_TEST_PORT ?? 18180);
  const buildDir = process.env.TANDEM_BUILD_DIR ?? join(ROOT, 'target');
  const apiKey = randomBytes(18).toString('hex');
  const haveWar = existsSync(join(buildDir, 'tandem.war'))
    && existsSync(buildDir) && readdirSync(buildDir).some((f) => /^payara-micro-.*\.jar$/.test(f));
  const env = {
    ...process.env,
    TANDEM_PORT: String(port),
    TANDEM_BUILD_DIR: buildDir,
    TANDEM_API_KEY: apiKey,
    TANDEM_TOKEN_SECRET: randomBytes(32).toString('hex'),
    // Short session retention, so that the "session gone" path can be tested in seconds.
    TANDEM_SESSION_TTL_SECONDS: '4',
    // Bursts beyond the default per-connection publish burst (200) are tested.
    TANDEM_PUBLISH_BURST: '1000',
    TANDEM_JAVA_OPTS: process.env.TANDEM_JAVA_OPTS ?? '-Xmx384m',
  };
  if (haveWar) env.TANDEM_SKIP_BUILD = '1';
  const child = spawn(join(ROOT, 'bin', 'run'), [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk.toString()).slice(-20000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exitedPromise = new Promise((r) => child.on('exit', () => { exited = true; r(); }));
  const killGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
  const onExit = () => killGroup('SIGKILL');
  const onSignal = (signal) => { killGroup('SIGTERM'); process.exit(signal === 'SIGINT' ? 130 : 143); };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const url = `http://127.0.0.1:${port}`;
  try {
    await until('the server to be healthy', async () => {
      if (exited) throw new Error(`bin/run exited during startup:\n${output}`);
      try {
        const res = await fetch(`${url}/api/v1/health`);
        return res.ok;
      } catch {
        return false;
      }
    }, haveWar ? 150000 : 400000, 500);
  } catch (e) {
    killGroup('SIGTERM');
    throw e;
  }
  return {
    url, apiKey, output: () => output,
    stop: async () => {
      if (!exited) {
        killGroup('SIGTERM'); // bin/run stops the JVM in its trap
        await Promise.race([exitedPromise, sleep(35000)]);
        if (!exited) killGroup('SIGKILL');
      }
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function mintToken(server, identity, room, role = 'collaborator') {
  const res = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity, name: identity[0].toUpperCase() + identity.slice(1), rooms: [room], role }),
  });
  if (res.status !== 201) throw new Error(`mint token: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

export async function restPublish(server, room, channel, data) {
  const res = await fetch(`${server.url}/api/v1/rooms/${room}/channels/${channel}/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data, from: 'backoffice' }),
  });
  if (res.status !== 201) throw new Error(`REST publish: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// --- the browser ---------------------------------------------------------------------------------

/**
 * Headless Debian Chromium with a fresh profile. Requests for `/js/...` are answered from
 * clients/ts/dist (the client just compiled by `npm test`, so a stale WAR cannot hide a change).
 */
export async function startBrowser(server) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.route(`${server.url}/js/**`, (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/js\//, '');
    const file = join(DIST, path);
    if (!file.startsWith(DIST) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ path: file, contentType: file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  });
  return {
    context,
    async page(name) {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[${name}] page error:`, e));
      page.on('console', (m) => { if (m.type() === 'error') console.error(`[${name}] console:`, m.text()); });
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the test page and connects a client that records everything it hands to the app. */
export async function openClient(browser, server, name, { token, transport = 'auto', topics = [], options = {}, beforeLoad } = {}) {
  const page = await browser.page(name);
  if (beforeLoad) await beforeLoad(page);
  // A document served by Tandem itself (the demo page without a token stays idle): a page fulfilled by a
  // route would count as "public" for Chromium's Local Network Access checks, which block its WebSocket
  // to 127.0.0.1 (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
  await page.goto(`${server.url}/?harness`);
  await page.addScriptTag({ type: 'module', content: TEST_SCRIPT });
  await page.waitForFunction(() => window.T !== undefined);
  const used = await page.evaluate(([token, transport, topics, options]) => window.setup(token, transport, topics, options),
    [token, transport, topics, options]);
  return { page, name, transport: used };
}

const TEST_SCRIPT = `
import * as T from '/js/src/index.js';
window.rec = { statuses: [], errors: [], topics: {}, logs: [] };
window.setup = async (token, transport, topics, options) => {
  const client = new T.TandemClient({ token, transport, ...options, log: (...a) => rec.logs.push(a.map(String).join(' ')) });
  window.client = client;
  client.on('status', (s) => rec.statuses.push(s.state + ':' + s.transport));
  client.on('error', (e) => rec.errors.push(e.code));
  for (const topic of topics) window.sub(topic);
  await client.connect();
  await Promise.all(topics.map((t) => rec.topics[t].sub.ready));
  return client.transport;
};
window.sub = (topic) => {
  const r = rec.topics[topic] = { snapshots: [], events: [], resets: [] };
  r.sub = client.subscribe(topic, {
    onSnapshot: (s) => r.snapshots.push({ epoch: s.epoch, seq: s.seq, seqs: (s.events || []).map((e) => e.seq), state: s.state }),
    onEvent: (e) => r.events.push({ epoch: e.epoch, seq: e.seq, from: e.from, data: e.data }),
    onReset: (x) => r.resets.push(x.reason),
  });
};
window.events = (topic) => rec.topics[topic].events;
window.T = T;
// Documents: the page's own @automerge/automerge (the browser build the WAR serves to the demo).
window.docs = {};
window.loadAutomerge = async () => {
  if (window.A) return;
  const A = await import('/js/vendor/automerge/entrypoints/slim.js');
  await A.initializeWasm('/js/vendor/automerge/wasm_bindgen_output/web/automerge_wasm_bg.wasm');
  window.A = A;
};
window.openDoc = async (id, mode) => {
  const r = window.docs[id] = { origins: [], errors: [] };
  const options = { mode, onChange: (doc, change) => r.origins.push(change.origin), onError: (e) => r.errors.push(e.code) };
  if (mode === 'sync') {
    await window.loadAutomerge();
    options.automerge = window.A;
  }
  try {
    r.doc = client.openDocument(id, options);
    await r.doc.ready;
    return 'ready';
  } catch (e) {
    return e.code;
  }
};
window.docState = (id) => {
  const d = window.docs[id].doc;
  return { heads: d.heads, json: JSON.parse(JSON.stringify((d.mode === 'sync' ? d.doc : d.view) ?? null)), origins: window.docs[id].origins };
};
`;

/** The events (seq, from, data) the app saw on `topic`. */
export const events = (client, topic) => client.page.evaluate((t) => window.events(t), topic);
export const recorded = (client, topic) => client.page.evaluate((t) => {
  const r = window.rec.topics[t];
  return { snapshots: r.snapshots, events: r.events, resets: r.resets, statuses: window.rec.statuses, errors: window.rec.errors };
}, topic);
export const publish = (client, topic, data, opts) => client.page.evaluate(([t, d, o]) => window.client.publish(t, d, o), [topic, data, opts]);
/** A document's heads and JSON as one page holds them. */
export const docState = (client, id) => client.page.evaluate((d) => window.docState(d), id);

export async function restDoc(server, room, name) {
  const res = await fetch(`${server.url}/api/v1/rooms/${room}/docs/${name}`, {
    headers: { Authorization: `Bearer ${server.apiKey}`, Accept: 'application/json' },
  });
  if (res.status !== 200) throw new Error(`REST doc: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

export const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
