// The documents scenario's client-side floor: the same 10 x 200 stroke appends with every replica in
// THIS process and no server, no network, no JSON or base64. Automerge: 10 replicas and one hub replica
// (standing in for the server) exchanging sync messages in rounds of K appends per replica; Yjs: 10
// Y.Docs and a hub doc exchanging updates the same way. Prints the CPU each costs: no server can make
// real clients converge with less client CPU than this.
//   node lib/docs-floor.mjs [clients=10] [strokes=200] [appendsPerRound=20] [shape=nested]
// The Automerge client CPU is split into its phases (local changes, generating sync messages, applying
// the hub's), and `changeCostBySize` gives the CPU of one local change against the number of shapes
// already in the map: Automerge JS materialises every change into a fresh immutable JS object, which
// copies the changed map (see PROFILING.md, "Documents, session 13").
// shape=nested is the bench's stroke ({kind, points, style: {color, width}, z}: the strings become
// Automerge Text); shape=scalar makes kind and color scalar strings (A.ImmutableString); shape=opaque
// stores the whole stroke as one scalar JSON string (what Yjs does with a plain object in a Y.Map).
import * as A from '@automerge/automerge';
import * as Y from 'yjs';

const [N, S, K] = [10, 200, 20].map((d, i) => Number(process.argv[2 + i] || d));
const SHAPE = process.argv[5] || 'nested';
const color = (i) => '#' + ((i * 2654435761) % 0xffffff).toString(16).padStart(6, '0');
const stroke = (i) => ({ kind: 'stroke', points: [i, i + 1, i + 2, i + 3], style: { color: color(i), width: 2 }, z: i });
const AUTOMERGE_STROKES = {
  nested: stroke,
  scalar: (i) => ({ ...stroke(i), kind: new A.ImmutableString('stroke'), style: { color: new A.ImmutableString(color(i)), width: 2 } }),
  opaque: (i) => new A.ImmutableString(JSON.stringify(stroke(i))),
};
const automergeStroke = AUTOMERGE_STROKES[SHAPE];
if (!automergeStroke) throw new Error(`shape must be one of ${Object.keys(AUTOMERGE_STROKES).join(', ')}`);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

function automerge() {
  const seed = A.save(A.change(A.init(), (d) => { d.shapes = {}; }));
  let hub = A.load(seed);
  const clients = Array.from({ length: N }, () => ({ doc: A.load(seed), toHub: A.initSyncState(), fromHub: A.initSyncState() }));
  const ms = { localChange: 0, generate: 0, applyRemote: 0, hub: 0 };
  const timed = (phase, f) => { const t = cpu(); f(); ms[phase] += cpu() - t; };
  for (let round = 0; ; round++) {
    let traffic = false;
    clients.forEach((c, i) => {
      timed('localChange', () => {
        for (let k = 0; k < K && round * K + k < S; k++) {
          const n = round * K + k;
          c.doc = A.change(c.doc, (d) => { d.shapes[`c${i}-${n}`] = automergeStroke(n); });
        }
      });
      let msg;
      timed('generate', () => { [c.toHub, msg] = A.generateSyncMessage(c.doc, c.toHub); });
      if (msg) { traffic = true; timed('hub', () => { [hub, c.fromHub] = A.receiveSyncMessage(hub, c.fromHub, msg); }); }
    });
    for (const c of clients) {
      let msg;
      timed('hub', () => { [c.fromHub, msg] = A.generateSyncMessage(hub, c.fromHub); });
      if (msg) { traffic = true; timed('applyRemote', () => { [c.doc, c.toHub] = A.receiveSyncMessage(c.doc, c.toHub, msg); }); }
    }
    if (!traffic && round * K >= S) break;
  }
  const heads = JSON.stringify(A.getHeads(hub).sort());
  const ok = clients.every((c) => JSON.stringify(A.getHeads(c.doc).sort()) === heads && Object.keys(c.doc.shapes).length === N * S);
  const r = (x) => Math.round(x);
  return { shape: SHAPE, clientCpuMs: r(ms.localChange + ms.generate + ms.applyRemote), hubCpuMs: r(ms.hub),
    localChangeMs: r(ms.localChange), generateMs: r(ms.generate), applyRemoteMs: r(ms.applyRemote), converged: ok };
}

/** CPU of one local change (one new shape) when the map already holds `size` shapes, Automerge vs Yjs. */
function changeCostBySize(sizes = [500, 1000, 2000, 4000], sample = 200) {
  let doc = A.change(A.init(), (d) => { d.shapes = {}; });
  const ydoc = new Y.Doc();
  const rows = [];
  let n = 0;
  for (const size of sizes) {
    while (n < size) { const i = n++; doc = A.change(doc, (d) => { d.shapes['s' + i] = automergeStroke(i); }); ydoc.getMap('shapes').set('s' + i, stroke(i)); }
    let t = cpu();
    for (let k = 0; k < sample; k++) { const i = n++; doc = A.change(doc, (d) => { d.shapes['s' + i] = automergeStroke(i); }); }
    const automergeMs = (cpu() - t) / sample;
    t = cpu();
    for (let k = 0; k < sample; k++) { const i = n - sample + k; ydoc.transact(() => ydoc.getMap('shapes').set('s' + i, stroke(i))); }
    rows.push({ shapes: size, automergeMs: Number(automergeMs.toFixed(3)), yjsMs: Number(((cpu() - t) / sample).toFixed(3)) });
  }
  return rows;
}

function yjs() {
  const hub = new Y.Doc();
  const clients = Array.from({ length: N }, () => new Y.Doc());
  let clientMs = 0, hubMs = 0;
  const timed = (f) => { const t = cpu(); f(); return cpu() - t; };
  for (let round = 0; round * K < S; round++) {
    const updates = [];
    clients.forEach((doc, i) => {
      clientMs += timed(() => {
        const sv = Y.encodeStateVector(doc);
        for (let k = 0; k < K && round * K + k < S; k++) {
          const n = round * K + k;
          doc.transact(() => doc.getMap('shapes').set(`c${i}-${n}`, stroke(n)));
        }
        updates.push(Y.encodeStateAsUpdate(doc, sv));
      });
    });
    hubMs += timed(() => updates.forEach((u) => Y.applyUpdate(hub, u)));
    clients.forEach((doc) => {
      let u;
      hubMs += timed(() => { u = Y.encodeStateAsUpdate(hub, Y.encodeStateVector(doc)); });
      clientMs += timed(() => Y.applyUpdate(doc, u));
    });
  }
  const sv = Buffer.from(Y.encodeStateVector(hub)).toString('base64');
  const ok = clients.every((d) => Buffer.from(Y.encodeStateVector(d)).toString('base64') === sv && d.getMap('shapes').size === N * S);
  return { clientCpuMs: Math.round(clientMs), hubCpuMs: Math.round(hubMs), converged: ok };
}

console.log(JSON.stringify({ clients: N, strokes: S, appendsPerRound: K, automerge: automerge(), yjs: yjs(), changeCostBySize: changeCostBySize() }));
