// Many official socket.io-client sockets in one process, for the broadcast load scenario: they connect (websocket),
// join the channel, and count the notification:new events they receive.
//   node socketio-bench-clients.mjs --url URL --clients N [--auth JSON] [--join CHANNEL] [--batch N]
// stdout: {"ready":N} once every socket is connected and in the channel
// stdin:  {"expect":T} -> {"reached":T} once the sockets received T notifications in total (since start)
import readline from 'node:readline';
import { io } from 'socket.io-client';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const count = Number(opt('--clients', '200'));
const auth = JSON.parse(opt('--auth', '{}'));
const join = opt('--join');
let received = 0;
let target = Infinity;
const check = () => {
  if (received >= target) {
    process.stdout.write(JSON.stringify({ reached: target }) + '\n');
    target = Infinity;
  }
};

const sockets = [];
const connect = () => new Promise((resolve, reject) => {
  const socket = io(opt('--url'), { transports: ['websocket'], reconnection: false, auth, forceNew: true });
  socket.on('notification:new', () => {
    received++;
    if (received >= target) check();
  });
  socket.once('channel:joined', () => resolve());
  socket.on('connect_error', reject);
  if (join) socket.emit('channel:join', { channelName: join });
  sockets.push(socket);
});
// --batch N connects N sockets at a time (the memory probe: a server's steady state, not a burst of handshakes).
const batch = Number(opt('--batch', String(count)));
for (let done = 0; done < count; done += batch) {
  await Promise.all(Array.from({ length: Math.min(batch, count - done) }, connect));
}
process.stdout.write(JSON.stringify({ ready: sockets.length }) + '\n');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.expect !== undefined) {
    target = command.expect;
    check();
  }
});
process.stdin.on('end', () => process.exit(0));
