// A Node socket.io server with @socket.io/redis-adapter (the way a Socket.IO cluster scales out), for the tests.
// Prints {"port":N} on its first stdout line. Each socket joins the rooms its handshake names (auth.rooms), so a test
// decides which room (user:alice, t:1:user:alice ...) a receiver is in.
//   node socketio-redis-server.mjs --port 0 --redis 127.0.0.1:6379 [--key socket.io]
import http from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const [host, redisPort] = opt('--redis').split(':');
const pub = new Redis({ host, port: Number(redisPort) });
const sub = pub.duplicate();

const server = http.createServer();
const io = new Server(server, { adapter: createAdapter(pub, sub, { key: opt('--key', 'socket.io') }) });
io.on('connection', (socket) => {
  for (const room of socket.handshake.auth?.rooms ?? []) socket.join(room);
  socket.emit('ready', { rooms: [...socket.rooms] });
});

// Listen once the adapter's subscriptions are in place, so nothing published after "port" is missed.
const subscribed = () =>
  new Promise((resolve) => {
    const check = async () => ((await pub.pubsub('NUMPAT')) > 0 ? resolve() : setTimeout(check, 10));
    check();
  });
await subscribed();
server.listen(Number(opt('--port', '0')), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

const shutdown = () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
