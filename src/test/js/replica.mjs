// What the two Automerge client drivers share (harness.mjs: clients of the in-process engine, driven by
// the Java unit tests; server-clients.mjs: clients of a deployed server over WebSocket/SSE): one
// replica's sync bookkeeping, its flow control and the stroke it appends.
import * as A from "@automerge/automerge";
import { strokeOf } from "./strokes.mjs";

export const prof = { change: 0, receive: 0, generate: 0, received: 0, sent: 0, bytesIn: 0 };
export const timed = (k, f) => { const t = performance.now(); try { return f(); } finally { prof[k] += performance.now() - t; } };
export const b64 = (u8) => Buffer.from(u8).toString("base64");
export const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

// A sync state whose shared heads are the snapshot's heads (what a fresh load implies):
// 0x43, uleb128 count, 32-byte hashes. Saves describing the whole history in the first round.
function syncStateAt(heads) {
  const bytes = [0x43, heads.length];
  for (const h of heads) bytes.push(...Buffer.from(h, "hex"));
  return A.decodeSyncState(new Uint8Array(bytes));
}

/**
 * The sender of replica `cl`: `ready(cl)` says whether it may talk now, `send(cl, bytes)` sends one sync
 * message. Coalesces: one generateSyncMessage per event-loop turn, however many changes happened. Flow
 * control (what a good client does): after sending local changes, wait for the server's answer (or
 * WINDOW ms) before sending more; changes made meanwhile go out together.
 */
const WINDOW = 50;
export function syncSender(ready, send) {
  const schedule = (cl) => {
    if (cl.sendScheduled || !ready(cl)) return;
    const wait = cl.awaiting ? WINDOW - (Date.now() - cl.sentAt) : 0;
    cl.sendScheduled = true;
    const run = () => {
      cl.sendScheduled = false;
      if (!ready(cl) || !cl.doc) return;
      if (cl.awaiting && Date.now() - cl.sentAt < WINDOW) return schedule(cl);
      const [sync, msg] = timed("generate", () => A.generateSyncMessage(cl.doc, cl.sync));
      cl.sync = sync;
      if (msg) {
        send(cl, msg);
        prof.sent++;
        cl.awaiting = cl.dirty;
        cl.sentAt = Date.now();
        cl.dirty = false;
      }
    };
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  };
  return schedule;
}

/** The server's snapshot: a first load, or merged into a replica that has (offline) edits of its own. */
export function applySnapshot(cl, bytes) {
  if (cl.doc) {
    cl.doc = A.loadIncremental(cl.doc, bytes);
    cl.sync = A.initSyncState();
  } else {
    cl.doc = A.load(bytes);
    cl.sync = syncStateAt(A.getHeads(cl.doc));
  }
  cl.awaiting = false;
}

export function applySync(cl, bytes) {
  const [doc, sync] = timed("receive", () => A.receiveSyncMessage(cl.doc, cl.sync, bytes));
  prof.received++; prof.bytesIn += bytes.length;
  cl.doc = doc;
  cl.sync = sync;
  cl.awaiting = false;
}

/** Appends n strokes, one change each, yielding between changes; `schedule` sends them. */
export async function appendStrokes(cl, n, schedule, { named = false } = {}) {
  for (let i = 0; i < n; i++) {
    const id = `${cl.id}-${cl.strokes++}`;
    cl.doc = timed("change", () => A.change(cl.doc, (d) => {
      d.shapes[id] = { ...strokeOf(i), ...(named ? { name: new A.ImmutableString(id) } : {}) };
    }));
    cl.dirty = true;
    schedule(cl);
    await new Promise((r) => setImmediate(r));
  }
}
