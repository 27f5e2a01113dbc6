// Yjs clients of a Hocuspocus server (the documents scenario's peer), driven over stdin/stdout like
// src/test/js/server-clients.mjs (the Tandem/Automerge clients), one JSON object per line:
//   {cmd:"open", rid, c, url, doc}   connect a HocuspocusProvider; reply once synced
//   {cmd:"strokes", rid, c, n}       append n strokes (one transaction each, yielding between them)
//   {cmd:"state", rid}               per client: state vector, shape count, errors; bytes on the wire
// Wire bytes are counted on the client's WebSocket (every message in and out).
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { appendStrokes, serveCommands } from './doc-clients.mjs';

const clients = new Map();
const wire = { bytesIn: 0, bytesOut: 0, received: 0, sent: 0 };

/** The `ws` WebSocket, counting the bytes of every message. */
class CountingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { perMessageDeflate: false });
    this.on('message', (data) => { wire.received++; wire.bytesIn += data.length ?? data.byteLength; });
  }
  send(data, ...rest) {
    wire.sent++;
    wire.bytesOut += data.length ?? data.byteLength;
    return super.send(data, ...rest);
  }
}

function open(m) {
  return new Promise((resolve, reject) => {
    const doc = new Y.Doc();
    const cl = { id: m.c, doc, errors: [], strokes: 0 };
    const timer = setTimeout(() => reject(new Error(m.c + ': not synced in 30 s')), 30000);
    const websocketProvider = new HocuspocusProviderWebsocket({ url: m.url, WebSocketPolyfill: CountingWebSocket });
    cl.provider = new HocuspocusProvider({
      websocketProvider, name: m.doc, document: doc,
      onSynced: () => { clearTimeout(timer); resolve(); },
      onAuthenticationFailed: ({ reason }) => cl.errors.push('auth: ' + reason),
    });
    clients.set(m.c, cl);
  });
}

function strokes(cl, n) {
  const shapes = cl.doc.getMap('shapes');
  return appendStrokes(cl, n, (id, stroke) => cl.doc.transact(() => { shapes.set(id, stroke); }));
}

serveCommands({
  clients, wire, open, strokes,
  stateOf: (c) => ({ heads: [Buffer.from(Y.encodeStateVector(c.doc)).toString('base64')],
    shapes: c.doc.getMap('shapes').size, errors: c.errors }),
  shutdown: () => { for (const c of clients.values()) c.provider?.destroy(); },
});
