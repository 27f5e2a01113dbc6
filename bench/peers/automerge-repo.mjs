// automerge-repo sync server, the documents scenario's second peer: a Repo with NodeWSServerAdapter
// over a `ws` WebSocketServer on 127.0.0.1:PORT, configured the way automerge-repo's own sync server
// (@automerge/automerge-repo-sync-server) is, except for storage: none (documents live in memory only,
// as Hocuspocus' do in this suite), so the repo is ephemeral and saves nothing. As in that server,
// sharePolicy is `async () => false`: the server announces no document to anyone and syncs a document
// with a peer once the peer asks for it by id (which every client does with `find`).
//
// automerge-repo document ids are generated, not named. The bench names its document (like the
// Hocuspocus one), so this server keeps a name -> document map and creates a named document on
// first request:
//   POST /__doc/NAME  creates the document {shapes: {}} if NAME is new (idempotent); answers {url}
//                     (the `automerge:` URL the clients `find`)
//   GET  /__doc/NAME  the server's own copy: {shapes: <count>, heads: [sorted hex heads]}, or
//                     {shapes: 0, heads: []} for an unknown name
//   GET  /__mem       as in ws-relay.mjs
import http from 'node:http';
import * as A from '@automerge/automerge';
import { Repo } from '@automerge/automerge-repo';
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] || process.env.PORT || 18093);

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  peerId: `bench-sync-server-${process.pid}`,
  // A server does not share generously: it syncs only the documents a peer asks for by id.
  sharePolicy: async () => false,
});
const named = new Map(); // bench document name -> DocHandle

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/__mem') {
    if (global.gc) { global.gc(); global.gc(); }
    return json(res, 200, process.memoryUsage());
  }
  if (url.pathname.startsWith('/__doc/')) {
    const name = decodeURIComponent(url.pathname.slice('/__doc/'.length));
    if (req.method === 'POST') {
      let handle = named.get(name);
      if (!handle) { handle = repo.create({ shapes: {} }); named.set(name, handle); }
      return json(res, 200, { url: handle.url });
    }
    const doc = named.get(name)?.doc();
    return json(res, 200, doc
      ? { shapes: Object.keys(doc.shapes || {}).length, heads: A.getHeads(doc).slice().sort() }
      : { shapes: 0, heads: [] });
  }
  json(res, 404, { error: 'not found' });
});
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(port, '127.0.0.1', () => console.log(`automerge-repo listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
