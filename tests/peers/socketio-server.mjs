// Reference Socket.IO v4 server (npm `socket.io`). Prints {"port":N} on its first stdout line.
// HTTP control API on the same port: GET /control/stats, POST /control/push, /control/push-with-ack, /control/drop,
// /control/reset, /control/auth.
//
// Options (argv, all optional):
//   --port N             listen port (0 = any free port)
//   --auth-token TOKEN   reject the handshake (connect_error "unauthorized") unless auth.token or the
//                        Authorization header carries TOKEN
//   --http-auth TOKEN    refuse the Engine.IO handshake itself unless the Authorization header carries TOKEN, as a
//                        server or a proxy in front of it checks credentials over HTTP: polling with 403 (allowRequest),
//                        a WebSocket upgrade with 401 (engine.io itself would answer an upgrade it refuses with 400)
//   --no-ack             never call acknowledgment callbacks
//   --ack-delay MS       call acknowledgment callbacks MS milliseconds late (a message's data.delayMs wins)
//   --compress           enable permessage-deflate on the websocket transport
//   --log FILE           append every received data.id to FILE (survives restarts)
//   --sink               count messages instead of keeping them (load runs)
//   --ping-interval MS / --ping-timeout MS   engine.io heartbeat
import http from 'node:http';
import fs from 'node:fs';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(name);

const port = Number(opt('--port', '0'));
let authToken = opt('--auth-token');
const ack = !flag('--no-ack');
const ackDelay = Number(opt('--ack-delay', '0'));
const logFile = opt('--log');
const sink = flag('--sink');

const fresh = () => ({ connections: 0, rejected: 0, received: 0, messages: [], handshakes: [], rooms: [], clientAcks: [] });
let s = fresh();

const server = http.createServer();
const httpAuth = opt('--http-auth');
const io = new Server(server, {
  allowRequest: (req, callback) => {
    if (!httpAuth || req.headers['authorization'] === `Bearer ${httpAuth}`) return callback(null, true);
    if (!req.refusedUpgrade) s.rejected++;
    callback(null, false);
  },
  perMessageDeflate: flag('--compress') ? { threshold: 0 } : false,
  pingInterval: Number(opt('--ping-interval', '25000')),
  pingTimeout: Number(opt('--ping-timeout', '20000')),
  maxHttpBufferSize: 16 * 1024 * 1024,
});

if (httpAuth) {
  server.prependListener('upgrade', (req, socket) => {
    if (req.headers['authorization'] === `Bearer ${httpAuth}`) return;
    req.refusedUpgrade = true;
    s.rejected++;
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

const authorize = (socket, next) => {
  if (!authToken) return next();
  const header = socket.handshake.headers['authorization'];
  if (socket.handshake.auth?.token === authToken || header === `Bearer ${authToken}`) return next();
  s.rejected++;
  next(new Error('unauthorized'));
};

const attach = (nsp) => {
  nsp.use(authorize);
  nsp.on('connection', (socket) => {
    s.connections++;
    const raw = socket.conn.transport?.socket;
    s.handshakes.push({
      nsp: nsp.name,
      transport: socket.conn.transport.name,
      headers: socket.handshake.headers,
      query: socket.handshake.query,
      auth: socket.handshake.auth,
      negotiated: Object.keys(raw?._extensions ?? {}),
    });
    socket.conn.on('upgrade', () => {
      const last = s.handshakes[s.handshakes.length - 1];
      last.transport = socket.conn.transport.name;
      last.negotiated = Object.keys(socket.conn.transport.socket?._extensions ?? {});
    });
    socket.onAny((event, ...rest) => {
      s.received++;
      const callback = typeof rest[rest.length - 1] === 'function' ? rest.pop() : null;
      const data = rest[0];
      if (event === 'join_room' || event === 'leave_room') {
        const room = data?.room;
        event === 'join_room' ? socket.join(room) : socket.leave(room);
        s.rooms.push({ event, room, nsp: nsp.name });
      } else if (!sink) {
        s.messages.push({ event, data, nsp: nsp.name, acked: !!callback });
      }
      if (logFile && data?.id) fs.appendFileSync(logFile, data.id + '\n');
      if (callback && ack) {
        const delay = data?.delayMs ?? ackDelay;
        const respond = () => (data?.noData ? callback() : callback({ event, echo: data }));
        delay > 0 ? setTimeout(respond, delay) : respond();
      }
    });
  });
};
attach(io.of('/'));
attach(io.of('/admin'));

const readBody = (req) =>
  new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data ? JSON.parse(data) : {}));
  });

// socket.io owns the request listener; control routes are answered before it sees them.
const ioListeners = server.listeners('request').slice();
server.removeAllListeners('request');
server.on('request', async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (!url.pathname.startsWith('/control/')) {
    for (const l of ioListeners) l.call(server, req, res);
    return;
  }
  const body = await readBody(req);
  const reply = (obj) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  switch (url.pathname) {
    case '/control/stats': {
      const open = (await io.of('/').fetchSockets()).length + (await io.of('/admin').fetchSockets()).length;
      return reply({ ...s, open });
    }
    case '/control/reset':
      s = fresh();
      return reply({});
    case '/control/auth':
      // body: { token } - from now on only this token is accepted (open connections are kept)
      authToken = body.token;
      return reply({});
    case '/control/push-with-ack':
      // body: { event, count } - emits count events (data { id: "a-<n>", n }) asking each client for an acknowledgment
      for (const socket of io.of('/').sockets.values()) {
        for (let n = 0; n < (body.count ?? 1); n++) {
          const id = `a-${n}`;
          socket.emit(body.event ?? 'status:update', { id, n }, () => s.clientAcks.push(id));
        }
      }
      return reply({});
    case '/control/push':
      // body: { events: [ { event, data, nsp? } ] } sent to every connected socket
      for (const e of body.events ?? []) io.of(e.nsp ?? '/').emit(e.event, e.data);
      return reply({});
    case '/control/drop':
      // Close every transport (a network drop, not a server-initiated disconnect).
      for (const nsp of [io.of('/'), io.of('/admin')]) for (const socket of await nsp.fetchSockets()) socket.conn.close();
      return reply({});
    default:
      res.writeHead(404);
      res.end();
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

const shutdown = () => {
  io.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
