// The Node baseline of the Socket.IO broadcast load scenario: the reference socket.io server, its sockets in the rooms
// their handshake names (auth.rooms). Prints {"port":N}.
//   POST /broadcast {room, count, payload}  emits `count` notification:new events to the room, answers when written
//   GET  /memory                            {heapUsed, rss} after full collections
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Server } from 'socket.io';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] ?? 0);
const server = http.createServer();
const io = new Server(server, { perMessageDeflate: false });
io.on('connection', (socket) => {
  for (const room of socket.handshake.auth?.rooms ?? []) socket.join(room);
  socket.emit('channel:joined', { channelName: 'bench' });
});

const listeners = server.listeners('request').slice();
server.removeAllListeners('request');
server.on('request', (req, res) => {
  if (req.url === '/broadcast' && req.method === 'POST') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { room, count, payload } = JSON.parse(body);
      for (let i = 0; i < count; i++) io.to(room).emit('notification:new', { ...payload, id: `${payload.id}-${i}`, timestamp: new Date().toISOString() });
      res.end('{}');
    });
    return;
  }
  if (req.url === '/memory') {
    gc();
    gc();
    const m = process.memoryUsage();
    res.end(JSON.stringify({ heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss }));
    return;
  }
  for (const l of listeners) l.call(server, req, res);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
