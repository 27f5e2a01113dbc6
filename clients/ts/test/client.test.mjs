// End-to-end tests: the real client in real headless Chromium against a real Tandem (bin/run).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  events, mintToken, openClient, publish, range, recorded, restDoc, restPublish, sleep, startBrowser, startServer,
  uniqueRoom, until,
} from './harness.mjs';
import { documentTests } from './documents.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser(server);
}, { timeout: 420000 });

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
}, { timeout: 60000 });

const seqsOf = (list) => list.map((e) => e.seq);
const waitForCount = (client, topic, n, timeoutMs = 15000) =>
  until(`${client.name} to see ${n} events on ${topic}`, async () => (await events(client, topic)).length >= n, timeoutMs);

describe('Tandem browser client', { concurrency: false }, () => {
  test('(a) WebSocket and SSE clients in one room see the same events in the same order', { timeout: 90000 }, async () => {
    const room = uniqueRoom('ra');
    const topic = `${room}/chat`;
    const socketUrls = [];
    const alice = await openClient(browser, server, 'alice', { token: await mintToken(server, 'alice', room), topics: [topic],
      beforeLoad: (page) => page.on('websocket', (ws) => socketUrls.push(ws.url())) });
    const bob = await openClient(browser, server, 'bob', { token: await mintToken(server, 'bob', room), transport: 'sse', topics: [topic] });
    assert.equal(alice.transport, 'websocket');
    assert.deepEqual(socketUrls.map((u) => new URL(u).pathname), ['/api/realtime'], 'one WebSocket to /api/realtime');
    assert.ok(socketUrls.every((u) => !new URL(u).search), 'the join token goes in hello, not in the WebSocket URL');
    assert.equal(bob.transport, 'sse');

    // Both publish at the same time (each in its own order), plus a back-office publish over REST.
    const send = (c, n) => c.page.evaluate(async ([t, who, n]) => {
      const acks = [];
      for (let i = 1; i <= n; i++) acks.push(await window.client.publish(t, { text: `${who} ${i}` }));
      return acks;
    }, [topic, c.name, n]);
    const [aliceAcks, bobAcks, rest] = await Promise.all([send(alice, 15), send(bob, 15), restPublish(server, room, 'chat', { text: 'from REST' })]);

    const ackSeqs = [...aliceAcks, ...bobAcks].map((a) => a.seq).concat(rest.seq).sort((x, y) => x - y);
    assert.deepEqual(ackSeqs, range(1, 31), 'acks carry every seq exactly once');
    assert.ok(aliceAcks.every((a) => a.topic === topic && typeof a.epoch === 'string'));

    await waitForCount(alice, topic, 31);
    await waitForCount(bob, topic, 31);
    await sleep(300); // nothing more may arrive
    const a = await events(alice, topic);
    const b = await events(bob, topic);
    assert.deepEqual(seqsOf(a), range(1, 31));
    assert.deepEqual(b, a, 'same events, same order, same data on WebSocket and SSE');
    // Each side's own messages arrive in the order it sent them, tagged with the right identity.
    assert.deepEqual(a.filter((e) => e.from === 'alice').map((e) => e.data.text), range(1, 15).map((i) => `alice ${i}`));
    assert.deepEqual(a.filter((e) => e.from === 'bob').map((e) => e.data.text), range(1, 15).map((i) => `bob ${i}`));
    assert.equal(a.filter((e) => e.from === 'backoffice').length, 1);
    // Each ack's seq is the seq the event was delivered with.
    for (const ack of aliceAcks) assert.equal(a.find((e) => e.seq === ack.seq).from, 'alice');
    for (const ack of bobAcks) assert.equal(a.find((e) => e.seq === ack.seq).from, 'bob');

    // Typed errors: a room the token does not grant, a bad topic name.
    const err = (c, t) => c.page.evaluate((t) => window.client.publish(t, { x: 1 }).then(
      () => 'resolved', (e) => ({ name: e.name, code: e.code, message: e.message })), t);
    const forbidden = await err(bob, 'other-room/chat');
    assert.equal(forbidden.name, 'TandemError');
    assert.equal(forbidden.code, 'forbidden');
    assert.equal((await err(alice, '../etc/chat')).code, 'bad_request');

    // A state channel: merge patches on a snapshot, the same value on both sides.
    const ui = `${room}/ui`;
    await alice.page.evaluate((t) => { window.sub(t); return window.rec.topics[t].sub.ready; }, ui);
    await bob.page.evaluate((t) => { window.sub(t); return window.rec.topics[t].sub.ready; }, ui);
    await publish(alice, ui, { counter: 1, timer: { running: true } });
    await publish(bob, ui, { counter: 2, timer: { running: null, left: 5 } });
    const stateOf = (c) => c.page.evaluate((t) => window.rec.topics[t].sub.state, ui);
    await until('both UI states to converge', async () => (await stateOf(bob))?.counter === 2 && (await stateOf(alice))?.counter === 2);
    assert.deepEqual(await stateOf(alice), { counter: 2, timer: { left: 5 } });
    assert.deepEqual(await stateOf(bob), { counter: 2, timer: { left: 5 } });

    await alice.page.close();
    await bob.page.close();
  });

  test('(b) WebSocket blocked: the client falls back to SSE by itself and still publishes and receives', { timeout: 90000 }, async () => {
    const room = uniqueRoom('rb');
    const topic = `${room}/chat`;
    const isRealtime = (url) => url.pathname === '/api/realtime';
    // 1. The socket is refused (closes before welcome).
    const carol = await openClient(browser, server, 'carol', {
      token: await mintToken(server, 'carol', room), topics: [topic],
      beforeLoad: (page) => page.routeWebSocket(isRealtime, (ws) => ws.close({ code: 1008, reason: 'blocked by proxy' })),
    });
    // 2. The socket opens but nothing ever comes through (a proxy that swallows it): the welcome timeout.
    const dave = await openClient(browser, server, 'dave', {
      token: await mintToken(server, 'dave', room), topics: [topic], options: { websocketTimeoutMs: 1500 },
      beforeLoad: (page) => page.routeWebSocket(isRealtime, () => { /* never answers */ }),
    });
    // 3. A normal WebSocket client in the same room.
    const alice = await openClient(browser, server, 'alice', { token: await mintToken(server, 'alice', room), topics: [topic] });

    assert.equal(carol.transport, 'sse');
    assert.equal(dave.transport, 'sse');
    assert.equal(alice.transport, 'websocket');
    const carolRec = await recorded(carol, topic);
    assert.equal(carolRec.statuses[0], 'connecting:websocket', 'WebSocket was tried first');
    assert.equal(carolRec.statuses.at(-1), 'connected:sse');
    assert.ok((await recorded(dave, topic)).statuses.includes('connecting:websocket'));

    const c1 = await publish(carol, topic, { text: 'carol over SSE' });
    const d1 = await publish(dave, topic, { text: 'dave over SSE' });
    const a1 = await publish(alice, topic, { text: 'alice over WebSocket' });
    assert.deepEqual([c1.seq, d1.seq, a1.seq], [1, 2, 3]);
    for (const c of [carol, dave, alice]) await waitForCount(c, topic, 3);
    const expected = [[1, 'carol', 'carol over SSE'], [2, 'dave', 'dave over SSE'], [3, 'alice', 'alice over WebSocket']];
    for (const c of [carol, dave, alice]) {
      assert.deepEqual((await events(c, topic)).map((e) => [e.seq, e.from, e.data.text]), expected, c.name);
    }

    // A burst over SSE: more frames than one POST may carry (welcome.maxFramesPerPost, 250 here) go in
    // several bodies, and every one is acknowledged in order.
    const burst = 300;
    const seqs = await carol.page.evaluate(([t, n]) => Promise.all(
      Array.from({ length: n }, (_, i) => window.client.publish(t, { n: i }).then((ack) => ack.seq))), [topic, burst]);
    assert.deepEqual(seqs, range(4, 3 + burst), 'every frame of the burst acknowledged, in order');
    await waitForCount(alice, topic, 3 + burst);
    assert.deepEqual((await events(alice, topic)).slice(3).map((e) => e.data.n), range(0, burst - 1));
    for (const c of [carol, dave, alice]) await c.page.close();
  });

  test('(c) forced drops: resume with no lost or duplicated events (WebSocket and SSE)', { timeout: 90000 }, async () => {
    const room = uniqueRoom('rc');
    const topic = `${room}/chat`;
    const alice = await openClient(browser, server, 'alice', { token: await mintToken(server, 'alice', room), topics: [topic] });
    const bob = await openClient(browser, server, 'bob', { token: await mintToken(server, 'bob', room), transport: 'sse', topics: [topic] });
    let n = 0;
    const burst = async (k) => { for (let i = 0; i < k; i++) await restPublish(server, room, 'chat', { text: `m${++n}` }); };

    await burst(5);
    // Six rounds: drop both connections, publish while they are down, let them resume.
    for (let round = 0; round < 6; round++) {
      await alice.page.evaluate(() => window.client.dropConnection());
      await bob.page.evaluate(() => window.client.dropConnection());
      await burst(5);
      // The dropped clients publish too: their requests wait for the connection and go out after the resume.
      const [pa, pb] = await Promise.all([
        publish(alice, topic, { text: `m-alice-${round}` }), publish(bob, topic, { text: `m-bob-${round}` })]);
      n += 2;
      assert.ok(pa.seq > 0 && pb.seq > 0);
    }
    await burst(5);
    const total = n;
    await waitForCount(alice, topic, total);
    await waitForCount(bob, topic, total);
    await sleep(300);
    const a = await recorded(alice, topic);
    const b = await recorded(bob, topic);
    assert.deepEqual(seqsOf(a.events), range(1, total), 'alice (WebSocket): every seq exactly once, in order');
    assert.deepEqual(seqsOf(b.events), range(1, total), 'bob (SSE): every seq exactly once, in order');
    assert.deepEqual(b.events, a.events);
    assert.deepEqual(a.resets, []);
    assert.deepEqual(b.resets, []);
    assert.equal(a.snapshots.length, 1, 'WebSocket resumes replay (since), no second snapshot');
    assert.equal(b.snapshots.length, 1, 'SSE resumes the same session, no second snapshot');
    assert.ok(a.statuses.filter((s) => s === 'reconnecting:websocket').length >= 6, a.statuses.join(','));
    assert.ok(b.statuses.filter((s) => s === 'reconnecting:sse').length >= 6, b.statuses.join(','));
    const logsOf = (c) => c.page.evaluate(() => window.rec.logs);

    // SSE resuming from an older position (a lagging Last-Event-ID) replays frames the client already
    // has: the client drops them by seq.
    await bob.page.evaluate(() => {
      const c = window.client;
      const [session] = c.lastSseEventId.split(':');
      c.lastSseEventId = `${session}:3`;
      c.dropConnection();
    });
    await burst(2);
    await waitForCount(bob, topic, total + 2);
    await sleep(500);
    const b2 = await recorded(bob, topic);
    assert.deepEqual(seqsOf(b2.events), range(1, total + 2), 'replayed duplicates were dropped');
    assert.ok((await logsOf(bob)).some((l) => l.startsWith('tandem: duplicate dropped')), 'the replay did contain duplicates');

    // The server is unreachable for longer than the session is kept (TANDEM_SESSION_TTL_SECONDS=4 in the
    // harness): the SSE session is gone, the client opens a new one and re-subscribes with since.
    if (!process.env.TANDEM_TEST_URL || process.env.TANDEM_TEST_SHORT_TTL) {
      await bob.page.route('**/api/realtime/sse**', (route) => route.abort('connectionrefused'));
      await bob.page.evaluate(() => window.client.dropConnection());
      await burst(3);
      await sleep(6500);
      await bob.page.unroute('**/api/realtime/sse**');
      await burst(2);
      const want = total + 7;
      await waitForCount(bob, topic, want, 30000);
      await sleep(300);
      const b3 = await recorded(bob, topic);
      assert.deepEqual(seqsOf(b3.events), range(1, want), 'new session, resumed with since: nothing lost or doubled');
      assert.deepEqual(b3.resets, []);
      assert.ok((await logsOf(bob)).some((l) => l.includes('(new session)')), 'a new session was opened');
      await waitForCount(alice, topic, want);
      assert.deepEqual(seqsOf(await events(alice, topic)), range(1, want));
    }
    await alice.page.close();
    await bob.page.close();
  });

  test('(c2) the network closes the WebSocket under the client: it reconnects and resumes', { timeout: 90000 }, async () => {
    const room = uniqueRoom('rc2');
    const topic = `${room}/chat`;
    // Every WebSocket of this page goes through a test proxy that can cut it from the network side.
    const sockets = [];
    const erin = await openClient(browser, server, 'erin', {
      token: await mintToken(server, 'erin', room), topics: [topic],
      beforeLoad: (page) => page.routeWebSocket((url) => url.pathname === '/api/realtime', (ws) => {
        ws.connectToServer();
        sockets.push(ws);
      }),
    });
    assert.equal(erin.transport, 'websocket');
    let n = 0;
    const burst = async (k) => { for (let i = 0; i < k; i++) await restPublish(server, room, 'chat', { text: `m${++n}` }); };
    await burst(3);
    for (let round = 1; round <= 4; round++) {
      await waitForCount(erin, topic, n);
      sockets.at(-1).close({ code: 1011, reason: 'cut by the network' });
      await burst(4);
      await until(`reconnect ${round}`, () => sockets.length === round + 1);
    }
    await burst(2);
    await waitForCount(erin, topic, n);
    await sleep(300);
    const r = await recorded(erin, topic);
    assert.deepEqual(seqsOf(r.events), range(1, n));
    assert.deepEqual(r.resets, []);
    assert.equal(r.snapshots.length, 1);
    assert.equal(r.statuses.at(-1), 'connected:websocket', 'it stays on WebSocket after ordinary drops');
    assert.equal(r.statuses.filter((s) => s === 'reconnecting:websocket').length, 4);
    await erin.page.close();
  });

  test('(d) the demo page renders; a message typed in one page appears in the other', { timeout: 90000 }, async () => {
    const room = uniqueRoom('demo');
    const aliceToken = await mintToken(server, 'alice', room);
    const bobToken = await mintToken(server, 'bob', room);
    // The WAR itself serves the page and the compiled client.
    for (const path of ['/', '/demo.css']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, `${path} is served by the WAR`);
    }
    // The compiled client is in the WAR: index.js and every module it imports, transitively.
    const modules = new Map();
    const load = async (path) => {
      if (modules.has(path)) return;
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, `${path} is in the WAR`);
      const text = await res.text();
      modules.set(path, text);
      for (const [, spec] of text.matchAll(/^(?:import|export)\b[^'"]*from '([^']+)'/gm)) {
        assert.match(spec, /^\.\.?\/.*\.js$/, `${path} imports ${spec} by a relative .js path the browser can load`);
        await load(new URL(spec, `${server.url}${path}`).pathname);
      }
    };
    await load('/js/src/index.js');
    await load('/js/demo/demo.js');
    assert.ok([...modules.values()].some((text) => /class TandemClient/.test(text)), 'TandemClient is among them');
    // The browser build of Automerge the demo's canvas loads, its WebAssembly with the type browsers need.
    await load('/js/vendor/automerge/entrypoints/slim.js');
    const wasm = await fetch(`${server.url}/js/vendor/automerge/wasm_bindgen_output/web/automerge_wasm_bg.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'a WebAssembly module');

    const alice = await browser.page('demo-alice');
    const bob = await browser.page('demo-bob');
    await alice.goto(`${server.url}/?token=${aliceToken}`);
    await bob.goto(`${server.url}/?token=${bobToken}&transport=sse&docs=json`);
    for (const p of [alice, bob]) await p.waitForFunction(() => window.tandemDemo?.ready === true, null, { timeout: 15000 });
    assert.equal(await alice.textContent('#transport'), 'websocket');
    assert.equal(await bob.textContent('#transport'), 'sse');
    assert.equal(await alice.getAttribute('#status', 'data-state'), 'connected');
    assert.equal(await bob.textContent('#room-name'), room);
    assert.equal(await alice.textContent('#canvas-mode'), 'Automerge sync');
    assert.equal(await bob.textContent('#canvas-mode'), 'JSON operations');

    await alice.fill('#chat-input', 'Hello Bob, can you see this?');
    await alice.press('#chat-input', 'Enter');
    await bob.waitForSelector('#chat-list li.msg[data-from="alice"]', { timeout: 10000 });
    assert.equal(await bob.textContent('#chat-list li.msg .text'), 'Hello Bob, can you see this?');
    await bob.fill('#chat-input', 'Loud and clear, over SSE.');
    await bob.click('#chat-form button[type=submit]');
    await alice.waitForSelector('#chat-list li.msg[data-from="bob"]', { timeout: 10000 });
    const texts = (p) => p.$$eval('#chat-list li.msg .text', (els) => els.map((e) => e.textContent));
    assert.deepEqual(await texts(alice), ['Hello Bob, can you see this?', 'Loud and clear, over SSE.']);
    assert.deepEqual(await texts(bob), await texts(alice));

    // The canvas document: a stroke drawn on each page (alice: Automerge replica, bob: JSON operations).
    const draw = async (page, from, to) => {
      await page.locator('#canvas').scrollIntoViewIfNeeded();
      const box = await page.locator('#canvas').boundingBox();
      await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) {
        await page.mouse.move(box.x + box.width * (from[0] + ((to[0] - from[0]) * i) / 10), box.y + box.height * (from[1] + ((to[1] - from[1]) * i) / 10));
      }
      await page.mouse.up();
    };
    await draw(alice, [0.1, 0.2], [0.4, 0.6]);
    await draw(bob, [0.6, 0.8], [0.9, 0.1]);
    const strokes = (p) => p.evaluate(() => window.tandemDemo.canvas.strokeCount());
    await until('both strokes on both pages', async () => (await strokes(alice)) === 2 && (await strokes(bob)) === 2);
    const canvas = await restDoc(server, room, 'canvas');
    const shapes = Object.values(canvas.view.shapes);
    assert.deepEqual(shapes.map((s) => s.by).sort(), ['alice', 'bob']);
    for (const shape of shapes) {
      assert.equal(shape.kind, 'stroke');
      assert.ok(shape.points.length >= 8 && shape.points.length % 2 === 0, `${shape.by}'s stroke has its points: ${shape.points}`);
    }
    await until('the paths drawn the same on both pages', async () => {
      const d = (p) => p.$$eval('#canvas path', (els) => els.map((e) => e.getAttribute('d')).sort().join('|'));
      return (await d(alice)) === (await d(bob));
    });

    // Shared state in the same document: concurrent increments add up, and the agent stream.
    await bob.click('#counter-inc');
    await bob.click('#counter-inc');
    await alice.click('#counter-inc');
    await until('counter 3 on both pages', async () =>
      (await alice.textContent('#counter')) === '3' && (await bob.textContent('#counter')) === '3');
    await Promise.all([alice, bob].map(async (p) => { for (let i = 0; i < 10; i++) await p.click('#counter-inc'); }));
    await until('counter 23 on both pages', async () =>
      (await alice.textContent('#counter')) === '23' && (await bob.textContent('#counter')) === '23');
    const widgets = (await restDoc(server, room, 'canvas')).view.widgets;
    // One tally per page (tab), created by that page only.
    const tallies = Object.entries(widgets).filter(([k]) => k.startsWith('counter-'));
    assert.equal(tallies.length, 2);
    const byOwner = Object.fromEntries(tallies.map(([k, t]) => [t.owner, t.value]));
    assert.deepEqual(byOwner, { alice: 11, bob: 12 }, 'every click counted');
    for (const [k, t] of tallies) assert.match(k, new RegExp(`^counter-${t.owner}-[a-z0-9]+$`));
    assert.match(await alice.textContent('#ui-by'), /alice 11/);
    await alice.click('#timer-toggle');
    await until('timer running on bob', async () => (await bob.textContent('#timer-toggle')) === 'Pause');
    await alice.click('#canvas-clear');
    await until('only bob\'s stroke left on both pages', async () => (await strokes(alice)) === 1 && (await strokes(bob)) === 1);
    await alice.click('#agent-ask');
    await bob.waitForSelector('#agent-stream .run strong', { timeout: 20000 });
    assert.match(await bob.textContent('#agent-stream .run p'), /Reading the last messages in the room/);

    await alice.screenshot({ path: '/tmp/tandem-demo-alice.png' });
    await bob.screenshot({ path: '/tmp/tandem-demo-bob.png' });
    // The API key never reaches the browser.
    for (const p of [alice, bob]) assert.ok(!(await p.content()).includes(server.apiKey));
    await alice.close();
    await bob.close();
  });

  documentTests(() => ({ server, browser }));
});
