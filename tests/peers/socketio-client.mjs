// A scriptable client of the Socket.IO gateway on the official socket.io-client package, for the tests.
// Commands on stdin, one JSON object a line; what happens on stdout, one JSON object a line.
//
// argv:   --url URL [--auth JSON (the handshake's auth)] [--token T (auth.token)] [--header-token T (Authorization: Bearer)] [--query-token T (access_token)]
//         [--query JSON (more query parameters of every request)]
//         [--transports polling,websocket] [--reconnection]
// stdin:  {"op":"emit","event":"channel:join","args":[...]}               fire-and-forget
//         {"op":"emit","event":"channel:join","args":[...],"ack":N}       -> {"type":"ack","id":N,"args":[...]}
//         {"op":"disconnect"}
//         {"op":"drop"}                                                  closes the transport as a network failure would (the client reconnects with --reconnection)
// stdout: {"type":"open","transport":"polling"} (Engine.IO) | {"type":"connect","transport":"websocket"} (namespace) | {"type":"connect_error","message":"...","data":{...}}
//         {"type":"event","name":"...","body":{...}}  (every event the server emits)
//         {"type":"upgrade","transport":"websocket"} | {"type":"disconnect","reason":"..."} | {"type":"reconnect"}
import readline from 'node:readline';
import { io } from 'socket.io-client';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const out = (message) => process.stdout.write(JSON.stringify(message) + '\n');

const options = {
  transports: opt('--transports', 'polling,websocket').split(','),
  reconnection: args.includes('--reconnection'),
  reconnectionDelay: 100,
  reconnectionDelayMax: 500,
};
if (opt('--auth')) options.auth = JSON.parse(opt('--auth'));
if (opt('--token')) options.auth = { ...options.auth, token: opt('--token') };
if (opt('--header-token')) options.extraHeaders = { Authorization: `Bearer ${opt('--header-token')}` };
if (opt('--query')) options.query = JSON.parse(opt('--query'));
if (opt('--query-token')) options.query = { ...options.query, access_token: opt('--query-token') };

const socket = io(opt('--url'), options);
socket.io.on('open', () => {
  const engine = socket.io.engine;
  out({ type: 'open', transport: engine.transport.name });
  engine.once('upgrade', (t) => out({ type: 'upgrade', transport: t.name }));
});
socket.on('connect', () => out({ type: 'connect', transport: socket.io.engine.transport.name, id: socket.id }));
socket.on('connect_error', (e) => out({ type: 'connect_error', message: e.message, data: e.data ?? null }));
socket.on('disconnect', (reason) => out({ type: 'disconnect', reason }));
socket.io.on('reconnect', () => out({ type: 'reconnect' }));
socket.onAny((name, body) => out({ type: 'event', name, body }));

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.op === 'emit') {
    if (command.ack !== undefined) {
      socket.timeout(10000).emit(command.event, ...command.args, (err, ...ackArgs) =>
        out({ type: 'ack', id: command.ack, error: err ? String(err) : null, args: ackArgs }));
    } else {
      socket.emit(command.event, ...command.args);
    }
  } else if (command.op === 'disconnect') {
    socket.disconnect();
  } else if (command.op === 'drop') {
    socket.io.engine.close();
  }
});
process.stdin.on('end', () => process.exit(0));
