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

    for (const c of [alice, bob, vera]) await c.page.close();
  });
}
