// A scriptable client of the notification gateway on the official @microsoft/signalr package, for the tests.
// Commands on stdin, one JSON object a line; what happens on stdout, one JSON object a line.
//
// argv:   --url URL  [--token TOKEN]  [--transport websockets|longpolling]
// stdin:  {"op":"send","method":"channel:join","args":[...]}     fire-and-forget: the invocation has no id
//         {"op":"invoke","method":"channel:join","args":[...],"id":N}   -> {"type":"result","id":N,"error":null|"..."}
//         {"op":"stop"}
// stdout: {"type":"started"} | {"type":"start-failed","error":"..."}
//         {"type":"event","name":"notification:new|channel:joined|channel:left|error","body":{...}}
//         {"type":"closed","error":null|"..."}
// Client logging is off: its Information lines carry the URL, and with it the access token.
import readline from 'node:readline';
import * as signalR from '@microsoft/signalr';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

const out = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const token = opt('--token');
const transport = opt('--transport', 'websockets') === 'longpolling'
  ? signalR.HttpTransportType.LongPolling
  : signalR.HttpTransportType.WebSockets;

const connection = new signalR.HubConnectionBuilder()
  .withUrl(opt('--url'), {
    transport,
    skipNegotiation: transport === signalR.HttpTransportType.WebSockets,
    accessTokenFactory: token ? () => token : undefined,
  })
  .configureLogging(signalR.LogLevel.None)
  .build();

for (const name of ['notification:new', 'channel:joined', 'channel:left', 'error']) {
  connection.on(name, (body) => out({ type: 'event', name, body }));
}
connection.onclose((error) => {
  out({ type: 'closed', error: error ? String(error) : null });
  process.exit(0);
});

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = JSON.parse(line);
  if (command.op === 'send') {
    await connection.send(command.method, ...command.args).catch((e) => out({ type: 'send-failed', error: String(e) }));
  } else if (command.op === 'invoke') {
    await connection.invoke(command.method, ...command.args)
      .then(() => out({ type: 'result', id: command.id, error: null }))
      .catch((e) => out({ type: 'result', id: command.id, error: String(e) }));
  } else if (command.op === 'stop') {
    await connection.stop();
  }
});
lines.on('close', () => connection.stop());

try {
  await connection.start();
  out({ type: 'started' });
} catch (e) {
  out({ type: 'start-failed', error: String(e) });
  process.exit(0);
}
