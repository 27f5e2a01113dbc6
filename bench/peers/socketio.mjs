// Socket.IO 4.8 room broadcast: a client emits "join" (room) to subscribe and "pub" ({room, data})
// to publish; the server emits "msg" (data) to everyone in the room via io.to(room).
// GET /__mem runs gc() (with --expose-gc) and returns process.memoryUsage().
import http from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] || process.env.PORT || 18091);
const server = http.createServer((req, res) => {
  if (req.url === '/__mem') {
    if (global.gc) { global.gc(); global.gc(); }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...process.memoryUsage(), connections: io.engine.clientsCount }));
    return;
  }
  if (!req.url.startsWith('/socket.io/')) { res.writeHead(404); res.end(); }
});
const io = new Server(server, { perMessageDeflate: false, httpCompression: false, maxHttpBufferSize: 1e6 });
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => { socket.join(room); if (typeof ack === 'function') ack('ok'); });
  socket.on('pub', (msg) => { io.to(msg.room).emit('msg', msg.data); });
});
server.listen(port, '127.0.0.1', () => console.log(`socketio listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
