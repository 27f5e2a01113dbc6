// Real @automerge/automerge clients talking to a DEPLOYED Tandem server: WebSocket (the `ws` package;
// Node 20 has no WebSocket global) or SSE (streaming fetch GET like EventSource + POST upstream).
// Driven over stdin/stdout, one JSON object per line (integration tests, bench):
//   {cmd:"open", rid, c, base, token, doc, transport:"ws"|"sse"}  connect + doc.subscribe (sync); reply after ack
//   {cmd:"strokes", rid, c, n}          append n strokes (one change each, yielding between changes)
//   {cmd:"rename", rid, c, shape, name} set shapes[shape].name
//   {cmd:"offline", rid, c}             drop the connection; the replica stays and takes local edits
//   {cmd:"online", rid, c}              reconnect + re-subscribe: the snapshot is merged, then sync
//   {cmd:"state", rid, json?}           heads (and JSON, conflicts of a shape's name) of every replica
//   {cmd:"load", rid, data}             A.load(base64 save bytes): heads and JSON
// Replies: {rid, ...} or {rid, error}. Frames the server refuses are kept per client (state.errors).
import * as A from "@automerge/automerge";
import { createInterface } from "node:readline";
import { appendStrokes, applySnapshot, applySync, b64, prof, syncSender, unb64 } from "./replica.mjs";
import { newWire, noteTrouble, openTransport } from "./transports.mjs";

const clients = new Map();
// Bytes and messages on the wire (WebSocket messages / SSE stream chunks and POST bodies), both ways.
const wire = newWire();
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
let nextId = 0;

// ---------------------------------------------------------------- sync
const scheduleSend = syncSender((cl) => cl.conn && cl.subscribed,
  (cl, msg) => cl.conn.send({ type: "doc.sync", doc: cl.docId, data: b64(msg) }));

function onFrame(cl, f) {
  switch (f.type) {
    case "doc.snapshot":
      applySnapshot(cl, unb64(f.data));
      break;
    case "doc.sync":
      applySync(cl, unb64(f.data));
      scheduleSend(cl);
      break;
    case "ack":
      if (f.id === cl.subscribeId) {
        cl.subscribed = true;
        cl.dirty = true;
        scheduleSend(cl);
        cl.onSubscribed?.();
      }
      break;
    default:
      noteTrouble(cl, f);
  }
}

function connect(cl) {
  return new Promise((resolve, reject) => {
    cl.subscribed = false;
    cl.subscribeId = "sub" + (++nextId);
    const timer = setTimeout(() => reject(new Error(cl.id + ": no subscribe ack in 30 s")), 30000);
    cl.onSubscribed = (err) => { clearTimeout(timer); cl.onSubscribed = null; err ? reject(err) : resolve(); };
    const conn = openTransport(cl, onFrame, wire);
    conn.onOpen = () => conn.send({ type: "doc.subscribe", id: cl.subscribeId, doc: cl.docId, mode: "sync" });
    cl.conn = conn;
  });
}

async function onCommand(m) {
  const cl = clients.get(m.c);
  switch (m.cmd) {
    case "open": {
      const c = { id: m.c, base: m.base, token: m.token, docId: m.doc, transport: m.transport || "ws",
                  doc: null, sync: null, conn: null, errors: [], strokes: 0 };
      clients.set(m.c, c);
      await connect(c);
      return {};
    }
    case "strokes":
      await appendStrokes(cl, m.n, scheduleSend);
      return {};
    case "rename":
      cl.doc = A.change(cl.doc, (d) => { d.shapes[m.shape].name = m.name; });
      cl.dirty = true;
      scheduleSend(cl);
      return {};
    case "offline":
      cl.conn.close();
      cl.conn = null;
      cl.subscribed = false;
      return {};
    case "online":
      await connect(cl);
      return {};
    case "state": {
      const state = {};
      for (const [id, c] of clients) {
        const s = { heads: c.doc ? A.getHeads(c.doc).slice().sort() : [], errors: c.errors,
                    shapes: c.doc && c.doc.shapes ? Object.keys(c.doc.shapes).length : 0 };
        if (m.json && c.doc) s.json = JSON.parse(JSON.stringify(c.doc));
        if (m.shape && c.doc && c.doc.shapes[m.shape]) {
          s.nameConflicts = Object.keys(A.getConflicts(c.doc.shapes[m.shape], "name") || {}).length;
        }
        state[id] = s;
      }
      return { clients: state, prof, wire, cpuMs: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 };
    }
    case "load": {
      const doc = A.load(unb64(m.data));
      return { heads: A.getHeads(doc).slice().sort(), json: JSON.parse(JSON.stringify(doc)) };
    }
    case "close":
      for (const c of clients.values()) c.conn?.close();
      setTimeout(() => process.exit(0), 50);
      return {};
    default:
      throw new Error("unknown command " + m.cmd);
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (!line) return;
  const m = JSON.parse(line);
  onCommand(m).then((r) => out({ rid: m.rid, ...r }), (e) => out({ rid: m.rid, error: String(e && e.stack || e) }));
});
rl.on("close", () => {
  for (const c of clients.values()) c.conn?.close();
  process.exit(0);
});

