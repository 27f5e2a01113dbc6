// The documents scenario's client-side floor: the same 10 x 200 stroke appends with every replica in
// THIS process and no server, no network, no JSON or base64. Automerge: 10 replicas and one hub replica
// (standing in for the server) exchanging sync messages in rounds of K appends per replica; Yjs: 10
// Y.Docs and a hub doc exchanging updates the same way. Prints the CPU each costs: no server can make
// real clients converge with less client CPU than this.
//   node lib/docs-floor.mjs [clients=10] [strokes=200] [appendsPerRound=20]
import * as A from '@automerge/automerge';
import * as Y from 'yjs';

const [N, S, K] = [10, 200, 20].map((d, i) => Number(process.argv[2 + i] || d));
const stroke = (i) => ({ kind: 'stroke', points: [i, i + 1, i + 2, i + 3],
  style: { color: '#' + ((i * 2654435761) % 0xffffff).toString(16).padStart(6, '0'), width: 2 }, z: i });
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

function automerge() {
  const seed = A.save(A.change(A.init(), (d) => { d.shapes = {}; }));
  let hub = A.load(seed);
  const clients = Array.from({ length: N }, () => ({ doc: A.load(seed), toHub: A.initSyncState(), fromHub: A.initSyncState() }));
  let clientMs = 0, hubMs = 0;
  const timed = (f) => { const t = cpu(); f(); return cpu() - t; };
  for (let round = 0; ; round++) {
    let traffic = false;
    clients.forEach((c, i) => {
      clientMs += timed(() => {
        for (let k = 0; k < K && round * K + k < S; k++) {
          const n = round * K + k;
          c.doc = A.change(c.doc, (d) => { d.shapes[`c${i}-${n}`] = stroke(n); });
        }
      });
      let msg;
      clientMs += timed(() => { [c.toHub, msg] = A.generateSyncMessage(c.doc, c.toHub); });
      if (msg) { traffic = true; hubMs += timed(() => { [hub, c.fromHub] = A.receiveSyncMessage(hub, c.fromHub, msg); }); }
    });
    for (const c of clients) {
      let msg;
      hubMs += timed(() => { [c.fromHub, msg] = A.generateSyncMessage(hub, c.fromHub); });
      if (msg) { traffic = true; clientMs += timed(() => { [c.doc, c.toHub] = A.receiveSyncMessage(c.doc, c.toHub, msg); }); }
    }
    if (!traffic && round * K >= S) break;
  }
  const heads = JSON.stringify(A.getHeads(hub).sort());
  const ok = clients.every((c) => JSON.stringify(A.getHeads(c.doc).sort()) === heads && Object.keys(c.doc.shapes).length === N * S);
  return { clientCpuMs: Math.round(clientMs), hubCpuMs: Math.round(hubMs), converged: ok };
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

console.log(JSON.stringify({ clients: N, strokes: S, appendsPerRound: K, automerge: automerge(), yjs: yjs() }));
