// Hocuspocus (Yjs) document server, the documents scenario's peer. Listens on 127.0.0.1:PORT;
// GET /__doc/NAME answers the server's own copy of a document: shape count and Yjs state vector
// (base64), so the bench can check that every client and the server hold the same state.
// GET /__mem as in ws-relay.mjs.
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const port = Number(process.argv[2] || process.env.PORT || 18092);

const server = Server.configure({
  port,
  address: '127.0.0.1',
  quiet: true,
  async onRequest({ request, response }) {
    const url = new URL(request.url, 'http://x');
    if (url.pathname === '/__mem') {
      if (global.gc) { global.gc(); global.gc(); }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(process.memoryUsage()));
      throw null; // handled: stop Hocuspocus' default response
    }
    if (url.pathname.startsWith('/__doc/')) {
      const doc = server.documents.get(decodeURIComponent(url.pathname.slice('/__doc/'.length)));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(doc
        ? { shapes: doc.getMap('shapes').size, stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') }
        : { shapes: 0, stateVector: null }));
      throw null;
    }
  },
});
await server.listen();
console.log(`hocuspocus listening on 127.0.0.1:${port}`);
process.on('SIGTERM', () => process.exit(0));
