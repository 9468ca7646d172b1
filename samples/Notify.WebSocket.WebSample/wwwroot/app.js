// The browser side of the sample: @microsoft/signalr talking the gateway's protocol.
"use strict";

const $ = (id) => document.getElementById(id);
let connection = null;
let token = null;

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function addItem(listId, text, data) {
  const li = document.createElement("li");
  li.textContent = text; // never innerHTML: notification content is untrusted
  Object.assign(li.dataset, data);
  $(listId).prepend(li);
}

function setChannel(name, joined) {
  const existing = $("channels").querySelector(`li[data-channel="${CSS.escape(name)}"]`);
  if (joined && !existing) {
    addItem("channels", name, { channel: name });
  } else if (!joined && existing) {
    existing.remove();
  }
}

async function connect() {
  if (connection) {
    await connection.stop();
  }

  const userId = $("user").value;
  const tenantId = $("tenant").value;
  const response = await fetch(`/dev/token?userId=${encodeURIComponent(userId)}&tenantId=${encodeURIComponent(tenantId)}`);
  if (!response.ok) {
    setStatus("error", "no token: the development token endpoint is off outside Development");
    return;
  }

  token = (await response.json()).token;
  $("channels").replaceChildren();
  connection = new signalR.HubConnectionBuilder()
    .withUrl("/notifications", { accessTokenFactory: () => token })
    .withAutomaticReconnect()
    .build();

  connection.on("notification:new", (n) => {
    const target = n.recipient.channel ? `#${n.recipient.channel}` : `@${n.recipient.userId}`;
    addItem("notifications", `${target} ${n.subject ?? ""}: ${n.body ?? ""}`, { subject: n.subject ?? "", id: n.id });
  });
  connection.on("channel:joined", (e) => setChannel(e.channelName, true));
  connection.on("channel:left", (e) => setChannel(e.channelName, false));
  connection.on("error", (e) => addItem("errors", e.channelName ? `${e.message} (${e.channelName})` : e.message, { code: e.code ?? "" }));
  connection.onclose(() => setStatus("disconnected", "disconnected"));

  await connection.start();
  setStatus("connected", `connected as ${userId} in tenant ${tenantId}`);
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
  $("send-result").textContent = response.ok ? JSON.stringify(await response.json(), null, 2) : `HTTP ${response.status}`;
}

$("connect").addEventListener("click", () => connect().catch((e) => setStatus("error", String(e))));
$("join").addEventListener("click", () => connection?.invoke("channel:join", { channelName: $("channel").value }));
$("leave").addEventListener("click", () => connection?.invoke("channel:leave", { channelName: $("channel").value }));
$("send").addEventListener("click", () => send().catch((e) => ($("send-result").textContent = String(e))));
