// Minimal `ws` broadcast relay: every text frame a client sends is forwarded verbatim to every
// other client in the same room (?room=NAME, default "r1"). GET /__mem runs gc() (when started
// with --expose-gc) and returns process.memoryUsage() as JSON, for the idle-connection scenario.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] || process.env.PORT || 18090);
const rooms = new Map();

const server = http.createServer((req, res) => {
  if (req.url === '/__mem') {
    if (global.gc) { global.gc(); global.gc(); }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...process.memoryUsage(), connections: wss.clients.size }));
    return;
  }
  res.writeHead(404); res.end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const room = new URL(req.url, 'http://x').searchParams.get('room') || 'r1';
  let members = rooms.get(room);
  if (!members) rooms.set(room, members = new Set());
  members.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const peer of members) {
      if (peer !== ws && peer.readyState === 1) peer.send(data, { binary: isBinary });
    }
  });
  ws.on('close', () => { members.delete(ws); if (members.size === 0) rooms.delete(room); });
  ws.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => console.log(`ws-relay listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
