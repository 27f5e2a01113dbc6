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
import { appendStrokes, applySnapshot, applySync, b64, prof, syncSender, unb64 } from "./replica.mjs";

const clients = new Map();
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const scheduleSend = syncSender((cl) => cl.online, (cl, msg) => out({ c: cl.id, type: "sync", data: b64(msg) }));

function onDelivery(m) {
  const cl = clients.get(m.c);
  if (!cl || !cl.online) return;
  const bytes = unb64(m.data);
  if (m.type === "snapshot") applySnapshot(cl, bytes);
  else if (m.type === "sync") applySync(cl, bytes);
  scheduleSend(cl);
}

async function onCommand(m) {
  const cl = clients.get(m.c);
  switch (m.cmd) {
    case "create":
      clients.set(m.c, { id: m.c, doc: null, sync: null, online: true, sendScheduled: false, strokes: 0 });
      break;
    case "strokes":
      await appendStrokes(cl, m.n, scheduleSend, { named: true });
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
