// Real @automerge/automerge clients for the Java test suite.
// Protocol: one JSON object per line. stdin (from Java):
//   {c, type:"snapshot"|"sync", data:b64}         what the engine delivered to client c
//   {cmd:"create", c}                              a new replica (empty until its snapshot arrives)
//   {cmd:"strokes", c, n, rid}                     append n strokes, yielding between changes
//   {cmd:"rename", c, shape, name, rid}            set shapes[shape].name
//   {cmd:"offline"|"online", c, rid}               stop / resume talking (Java detaches / re-attaches)
//   {cmd:"state", rid, json?}                      heads (and JSON) of every replica
// stdout (to Java): {c, type:"sync", data:b64} and {rid, ...} replies.
import * as A from "@automerge/automerge";
import { createInterface } from "node:readline";

const clients = new Map();
const prof = { change: 0, receive: 0, generate: 0, received: 0, sent: 0, bytesIn: 0 };
const timed = (k, f) => { const t = performance.now(); try { return f(); } finally { prof[k] += performance.now() - t; } };
const b64 = (u8) => Buffer.from(u8).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

// A sync state whose shared heads are the snapshot's heads (what a fresh load implies):
// 0x43, uleb128 count, 32-byte hashes. Saves describing the whole history in the first round.
function syncStateAt(heads) {
  const bytes = [0x43, heads.length];
  for (const h of heads) bytes.push(...Buffer.from(h, "hex"));
  return A.decodeSyncState(new Uint8Array(bytes));
}

// Coalesce: one generateSyncMessage per client per event-loop turn, however many changes happened.
// Flow control (what a good client does): after sending local changes, wait for the server's answer
// (or WINDOW ms) before sending more; changes made meanwhile go out together.
const WINDOW = 50;
function scheduleSend(cl) {
  if (cl.sendScheduled || !cl.online) return;
  const wait = cl.awaiting ? WINDOW - (Date.now() - cl.sentAt) : 0;
  cl.sendScheduled = true;
  const run = () => {
    cl.sendScheduled = false;
    if (!cl.online || !cl.doc) return;
    if (cl.awaiting && Date.now() - cl.sentAt < WINDOW) return scheduleSend(cl);
    const [sync, msg] = timed("generate", () => A.generateSyncMessage(cl.doc, cl.sync));
    cl.sync = sync;
    if (msg) {
      out({ c: cl.id, type: "sync", data: b64(msg) });
      prof.sent++;
      cl.awaiting = cl.dirty;
      cl.sentAt = Date.now();
      cl.dirty = false;
    }
  };
  if (wait > 0) setTimeout(run, wait);
  else setImmediate(run);
}

function onDelivery(m) {
  const cl = clients.get(m.c);
  if (!cl || !cl.online) return;
  const bytes = unb64(m.data);
  cl.awaiting = false;
  if (m.type === "snapshot") {
    if (cl.doc) {
      cl.doc = A.loadIncremental(cl.doc, bytes); // keep offline edits, merge the server's state
      cl.sync = A.initSyncState();
    } else {
      cl.doc = A.load(bytes);
      cl.sync = syncStateAt(A.getHeads(cl.doc));
    }
  } else if (m.type === "sync") {
    const [doc, sync] = timed("receive", () => A.receiveSyncMessage(cl.doc, cl.sync, bytes));
    prof.received++; prof.bytesIn += bytes.length;
    cl.doc = doc;
    cl.sync = sync;
  }
  scheduleSend(cl);
}

async function strokes(cl, n) {
  for (let i = 0; i < n; i++) {
    const id = `${cl.id}-${i}`;
    cl.doc = timed("change", () => A.change(cl.doc, (d) => {
      d.shapes[id] = {
        kind: "stroke",
        points: [i, i + 1, i + 2, i + 3],
        style: { color: "#" + ((i * 2654435761) % 0xffffff).toString(16).padStart(6, "0"), width: 2 },
        z: i,
        name: new A.ImmutableString(id),
      };
    }));
    cl.dirty = true;
    scheduleSend(cl);
    await new Promise((r) => setImmediate(r));
  }
}

async function onCommand(m) {
  const cl = clients.get(m.c);
  switch (m.cmd) {
    case "create":
      clients.set(m.c, { id: m.c, doc: null, sync: null, online: true, sendScheduled: false });
      break;
    case "strokes":
      await strokes(cl, m.n);
      out({ rid: m.rid, done: true });
      break;
    case "rename":
      cl.doc = A.change(cl.doc, (d) => {
        d.shapes[m.shape].name = m.name;
      });
      cl.dirty = true;
      scheduleSend(cl);
      out({ rid: m.rid, done: true });
      break;
    case "offline":
      cl.online = false;
      out({ rid: m.rid, done: true });
      break;
    case "online":
      cl.online = true;
      out({ rid: m.rid, done: true });
      break;
    case "state": {
      const state = {};
      for (const [id, c] of clients) {
        state[id] = { heads: c.doc ? A.getHeads(c.doc).slice().sort() : [] };
        if (m.json && c.doc) state[id].json = JSON.parse(JSON.stringify(c.doc));
      }
      out({ rid: m.rid, clients: state, prof });
      break;
    }
    default:
      out({ rid: m.rid, error: "unknown command " + m.cmd });
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (!line) return;
  const m = JSON.parse(line);
  try {
    if (m.cmd) onCommand(m).catch((e) => out({ rid: m.rid, error: String(e && e.stack || e) }));
    else onDelivery(m);
  } catch (e) {
    out({ rid: m.rid, error: String(e && e.stack || e), c: m.c });
  }
});
rl.on("close", () => process.exit(0));
