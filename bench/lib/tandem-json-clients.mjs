// Tandem's JSON-ops document clients for the documents scenario (system `tandem-json`), driven over
// stdin/stdout like the other systems' clients (peers/doc-clients.mjs). No Automerge in the client: each
// subscribes in json mode (docs/documents.md "Peers and modes"), keeps the JSON view it gets plus the
// doc.patch frames that follow, and appends each stroke as one doc.ops put (one Automerge transaction
// on the server, the document's only replica). WebSocket or SSE (src/test/js/transports.mjs).
//   {cmd:"open", rid, c, base, token, doc, transport}   connect + doc.subscribe (json); reply after the ack
//   {cmd:"strokes", rid, c, n}   n doc.ops frames, one put of a stroke each, yielding between them
//   {cmd:"state", rid}           per client: heads of the last patch, shape count, errors; bytes on the wire
import { appendStrokes, serveCommands } from '../peers/doc-clients.mjs';
import { newWire, noteTrouble, openTransport } from '../../src/test/js/transports.mjs';

const clients = new Map();
const wire = newWire();
let nextId = 0;

/** Applies one doc.patch op to the view, as dev.tandem.docs.JsonPatchApplier does. */
export function applyPatch(view, p) {
  const path = p.path;
  let parent = view;
  for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]];
  const last = path[path.length - 1];
  switch (p.op) {
    case 'put': parent[last] = p.value; break;
    case 'insert': parent.splice(last, 0, ...(p.values ?? [p.value])); break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last, p.count ?? 1);
      else delete parent[last];
      break;
    case 'splice': {
      const s = [...parent[last]]; // indexes count code points
      s.splice(p.index, p.delete ?? 0, ...(p.text ? [...p.text] : []));
      parent[last] = s.join('');
      break;
    }
    case 'increment': parent[last] += p.by; break;
    default: throw new Error('unknown patch op ' + p.op);
  }
}

function onFrame(cl, f) {
  switch (f.type) {
    case 'doc.snapshot':
      cl.view = f.view;
      cl.heads = f.heads;
      break;
    case 'doc.patch':
      for (const p of f.patches) applyPatch(cl.view, p);
      cl.heads = f.heads;
      break;
    case 'ack':
      if (f.id === cl.subscribeId) cl.onSubscribed?.();
      break;
    default:
      noteTrouble(cl, f);
  }
}

function open(m) {
  return new Promise((resolve, reject) => {
    const cl = { id: m.c, base: m.base, token: m.token, docId: m.doc, transport: m.transport || 'ws',
      view: null, heads: [], errors: [], strokes: 0, subscribeId: 'sub' + (++nextId) };
    clients.set(m.c, cl);
    const timer = setTimeout(() => reject(new Error(cl.id + ': no subscribe ack in 30 s')), 30000);
    cl.onSubscribed = (err) => { clearTimeout(timer); cl.onSubscribed = null; err ? reject(err) : resolve(); };
    cl.conn = openTransport(cl, onFrame, wire);
    cl.conn.onOpen = () => cl.conn.send({ type: 'doc.subscribe', id: cl.subscribeId, doc: cl.docId, mode: 'json' });
  });
}

function strokes(cl, n) {
  return appendStrokes(cl, n, (id, stroke) => cl.conn.send({ type: 'doc.ops', id: 'ops' + (++nextId), doc: cl.docId,
    ops: [{ op: 'put', path: ['shapes', id], value: stroke }] }));
}

serveCommands({
  clients, wire, open, strokes,
  stateOf: (c) => ({ heads: c.heads.slice().sort(), shapes: Object.keys(c.view?.shapes ?? {}).length, errors: c.errors }),
  shutdown: () => { for (const c of clients.values()) c.conn?.close(); },
});
