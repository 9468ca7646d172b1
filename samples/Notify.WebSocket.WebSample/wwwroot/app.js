// The browser side of the sample: @microsoft/signalr speaking the gateway's protocol, shown as an app's notification
// centre on the inbox. The history comes from the inbox's HTTP endpoints; the connection gives the position it last saw
// of each stream, so nothing sent while the page was loading, reloading or offline is missed or shown twice; read state
// is the server's, so every open tab (and device) follows it live.
"use strict";

const $ = (id) => document.getElementById(id);
const TOAST_MS = 6000;
const HISTORY_PAGE = 50;
let connection = null;
let token = null;
let me = null; // { userId, tenantId } of this tab, kept across reloads in sessionStorage
let positions = {}; // stream id -> the last position this tab has seen
let replaying = new Set(); // streams whose replay has not ended on the current connection
let unread = 0;
const items = new Map(); // notification id -> { node, stream, position }

// The client's own logging is limited to warnings and errors, and never shows the access token (its Information
// lines print the connection URL, which carries ?access_token=).
const logger = {
  log(level, message) {
    if (level >= signalR.LogLevel.Warning) {
      console.warn("[notifications]", String(message).replace(/access_token=[^&\s]+/g, "access_token=[redacted]"));
    }
  },
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // never innerHTML: notification content is untrusted
  return node;
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function setUnread(count) {
  unread = Math.max(0, count);
  $("badge").textContent = unread > 99 ? "99+" : String(unread);
  $("badge").hidden = unread === 0;
  $("bell").setAttribute("aria-label", unread ? `Notifications, ${unread} unread` : "Notifications");
}

function toast(kind, title, text, data) {
  const item = el("div", `toast ${kind}`);
  item.setAttribute("role", kind === "error" ? "alert" : "status");
  Object.assign(item.dataset, data);
  const content = el("div", "toast-content");
  content.append(el("strong", "", title));
  if (text) content.append(el("span", "", text));
  const close = el("button", "toast-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "Dismiss");
  close.addEventListener("click", () => item.remove());
  item.append(content, close);
  $("toasts").append(item);
  setTimeout(() => item.remove(), TOAST_MS);
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function remember(stream, position) {
  if (stream && position > (positions[stream] ?? 0)) positions[stream] = position;
}

function render(n, read) {
  const target = n.recipient?.channel ? `#${n.recipient.channel}` : "Direct";
  const when = new Date(n.timestamp);
  const item = el("li", read ? "item" : "item unread");
  item.dataset.subject = n.subject ?? "";
  item.dataset.id = n.id;
  const text = el("div", "item-text");
  text.append(el("p", "item-subject", n.subject || "(no subject)"));
  if (n.body) text.append(el("p", "item-body", n.body));
  const meta = el("p", "item-meta");
  const time = el("time", "", when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  time.dateTime = when.toISOString();
  time.title = when.toLocaleString();
  meta.append(el("span", "item-target", target), " · ", time);
  text.append(meta);
  item.append(el("span", "dot"), text);
  item.addEventListener("click", () => item.classList.contains("unread") && markRead({ ids: [n.id] }));
  items.set(n.id, { node: item, stream: n.stream, position: n.position });
  return item;
}

// A notification from the connection: replayed ones fill the list quietly, live ones also raise a toast.
function addNotification(n) {
  remember(n.stream, n.position);
  if (items.has(n.id)) return; // already shown (from the history)
  const live = !replaying.has(n.stream);
  $("notifications").prepend(render(n, false));
  $("empty").hidden = true;
  setUnread(unread + 1);
  if (live) toast("info", n.subject || "New notification", n.body ?? "", { subject: n.subject ?? "" });
}

function setRead(id, read) {
  items.get(id)?.node.classList.toggle("unread", !read);
}

// Read state is the server's: every tab (and device) of the user gets inbox:updated, this one included.
function applyChange(change) {
  switch (change.kind) {
    case "read":
    case "unread":
      change.ids.forEach((id) => setRead(id, change.kind === "read"));
      break;
    case "readAll": // up to each stream's head then: what was stored later stays unread, even if it came first
      items.forEach((item, id) => item.position <= (change.positions?.[item.stream] ?? 0) && setRead(id, true));
      break;
    case "readThrough":
      items.forEach((item, id) => item.stream === change.stream && item.position <= change.position && setRead(id, true));
      break;
    case "archived":
      change.ids.forEach((id) => {
        items.get(id)?.node.remove();
        items.delete(id);
      });
      break;
    case "refresh": // changed where this tab could not hear it (servers cut from each other): read the inbox again
      loadHistory().catch((error) => toast("error", String(error)));
      return;
  }
  setUnread(change.unreadCount);
}

async function markRead(request) {
  if (connection?.state === signalR.HubConnectionState.Connected) {
    await connection.invoke("inbox:read", request);
  } else {
    applyChange(await api("/api/inbox/read", request)); // offline from the hub: the HTTP endpoint does the same
  }
}

function setChannel(name, joined) {
  const existing = [...$("channels").children].find((li) => li.dataset.channel === name);
  if (joined && !existing) {
    const chip = el("li", "chip", `#${name}`);
    chip.dataset.channel = name;
    $("channels").append(chip);
  } else if (!joined && existing) {
    existing.remove();
  }
}

// The connection gives the positions this tab has seen: the server first sends what came after them, in order.
// Absolute: SignalR resolves a relative URL only when the connection is built, not when baseUrl is set again.
function hubUrl() {
  return new URL(`/notifications?positions=${encodeURIComponent(JSON.stringify(positions))}`, location.href).toString();
}

// A fresh token for every (re)connection: a token the server no longer accepts (it restarted with a new development
// key, or the token expired) would otherwise keep this tab offline.
async function fetchToken() {
  const response = await fetch(`/dev/token?userId=${encodeURIComponent(me.userId)}&tenantId=${encodeURIComponent(me.tenantId)}`);
  if (!response.ok) throw new Error(`Sign-in unavailable: HTTP ${response.status}`);
  token = (await response.json()).token;
  return token;
}

// The channels this user joined, shared by their tabs (localStorage): the server keeps the membership for the user, so
// every tab follows the same channels, and joins them again after a reload or a reconnect.
const channelsKey = () => `notify:channels:${me.tenantId}:${me.userId}`;
const savedChannels = () => JSON.parse(localStorage.getItem(channelsKey()) ?? "[]");

function saveChannel(name, joined) {
  const channels = new Set(savedChannels());
  if (joined) channels.add(name);
  else channels.delete(name);
  localStorage.setItem(channelsKey(), JSON.stringify([...channels].sort()));
}

const channelStream = (name) => `t:${me.tenantId.replace(/%/g, "%25").replace(/:/g, "%3A")}:channel:${name}`;

function joinChannel(channelName) {
  const stream = channelStream(channelName);
  const request = stream in positions ? { channelName, position: positions[stream] } : { channelName };
  if (stream in positions) replaying.add(stream);
  return connection?.invoke("channel:join", request);
}

async function rejoinChannels() {
  for (const name of savedChannels()) await joinChannel(name);
}

// Keeps growing the wait between attempts, and never gives up: a notification centre stays connected.
const retryForever = { nextRetryDelayInMilliseconds: (context) => Math.min(30000, 500 * 2 ** context.previousRetryCount) };

async function start() {
  if (connection) await connection.stop();
  replaying = new Set(Object.keys(positions));
  connection = new signalR.HubConnectionBuilder()
    .withUrl(hubUrl(), { accessTokenFactory: fetchToken })
    .withAutomaticReconnect(retryForever)
    .configureLogging(logger)
    .build();

  connection.on("notification:new", addNotification);
  connection.on("notification:replayed", (replay) => {
    replaying.delete(replay.stream);
    remember(replay.stream, replay.position);
  });
  connection.on("inbox:updated", applyChange);
  connection.on("channel:joined", (e) => {
    setChannel(e.channelName, true);
    saveChannel(e.channelName, true);
  });
  connection.on("channel:left", (e) => {
    setChannel(e.channelName, false);
    saveChannel(e.channelName, false);
  });
  connection.on("error", (e) => toast("error", e.message, e.channelName ? `#${e.channelName}` : "", { code: e.code ?? "" }));
  connection.onreconnecting(() => {
    setStatus("reconnecting", "Reconnecting…");
    connection.baseUrl = hubUrl(); // reconnect from where this tab is now
    replaying = new Set(Object.keys(positions));
  });
  connection.onreconnected(() => {
    setStatus("connected", `${me.userId} · tenant ${me.tenantId}`);
    rejoinChannels().catch((error) => toast("error", String(error)));
  });
  connection.onclose(() => setStatus("disconnected", "Offline"));

  setStatus("connecting", "Connecting…");
  await connection.start();
  setStatus("connected", `${me.userId} · tenant ${me.tenantId}`);
  await rejoinChannels();
}

// Shows the newest page of the inbox, with its read state, and the unread count.
async function loadHistory() {
  const [page, count] = await Promise.all([api(`/api/inbox?limit=${HISTORY_PAGE}`), api("/api/inbox/unread-count")]);
  items.clear();
  $("notifications").replaceChildren(...page.items.map((i) => render(i.notification, i.read)));
  $("empty").hidden = page.items.length > 0;
  setUnread(count.unreadCount);
  return page;
}

// Signs in, shows the inbox's history and unread count, then connects from the positions the history was read at.
async function connect(userId, tenantId) {
  setStatus("connecting", "Connecting…");
  me = { userId, tenantId };
  try {
    await fetchToken();
  } catch {
    setStatus("error", "Sign-in unavailable (development tokens are off outside Development)");
    return;
  }

  sessionStorage.setItem("notify:me", JSON.stringify(me));
  const page = await loadHistory();
  positions = { ...page.positions };
  $("channels").replaceChildren();
  await start();
}

async function send() {
  const kind = $("target-kind").value;
  const body = { subject: $("subject").value, body: $("body").value };
  body[kind === "user" ? "userId" : "channel"] = $("target").value;
  const response = await fetch(`/api/notifications/${kind}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    $("send-result").textContent = `Not sent: HTTP ${response.status}`;
    return;
  }

  const result = await response.json();
  $("send-result").textContent = result.success
    ? `Sent to ${result.connections} connection(s).`
    : `Not sent: ${result.error.code} ${result.error.message}`;
}

function togglePanel(open) {
  $("panel").hidden = !open;
  $("bell").setAttribute("aria-expanded", String(open));
}

$("signin").addEventListener("submit", (e) => {
  e.preventDefault();
  connect($("user").value.trim(), $("tenant").value.trim()).catch((error) => setStatus("error", String(error)));
});
$("channel-form").addEventListener("submit", (e) => {
  e.preventDefault();
  joinChannel($("channel").value);
});
$("leave").addEventListener("click", () => connection?.invoke("channel:leave", { channelName: $("channel").value }));
$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send().catch((error) => ($("send-result").textContent = String(error)));
});
$("bell").addEventListener("click", () => togglePanel($("panel").hidden));
$("mark-read").addEventListener("click", () => markRead({ all: true }).catch((error) => toast("error", String(error))));
document.addEventListener("keydown", (e) => e.key === "Escape" && togglePanel(false));
document.addEventListener("click", (e) => {
  if (!$("panel").hidden && !e.target.closest(".bell-wrap")) togglePanel(false);
});

// Another tab of this user joined or left a channel: follow it here too.
window.addEventListener("storage", (e) => {
  if (!me || !connection || e.key !== channelsKey()) return;
  const wanted = new Set(JSON.parse(e.newValue ?? "[]"));
  const shown = [...$("channels").children].map((chip) => chip.dataset.channel);
  for (const name of wanted) if (!shown.includes(name)) joinChannel(name);
  for (const name of shown) if (!wanted.has(name)) connection.invoke("channel:leave", { channelName: name });
});

// Offline: stop; back online: connect again from the positions seen, and receive what was sent meanwhile.
window.addEventListener("offline", () => connection?.stop());
window.addEventListener("online", () => me && start().catch((error) => setStatus("error", String(error))));

// A reload keeps this tab signed in (sessionStorage is per tab), with its history from the inbox.
const saved = JSON.parse(sessionStorage.getItem("notify:me") ?? "null");
if (saved) {
  $("user").value = saved.userId;
  $("tenant").value = saved.tenantId;
  connect(saved.userId, saved.tenantId).catch((error) => setStatus("error", String(error)));
}
