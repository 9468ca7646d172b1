// Reference native WebSocket server (npm `ws`) speaking Notify.WebSocket's JSON envelope.
// Prints {"port":N} on its first stdout line. An HTTP control API on the same port lets tests
// drive it: GET /stats, POST /push, POST /malformed, POST /drop, POST /freeze, POST /reset, POST /auth.
//
// Options (argv, all optional):
//   --port N            listen port (0 = any free port; give the old port to "restart on the same port")
//   --auth-bearer TOKEN require "Authorization: Bearer TOKEN", else answer the upgrade with 401
//   --auth-query k=v    require the query parameter k=v, else 401
//   --no-ack            never acknowledge
//   --ack-delay MS      acknowledge MS milliseconds after a message arrives (widens the window a drop can hit)
//   --log FILE          append every received message id to FILE (survives restarts)
//   --sink              count messages instead of keeping them (load runs)
//   --stream N          send N events ("status:update", id "s-<n>", requiresAck) to the newest connection, as fast as
//                       its send buffer allows; every one not yet acknowledged is sent again to each new connection
//   --rate R            with --stream: at most R events per second (default: as fast as the client reads)
//   --burst N           send N events ("status:update", id "b-<n>", no ack asked) to each new connection at once
//   --upgrade-delay MS  answer each upgrade MS milliseconds after it arrives, checking its credentials then (a token
//                       changed meanwhile with POST /auth refuses an upgrade made with the old one)
import http from 'node:http';
import fs from 'node:fs';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(name);

const port = Number(opt('--port', '0'));
let authBearer = opt('--auth-bearer');
const authQuery = opt('--auth-query');
const ack = !flag('--no-ack');
const ackDelay = Number(opt('--ack-delay', '0'));
const logFile = opt('--log');
const sink = flag('--sink');
const streamTotal = Number(opt('--stream', '0'));
const burst = Number(opt('--burst', '0'));
const streamRate = Number(opt('--rate', '0'));
const upgradeDelay = Number(opt('--upgrade-delay', '0'));
const unacked = new Map(); // stream id -> frame, until the client acknowledges it
let streamNext = 0;
let streamTarget = null;
let clientAcks = 0;

const stats = () => ({ upgrades: 0, rejected: 0, connections: 0, open: 0, received: 0, messages: [], handshakes: [], rooms: [] });
let s = stats();
const sockets = new Set();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const body = await new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data ? JSON.parse(data) : {}));
  });
  const reply = (obj) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  switch (url.pathname) {
    case '/stats':
      return reply({ ...s, open: sockets.size, stream: { sent: streamNext, unacked: unacked.size, acks: clientAcks } });
    case '/reset':
      s = stats();
      return reply({});
    case '/auth':
      // body: { bearer } - from now on only this token is accepted (open connections are kept)
      authBearer = body.bearer;
      return reply({});
    case '/push': {
      // body: { frames: [ <object or raw string> ... ] } sent to every open socket
      for (const ws of sockets) {
        for (const f of body.frames ?? []) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
      }
      return reply({ sent: sockets.size });
    }
    case '/malformed': {
      // body: { count, size } - a mix of non-JSON, wrong-shape and oversized frames
      const count = body.count ?? 1000;
      const big = 'x'.repeat(body.size ?? 2 * 1024 * 1024);
      for (const ws of sockets) {
        for (let i = 0; i < count; i++) {
          switch (i % 4) {
            case 0: ws.send('this is not json {'); break;
            case 1: ws.send(JSON.stringify([1, 2, 3])); break;
            case 2: ws.send(JSON.stringify({ neither: 'event nor ack' })); break;
            case 3: ws.send(JSON.stringify({ event: 'status', data: big })); break;
          }
        }
      }
      return reply({ sent: count * sockets.size });
    }
    case '/drop':
      for (const ws of sockets) ws.terminate();
      return reply({});
    case '/freeze':
      // Stop reading from every socket: pings go unanswered while TCP stays open (a dead peer).
      for (const ws of sockets) ws._socket.pause();
      return reply({});
    default:
      res.writeHead(404);
      res.end();
  }
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload: 16 * 1024 * 1024 });

server.on('upgrade', (req, socket, head) => {
  s.upgrades++;
  if (upgradeDelay > 0) setTimeout(() => upgrade(req, socket, head), upgradeDelay);
  else upgrade(req, socket, head);
});

function upgrade(req, socket, head) {
  const url = new URL(req.url, 'http://localhost');
  const authorized =
    (!authBearer || req.headers['authorization'] === `Bearer ${authBearer}`) &&
    (!authQuery || url.searchParams.get(authQuery.split('=')[0]) === authQuery.split('=').slice(1).join('='));
  if (!authorized) {
    s.rejected++;
    socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
}

wss.on('connection', (ws, req) => {
  s.connections++;
  sockets.add(ws);
  s.handshakes.push({
    url: req.url,
    headers: req.headers,
    extensions: Object.keys(ws.extensions ? { [ws.extensions]: 1 } : {}).join(','),
    negotiated: Object.keys(ws._extensions ?? {}),
  });
  ws.on('close', () => sockets.delete(ws));
  if (burst > 0) {
    for (let i = 0; i < burst; i++) ws.send(JSON.stringify({ event: 'status:update', data: { n: i }, id: `b-${i}` }));
  }
  if (streamTotal > 0) {
    // What the last connection did not acknowledge goes out again first, then the stream goes on.
    for (const frame of unacked.values()) ws.send(frame);
    streamTarget = ws;
    pump(ws);
  }
  ws.on('message', (raw) => {
    s.received++;
    if (sink && raw.length > 0 && !raw.includes('"requiresAck"') && !raw.includes('"requiresResponse"')) return;
    let msg;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (msg.ack === true && typeof msg.id === 'string' && !msg.event) {
      if (unacked.delete(msg.id)) clientAcks++;
      return;
    }
    if (!sink) s.messages.push(msg);
    if (logFile && msg.id) fs.appendFileSync(logFile, msg.id + '\n');
    if (msg.event === 'join_room' || msg.event === 'leave_room') s.rooms.push({ event: msg.event, room: msg.data?.room });
    if (msg.requiresAck && ack) {
      const acknowledge = () => ws.send(JSON.stringify({ ack: true, id: msg.id }));
      ackDelay > 0 ? setTimeout(acknowledge, ackDelay) : acknowledge();
    }
    if (msg.requiresResponse) {
      const delay = msg.data?.delayMs ?? 0;
      const respond = () => ws.send(JSON.stringify(msg.data?.noData ? { response: true, id: msg.id } : { response: true, id: msg.id, data: { event: msg.event, echo: msg.data } }));
      delay > 0 ? setTimeout(respond, delay) : respond();
    }
  });
});

function pump(ws) {
  if (streamTarget !== ws || ws.readyState !== ws.OPEN) return;
  let budget = streamRate > 0 ? Math.max(1, Math.round(streamRate / 100)) : Infinity;
  while (streamNext < streamTotal && ws.bufferedAmount < 256 * 1024 && budget-- > 0) {
    const id = `s-${streamNext}`;
    const frame = JSON.stringify({ event: 'status:update', data: { n: streamNext }, id, requiresAck: true });
    unacked.set(id, frame);
    ws.send(frame);
    streamNext++;
  }
  if (streamNext < streamTotal) setTimeout(() => pump(ws), streamRate > 0 ? 10 : 1);
}

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

const shutdown = () => {
  for (const ws of sockets) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown); // the test process died: do not outlive it
process.stdin.resume();
