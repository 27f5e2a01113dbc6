// What the documents scenario's peer clients (hocuspocus-clients.mjs, automerge-repo-clients.mjs) share with
// each other: the stroke every client appends (src/test/js/strokes.mjs, the same JSON as the Tandem clients')
// and the stdin/stdout command loop that lib/documents.mjs drives, one JSON object per line.

import { createInterface } from 'node:readline';
import { strokeOf } from '../../src/test/js/strokes.mjs';

/**
 * Appends n strokes to a client, one change each, yielding to the event loop between them so the
 * network adapter can send and receive meanwhile. `append(id, stroke)` makes the system's change.
 */
export async function appendStrokes(cl, n, append) {
  for (let i = 0; i < n; i++) {
    append(`${cl.id}-${cl.strokes++}`, strokeOf(i));
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Serves the commands on stdin: {cmd: "open", rid, ...}, {cmd: "strokes", rid, c, n}, {cmd: "state", rid};
 * every reply is {rid, ...result} or {rid, error}. `stateOf(client)` gives one client's {heads, shapes,
 * errors}; `shutdown()` runs when stdin closes, before the process exits.
 */
export function serveCommands({ clients, wire, open, strokes, stateOf, shutdown }) {
  const onCommand = async (m) => {
    switch (m.cmd) {
      case 'open': await open(m); return {};
      case 'strokes': await strokes(clients.get(m.c), m.n); return {};
      case 'state': {
        const state = {};
        for (const [id, c] of clients) state[id] = stateOf(c);
        const cpu = process.cpuUsage();
        return { clients: state, wire, cpuMs: (cpu.user + cpu.system) / 1000 };
      }
      default: throw new Error('unknown command ' + m.cmd);
    }
  };
  createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
    if (!line) return;
    const m = JSON.parse(line);
    onCommand(m).then((r) => process.stdout.write(JSON.stringify({ rid: m.rid, ...r }) + '\n'),
      (e) => process.stdout.write(JSON.stringify({ rid: m.rid, error: String(e && e.stack || e) }) + '\n'));
  }).on('close', () => {
    const t = setTimeout(() => process.exit(0), 2000);
    Promise.resolve().then(shutdown).finally(() => { clearTimeout(t); process.exit(0); });
  });
}

