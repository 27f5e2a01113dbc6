// automerge-repo clients of the automerge-repo sync server (peers/automerge-repo.mjs), the documents
// scenario's second peer, driven over stdin/stdout like src/test/js/server-clients.mjs (the Tandem
// Automerge clients) and peers/hocuspocus-clients.mjs, one JSON object per line:
//   {cmd:"open", rid, c, url, doc}   a Repo of its own with a WebSocketClientAdapter to `url`, then
//                                    repo.find(doc) (an `automerge:` URL); reply once the document is ready
//   {cmd:"strokes", rid, c, n}       append n strokes (one handle.change each, yielding between them)
//   {cmd:"state", rid}               per client: heads (sorted hex), shape count, errors; bytes on the wire; CPU
// The stroke and the change per stroke are the Tandem clients' (src/test/js/replica.mjs appendStrokes);
// automerge-repo decides when and what to sync (its DocSynchronizer: at most every 100 ms per peer after
// local changes, and an answer to every sync message received).
// Wire bytes are counted on the client's WebSocket (every message in and out).
import * as A from '@automerge/automerge';
import { Repo } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { appendStrokes, serveCommands } from './doc-clients.mjs';

const clients = new Map();
const wire = { bytesIn: 0, bytesOut: 0, received: 0, sent: 0 };
const processErrors = [];
// stdout carries the replies: anything the libraries print (automerge-repo logs with console.log) goes to stderr.
console.log = (...args) => console.error(...args);
process.on('uncaughtException', (e) => processErrors.push('uncaught: ' + (e && e.message || e)));
process.on('unhandledRejection', (e) => processErrors.push('unhandled rejection: ' + (e && e.message || e)));

/** The package's client adapter, counting every message on each WebSocket it opens (reconnects too). */
class CountingClientAdapter extends WebSocketClientAdapter {
  constructor(url, cl) {
    super(url);
    this.cl = cl;
  }
  connect(peerId, peerMetadata) {
    super.connect(peerId, peerMetadata);
    const socket = this.socket;
    const send = socket.send.bind(socket);
    socket.send = (data, ...rest) => {
      wire.sent++;
      wire.bytesOut += data.byteLength ?? data.length;
      return send(data, ...rest);
    };
    socket.on('message', (data) => { wire.received++; wire.bytesIn += data.byteLength ?? data.length; });
    socket.on('error', (e) => this.cl.errors.push('ws: ' + e.message));
  }
}

async function open(m) {
  const cl = { id: m.c, errors: [], strokes: 0 };
  clients.set(m.c, cl);
  cl.repo = new Repo({ network: [new CountingClientAdapter(m.url, cl)] });
  cl.handle = await cl.repo.find(m.doc, { signal: AbortSignal.timeout(30000) });
  cl.handle.on('unavailable', () => cl.errors.push('document unavailable'));
  cl.handle.on('delete', () => cl.errors.push('document deleted'));
  if (!cl.handle.doc()?.shapes) throw new Error(m.c + ': document has no shapes map');
}

/** The Tandem clients' stroke (src/test/js/replica.mjs appendStrokes), one change each, yielding between. */
const strokes = (cl, n) => appendStrokes(cl, n, (id, stroke) => cl.handle.change((d) => { d.shapes[id] = stroke; }));

serveCommands({
  clients, wire, open, strokes,
  stateOf: (c) => {
    const doc = c.handle?.doc();
    return { heads: doc ? A.getHeads(doc).slice().sort() : [], shapes: doc?.shapes ? Object.keys(doc.shapes).length : 0,
      errors: [...processErrors, ...c.errors] };
  },
  shutdown: () => Promise.allSettled([...clients.values()].map((c) => c.repo?.shutdown())),
});
