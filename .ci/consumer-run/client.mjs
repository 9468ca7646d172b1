// Drives the packed packages' run-time check (.ci/consumer-test.sh) with the Node SignalR and Socket.IO clients, as
// browsers would: sends to a user who is offline, connects with a position and gets the replay (on each transport),
// then live sends on two devices, read state across them, the inbox over HTTP, and a position of another tenant refused.
//   node client.mjs <base url> <signing key, base64> <folder with node_modules/@microsoft/signalr and socket.io-client>
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

const [base, key, peers] = process.argv.slice(2);
const peerRequire = createRequire(path.join(path.resolve(peers), "package.json"));
const signalR = peerRequire("@microsoft/signalr");
const { io } = peerRequire("socket.io-client");
const TIMEOUT_MS = 10_000;
const failures = [];

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

function token(sub, tenant) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, tenant_id: tenant, exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `${body}.${createHmac("sha256", Buffer.from(key, "base64")).update(body).digest("base64url")}`;
}

async function http(method, route, bearer) {
  const response = await fetch(base + route, { method, headers: { Authorization: `Bearer ${bearer}` } });
  if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status}`);
  return response.json();
}

const EVENTS = ["notification:new", "notification:replayed", "inbox:updated", "channel:joined", "error"];

// Queues a connection's events by name; next(name) takes the oldest, waiting for it.
function eventQueues(on) {
  const queues = new Map();
  const waiting = new Map();
  for (const name of EVENTS) {
    queues.set(name, []);
    on(name, (body) => {
      const wake = waiting.get(name);
      if (wake) {
        waiting.delete(name);
        wake(body);
      } else {
        queues.get(name).push(body);
      }
    });
  }

  return (name) => {
    const queued = queues.get(name);
    if (queued.length) return Promise.resolve(queued.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      waiting.set(name, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
  };
}

// A SignalR connection, once the server has set it up (it joined the default channel).
async function connect(bearer, positions) {
  const url = `${base}/notifications${positions ? `?positions=${encodeURIComponent(JSON.stringify(positions))}` : ""}`;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory: () => bearer, skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  const next = eventQueues((name, handler) => connection.on(name, handler));
  await connection.start();
  await next("channel:joined");
  return { next, invoke: (name, body) => connection.invoke(name, body), stop: () => connection.stop() };
}

// A Socket.IO connection as the spec's browser code makes it (polling, then the upgrade), with positions in auth.
async function connectSocketIo(bearer, positions) {
  const socket = io(base, { auth: { token: bearer, positions }, reconnection: false });
  const next = eventQueues((name, handler) => socket.on(name, handler));
  await next("channel:joined");
  return { next, stop: () => socket.disconnect() };
}

const alice = token("alice", "t1");
const stream = "t:t1:user:alice";
try {
  const sent = [await http("POST", "/send/alice?subject=one", alice), await http("POST", "/send/alice?subject=two", alice)];
  check(sent.every((s) => s.success), "sends to an offline user succeed (stored)");

  const phone = await connect(alice, { [stream]: 0 });
  const replayed = [await phone.next("notification:new"), await phone.next("notification:new")];
  const replay = await phone.next("notification:replayed");
  check(replayed.map((n) => `${n.subject}@${n.position}`).join() === "one@1,two@2", `replayed in order: ${replayed.map((n) => `${n.subject}@${n.position}`)}`);
  check(replay.stream === stream && replay.count === 2 && !replay.reset, `replay end: ${JSON.stringify(replay)}`);

  const laptop = await connectSocketIo(alice, { [stream]: 1 });
  const missed = await laptop.next("notification:new");
  const socketReplay = await laptop.next("notification:replayed");
  check(missed.subject === "two" && missed.position === 2 && socketReplay.count === 1, "Socket.IO: connected with position 1, replays two@2");

  await http("POST", "/send/alice?subject=three", alice);
  const live = [await phone.next("notification:new"), await laptop.next("notification:new")];
  check(live.every((n) => n.subject === "three" && n.position === 3), "a live send reaches both devices (SignalR and Socket.IO) at position 3");

  await phone.invoke("inbox:read", { ids: [replayed[0].id] });
  const changes = [await phone.next("inbox:updated"), await laptop.next("inbox:updated")];
  check(changes.every((c) => c.kind === "read" && c.unreadCount === 2 && c.ids[0] === replayed[0].id), `read on one device reaches both: ${JSON.stringify(changes[1])}`);

  const count = await http("GET", "/api/inbox/unread-count", alice);
  const page = await http("GET", "/api/inbox?limit=10", alice);
  check(count.unreadCount === 2, `unread count over HTTP: ${count.unreadCount}`);
  check(page.items.map((i) => `${i.notification.subject}:${i.read}`).join() === "three:false,two:false,one:true", "history over HTTP, newest first, with read state");

  const mallory = await connect(token("mallory", "t2"), { [stream]: 0 });
  const refused = await mallory.next("error");
  check(refused.code === "POSITION_REFUSED", `another tenant's position is refused: ${refused.code}`);

  await Promise.all([phone, laptop, mallory].map((c) => c.stop()));
} catch (error) {
  check(false, String(error));
}

process.exit(failures.length ? 1 : 0);
