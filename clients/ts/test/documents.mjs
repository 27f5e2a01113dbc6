// Documents through the browser client: an Automerge replica in Chromium (sync mode, WebSocket) and a
// JSON-mode client (SSE) edit one document at once; both, and the server's REST view, must end equal.
// Registered by client.test.mjs (one server and one browser for every test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docState, mintToken, openClient, restDoc, uniqueRoom, until } from './harness.mjs';

/** Waits until every client holds the server's heads; returns the server's state. */
async function converged(server, room, name, clients, what) {
  const id = `${room}/${name}`;
  let rest;
  await until(`${what}: every replica at the server's heads`, async () => {
    rest = await restDoc(server, room, name);
    const heads = JSON.stringify([...rest.heads].sort());
    for (const c of clients) {
      if (JSON.stringify((await docState(c, id)).heads) !== heads) return false;
    }
    return true;
  }, 30000, 100);
  for (const c of clients) assert.deepEqual((await docState(c, id)).json, rest.view, `${c.name}'s copy equals the server's view`);
  return rest;
}

export function documentTests(ctx) {
  test('(e) documents: an Automerge replica (WebSocket) and a JSON-mode client (SSE) converge, offline edits merge, viewers read only', { timeout: 120000 }, async () => {
    const { server, browser } = ctx();
    const room = uniqueRoom('docs');
    const id = `${room}/canvas`;
    const alice = await openClient(browser, server, 'alice-sync', { token: await mintToken(server, 'alice', room), transport: 'websocket' });
    const bob = await openClient(browser, server, 'bob-json', { token: await mintToken(server, 'bob', room), transport: 'sse' });
    assert.equal(await alice.page.evaluate((d) => window.openDoc(d, 'sync'), id), 'ready');
    assert.equal(await bob.page.evaluate((d) => window.openDoc(d, 'json'), id), 'ready');
    assert.deepEqual((await docState(alice, id)).json, { shapes: {}, widgets: {}, ui: {} }, 'the canvas schema');
    assert.deepEqual((await docState(bob, id)).json, { shapes: {}, widgets: {}, ui: {} });

    // 30 strokes from each at once: one Automerge change each on alice's side, one doc.ops each on bob's.
    const aliceStrokes = alice.page.evaluate(async (d) => {
      const doc = window.docs[d].doc;
      for (let i = 0; i < 30; i++) {
        doc.change((x) => { x.shapes[`a${i}`] = { kind: new A.ImmutableString('stroke'), points: [i, i + 1], z: i }; });
        await new Promise((r) => setTimeout(r, 0));
      }
    }, id);
    const bobStrokes = bob.page.evaluate((d) => Promise.all(Array.from({ length: 30 }, (_, i) =>
      window.docs[d].doc.ops([{ op: 'put', path: ['shapes', `b${i}`], value: { kind: 'stroke', points: [i], z: i } }]))), id);
    const [, bobHeads] = await Promise.all([aliceStrokes, bobStrokes]);
    assert.equal(bobHeads.length, 30, 'every doc.ops is acked with heads');
    let rest = await converged(server, room, 'canvas', [alice, bob], 'strokes');
    assert.equal(Object.keys(rest.view.shapes).length, 60);
    assert.deepEqual(rest.view.shapes.a7, { kind: 'stroke', points: [7, 8], z: 7 });
    assert.deepEqual(rest.view.shapes.b7, { kind: 'stroke', points: [7], z: 7 });

    // A counter: concurrent increments add up. Then both rename one shape at once: one winner everywhere.
    await alice.page.evaluate((d) => window.docs[d].doc.change((x) => { x.widgets.counter = { value: new A.Counter(1) }; }), id);
    await until('bob to see the counter', async () => (await docState(bob, id)).json.widgets.counter?.value === 1);
    await Promise.all([
      alice.page.evaluate(async (d) => {
        for (let i = 0; i < 20; i++) {
          window.docs[d].doc.change((x) => { x.widgets.counter.value.increment(1); });
          await new Promise((r) => setTimeout(r, 0));
        }
      }, id),
      bob.page.evaluate((d) => Promise.all(Array.from({ length: 20 }, () =>
        window.docs[d].doc.ops([{ op: 'increment', path: ['widgets', 'counter', 'value'], by: 1 }]))), id),
      alice.page.evaluate((d) => window.docs[d].doc.change((x) => { x.shapes.a0.name = new A.ImmutableString('from alice'); }), id),
      bob.page.evaluate((d) => window.docs[d].doc.ops([{ op: 'put', path: ['shapes', 'a0', 'name'], value: 'from bob' }]), id),
    ]);
    rest = await converged(server, room, 'canvas', [alice, bob], 'counter and rename');
    assert.equal(rest.view.widgets.counter.value, 41, '1 + 20 + 20: no increment lost');
    assert.ok(['from alice', 'from bob'].includes(rest.view.shapes.a0.name), `one of the two names won: ${rest.view.shapes.a0.name}`);

    // Offline edits: alice's connection drops and she draws before it is back; bob draws meanwhile.
    await Promise.all([
      alice.page.evaluate((d) => {
        window.client.dropConnection();
        for (let i = 0; i < 5; i++) {
          window.docs[d].doc.change((x) => { x.shapes[`offline${i}`] = { kind: new A.ImmutableString('stroke'), points: [i], z: 100 + i }; });
        }
      }, id),
      bob.page.evaluate((d) => Promise.all(Array.from({ length: 5 }, (_, i) =>
        window.docs[d].doc.ops([{ op: 'put', path: ['shapes', `online${i}`], value: { kind: 'stroke', points: [i], z: 200 + i } }]))), id),
    ]);
    rest = await converged(server, room, 'canvas', [alice, bob], 'offline edits');
    const names = Object.keys(rest.view.shapes);
    assert.equal(names.length, 70);
    for (let i = 0; i < 5; i++) assert.ok(names.includes(`offline${i}`) && names.includes(`online${i}`), `offline${i} and online${i}`);
    const aliceOrigins = (await docState(alice, id)).origins;
    assert.equal(aliceOrigins.filter((o) => o === 'snapshot').length, 2, 'the new session delivered a second snapshot, merged into the replica');

    // A viewer: sync mode refused (sync messages carry changes), JSON mode reads, its ops are refused.
    const vera = await openClient(browser, server, 'vera-viewer', { token: await mintToken(server, 'vera', room, 'viewer'), transport: 'websocket' });
    assert.equal(await vera.page.evaluate((d) => window.openDoc(d, 'sync'), id), 'forbidden');
    assert.equal(await vera.page.evaluate((d) => window.openDoc(d, 'json'), id), 'ready');
    assert.deepEqual((await docState(vera, id)).json, rest.view);
    const refused = await vera.page.evaluate((d) => window.docs[d].doc.ops([{ op: 'put', path: ['shapes', 'v'], value: 1 }])
      .then(() => 'applied', (e) => e.code), id);
    assert.equal(refused, 'forbidden');
    // Bad ids are refused by the client before anything is sent; a bad op by the server, changing nothing.
    assert.equal(await vera.page.evaluate(() => { try { window.client.openDocument('no-slash', { mode: 'json' }); return 'opened'; } catch (e) { return e.code; } }), 'bad_request');
    const badOp = await bob.page.evaluate((d) => window.docs[d].doc.ops([
      { op: 'put', path: ['shapes', 'ok'], value: 1 }, { op: 'increment', path: ['shapes', 'missing', 'n'] }]).then(() => 'applied', (e) => e.code), id);
    assert.equal(badOp, 'not_found');
    const after = await restDoc(server, room, 'canvas');
    assert.deepEqual(after.heads, rest.heads, 'neither the viewer nor the failed transaction changed the document');
    assert.equal((await docState(vera, id)).heads.join(), [...rest.heads].sort().join());

    // Closing and reopening a document while the WebSocket is down: the new session subscribes it once and
    // it stays subscribed (a queued doc.unsubscribe used to follow the new subscribe and detach it).
    const notes = `${room}/notes`;
    assert.equal(await bob.page.evaluate((d) => window.openDoc(d, 'json'), notes), 'ready');
    await alice.page.evaluate((d) => {
      window.client.dropConnection();
      window.openDoc(d, 'json');
      window.docs[d].doc.close();
      window.openDoc(d, 'json');
    }, notes);
    await until('alice to reopen the notes', async () => alice.page.evaluate((d) => window.docs[d].doc.view !== undefined, notes));
    await bob.page.evaluate((d) => window.docs[d].doc.ops([{ op: 'put', path: ['after'], value: 'reopen' }]), notes);
    await until('alice\'s reopened view to follow bob\'s op', async () =>
      (await docState(alice, notes)).json?.after === 'reopen');

    // A closed client: a document's pending ready rejects with closed, and so does one opened afterwards.
    const closedCodes = await vera.page.evaluate(async (d) => {
      const pending = window.client.openDocument(`${d}-late`, { mode: 'json' });
      window.client.close();
      const after = window.client.openDocument(`${d}-after`, { mode: 'json' });
      return Promise.all([pending.ready.then(() => 'ready', (e) => e.code), after.ready.then(() => 'ready', (e) => e.code)]);
    }, `${room}/thread`);
    assert.deepEqual(closedCodes, ['closed', 'closed']);

    for (const c of [alice, bob, vera]) await c.page.close();
  });

  test('(e2) documents over SSE: two Automerge replicas (SSE and WebSocket) and a JSON client edit a thread\'s text at once; a dropped SSE stream resumes', { timeout: 120000 }, async () => {
    const { server, browser } = ctx();
    const room = uniqueRoom('thread');
    const id = `${room}/thread/t1`;
    const carol = await openClient(browser, server, 'carol-sync-sse', { token: await mintToken(server, 'carol', room), transport: 'sse' });
    const dave = await openClient(browser, server, 'dave-sync-ws', { token: await mintToken(server, 'dave', room), transport: 'websocket' });
    const erin = await openClient(browser, server, 'erin-json-sse', { token: await mintToken(server, 'erin', room), transport: 'sse' });
    assert.equal(await carol.page.evaluate((d) => window.openDoc(d, 'sync'), id), 'ready');
    assert.equal(await dave.page.evaluate((d) => window.openDoc(d, 'sync'), id), 'ready');
    assert.equal(await erin.page.evaluate((d) => window.openDoc(d, 'json'), id), 'ready');
    assert.deepEqual((await docState(erin, id)).json, { title: '', messages: [] }, 'the thread schema');

    const message = (who, i) => ({ id: `${who}-${i}`, author: who, text: `${who} says ${i} 🚀`, status: 'final', time: 1764000000000 + i });
    const syncWrites = (client) => client.page.evaluate(async ([d, who, msgs]) => {
      const doc = window.docs[d].doc;
      doc.change((x) => { A.splice(x, ['title'], 0, 0, `[${who}] `); });
      for (const m of msgs) {
        doc.change((x) => { x.messages.push(m); });
        await new Promise((r) => setTimeout(r, 0));
      }
    }, [id, client.name.split('-')[0], [0, 1, 2, 3, 4].map((i) => message(client.name.split('-')[0], i))]);
    await Promise.all([
      syncWrites(carol),
      syncWrites(dave),
      erin.page.evaluate(([d, msgs]) => Promise.all([
        window.docs[d].doc.ops([{ op: 'splice', path: ['title'], index: 0, text: '🎉 ' }]),
        ...msgs.map((m) => window.docs[d].doc.ops([{ op: 'insert', path: ['messages', '-'], value: { ...m, text: { $text: m.text } } }])),
      ]), [id, [0, 1, 2, 3, 4].map((i) => message('erin', i))]),
    ]);
    let rest = await converged(server, room, 'thread/t1', [carol, dave, erin], 'thread edits');
    assert.equal(rest.view.messages.length, 15);
    for (const who of ['carol', 'dave', 'erin']) {
      // Each writer's messages stay in its own order, whatever the interleaving.
      assert.deepEqual(rest.view.messages.filter((m) => m.author === who).map((m) => m.id), [0, 1, 2, 3, 4].map((i) => `${who}-${i}`));
      assert.ok(rest.view.title.includes(`[${who}] `) || (who === 'erin' && rest.view.title.includes('🎉 ')), `${who}'s title edit is kept: ${rest.view.title}`);
    }
    assert.deepEqual(rest.view.messages.find((m) => m.id === 'erin-3'), message('erin', 3));
    assert.deepEqual(rest.view.messages.find((m) => m.id === 'carol-3'), message('carol', 3));

    // Text after an emoji: the JSON client appends by code points, an Automerge replica by UTF-16 units.
    const before = [...rest.view.title].length;
    await erin.page.evaluate(([d, at]) => window.docs[d].doc.ops([{ op: 'splice', path: ['title'], index: at, text: '✓' }]), [id, before]);
    await dave.page.evaluate((d) => window.docs[d].doc.change((x) => { A.splice(x, ['title'], x.title.length, 0, '!'); }), id);
    rest = await converged(server, room, 'thread/t1', [carol, dave, erin], 'appends after emoji');
    assert.ok(rest.view.title.endsWith('✓!') || rest.view.title.endsWith('!✓'), rest.view.title);

    // carol's SSE stream drops; she edits meanwhile; the browser resumes the same session.
    const session = await carol.page.evaluate(() => window.client.status.session);
    await carol.page.evaluate((d) => {
      window.client.dropConnection();
      window.docs[d].doc.change((x) => { x.messages.push({ id: 'carol-late', author: 'carol', text: 'while the stream was down', status: 'final', time: 1 }); });
    }, id);
    // Nobody else writes: only carol's client can bring her change to the server once the stream is back.
    rest = await converged(server, room, 'thread/t1', [carol, dave, erin], 'after the SSE drop');
    assert.equal(rest.view.messages.at(-1).id, 'carol-late');
    await dave.page.evaluate((d) => window.docs[d].doc.change((x) => { x.messages.push({ id: 'dave-late', author: 'dave', text: 'after', status: 'final', time: 2 }); }), id);
    rest = await converged(server, room, 'thread/t1', [carol, dave, erin], 'after the resume');
    assert.deepEqual(rest.view.messages.slice(-2).map((m) => m.id), ['carol-late', 'dave-late']);
    assert.equal(await carol.page.evaluate(() => window.client.status.session), session, 'the SSE session was resumed, not replaced');
    assert.deepEqual(await carol.page.evaluate(() => window.rec.errors), []);

    // Frames still queued when carol's SSE connection closes (one POST in flight, four waiting) go out on the
    // resumed session: every publish is acked once, and the topic holds each exactly once.
    const seqs = await carol.page.evaluate(async (topic) => {
      const acks = Array.from({ length: 5 }, (_, i) => window.client.publish(topic, { i }).then((a) => a.seq, (e) => e.code));
      window.client.dropConnection();
      return Promise.all(acks);
    }, `${room}/chat`);
    assert.deepEqual([...seqs].sort((a, b) => a - b), [1, 2, 3, 4, 5], `acks: ${seqs}`);
    const history = await (await fetch(`${server.url}/api/v1/rooms/${room}/channels/chat/events`, {
      headers: { Authorization: `Bearer ${server.apiKey}` } })).json();
    assert.deepEqual(history.events.map((e) => e.data.i).sort(), [0, 1, 2, 3, 4]);
    assert.equal(await carol.page.evaluate(() => window.client.status.session), session, 'still the same session');
    // A body the server refuses whole (413: a 70 KB publish is over tandem.maxFrameBytes): the request fails
    // at once with the server's code (it used to wait for its 10 s timeout: the 413 carries no per-frame answer).
    const tooBig = await carol.page.evaluate(async (topic) => {
      const started = performance.now();
      const code = await window.client.publish(topic, 'x'.repeat(70000)).then(() => 'published', (e) => e.code);
      return { code, ms: performance.now() - started };
    }, `${room}/chat`);
    assert.equal(tooBig.code, 'too_large');
    assert.ok(tooBig.ms < 5000, `refused in ${tooBig.ms} ms`);

    // carol's replica, detached when her connection closed, subscribed again and still syncs.
    await carol.page.evaluate((d) => window.docs[d].doc.change((x) => { x.messages.push({ id: 'carol-last', author: 'carol', text: 'x', status: 'final', time: 3 }); }), id);
    rest = await converged(server, room, 'thread/t1', [carol, dave, erin], 'after the second SSE drop');
    assert.equal(rest.view.messages.at(-1).id, 'carol-last');

    for (const c of [carol, dave, erin]) await c.page.close();
  });
}
