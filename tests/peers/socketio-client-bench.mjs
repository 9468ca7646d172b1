// The Node baseline for the Socket.IO load scenarios: the official socket.io-client against the same server, with the
// same payload as the .NET provider. Prints {"ops":N,"ms":M}.
//   node socketio-client-bench.mjs --url http://127.0.0.1:P --mode fire|ack --seconds S [--inflight 64]
// fire: emits for S seconds (yielding to I/O every 256 emits), then waits for the server to acknowledge a final
//       "flush" emit, so the time covers delivery of every emit, as the .NET side's does.
// ack:  `inflight` loops of emitWithAck for S seconds.
import { io } from 'socket.io-client';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const url = opt('--url');
const mode = opt('--mode', 'fire');
const seconds = Number(opt('--seconds', '3'));
const inflight = Number(opt('--inflight', '64'));

const socket = io(url, { transports: ['websocket'], reconnection: false });
await new Promise((resolve, reject) => {
  socket.on('connect', resolve);
  socket.on('connect_error', reject);
});

const payload = () => ({
  id: Math.random().toString(36).slice(2),
  subject: 'Load',
  body: 'A notification of a typical size for the load run.',
  data: { n: 42, kind: 'load' },
  recipient: { userId: 'u' },
  timestamp: new Date().toISOString(),
});

const start = performance.now();
const end = start + seconds * 1000;
let ops = 0;
if (mode === 'fire') {
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) socket.emit('notification', payload());
    ops += 256;
    await new Promise((r) => setImmediate(r));
  }
  await socket.timeout(60000).emitWithAck('flush', {});
} else {
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < end) {
        await socket.timeout(30000).emitWithAck('notification', payload());
        ops++;
      }
    }),
  );
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ops, ms }) + '\n');
socket.close();
process.exit(0);
