// The browser side of the sample: @microsoft/signalr speaking the gateway's protocol, shown as an app's notification area.
"use strict";

const $ = (id) => document.getElementById(id);
const TOAST_MS = 6000;
let connection = null;
let token = null;
let unread = 0;

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

function addNotification(n) {
  const target = n.recipient?.channel ? `#${n.recipient.channel}` : "Direct";
  const when = new Date(n.timestamp);
  const item = el("li", "item unread");
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
  item.addEventListener("click", () => {
    if (item.classList.contains("unread")) {
      item.classList.remove("unread");
      setUnread(unread - 1);
    }
  });
  $("notifications").prepend(item);
  $("empty").hidden = true;
  setUnread(unread + 1);
  toast("info", n.subject || "New notification", n.body ?? "", { subject: n.subject ?? "" });
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

async function connect() {
  if (connection) {
    await connection.stop();
  }

  const userId = $("user").value.trim();
  const tenantId = $("tenant").value.trim();
  setStatus("connecting", "Connecting…");
  const response = await fetch(`/dev/token?userId=${encodeURIComponent(userId)}&tenantId=${encodeURIComponent(tenantId)}`);
  if (!response.ok) {
    setStatus("error", "Sign-in unavailable (development tokens are off outside Development)");
    return;
  }

  token = (await response.json()).token;
  $("channels").replaceChildren();
  connection = new signalR.HubConnectionBuilder()
    .withUrl("/notifications", { accessTokenFactory: () => token })
    .withAutomaticReconnect()
    .configureLogging(logger)
    .build();

  connection.on("notification:new", addNotification);
  connection.on("channel:joined", (e) => setChannel(e.channelName, true));
  connection.on("channel:left", (e) => setChannel(e.channelName, false));
  connection.on("error", (e) => toast("error", e.message, e.channelName ? `#${e.channelName}` : "", { code: e.code ?? "" }));
  connection.onreconnecting(() => setStatus("reconnecting", "Reconnecting…"));
  connection.onreconnected(() => setStatus("connected", `${userId} · tenant ${tenantId}`));
  connection.onclose(() => setStatus("disconnected", "Offline"));

  await connection.start();
  setStatus("connected", `${userId} · tenant ${tenantId}`);
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
  connect().catch((error) => setStatus("error", String(error)));
});
$("channel-form").addEventListener("submit", (e) => {
  e.preventDefault();
  connection?.invoke("channel:join", { channelName: $("channel").value });
});
$("leave").addEventListener("click", () => connection?.invoke("channel:leave", { channelName: $("channel").value }));
$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send().catch((error) => ($("send-result").textContent = String(error)));
});
$("bell").addEventListener("click", () => togglePanel($("panel").hidden));
$("mark-read").addEventListener("click", () => {
  $("notifications").querySelectorAll(".unread").forEach((item) => item.classList.remove("unread"));
  setUnread(0);
});
document.addEventListener("keydown", (e) => e.key === "Escape" && togglePanel(false));
document.addEventListener("click", (e) => {
  if (!$("panel").hidden && !e.target.closest(".bell-wrap")) togglePanel(false);
});
