// The spec's client-side channel subscription code (WEBSOCKET_PROVIDER.md, "Client-Side Channel Subscription"),
// unchanged between the markers but for the URL and the token, which come from the environment (SPEC_URL,
// SPEC_TOKEN). console.log is captured as JSON lines so that the test reads what the snippet logs; socket.io-client
// reconnects by itself, as in a browser.
import { io } from 'socket.io-client';

const log = console.log;
console.log = (label, value) => log(JSON.stringify({ label, value }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

// ---- the spec's snippet ----
// Socket.IO Client
const socket = io(process.env.SPEC_URL, {
  auth: { token: process.env.SPEC_TOKEN }
});

// Join channels
socket.emit('channel:join', { channelName: 'alerts' });
socket.emit('channel:join', { channelName: 'updates' });

// Listen for notifications
socket.on('notification:new', (notification) => {
  console.log('Received:', notification);
  // Display notification to user
});

// Leave channel
socket.emit('channel:leave', { channelName: 'alerts' });
// ---- end of the snippet ----

// What the test also needs to see (not part of the snippet).
socket.on('connect', () => log(JSON.stringify({ label: 'connect', value: socket.io.engine.transport.name })));
socket.on('channel:joined', (e) => log(JSON.stringify({ label: 'channel:joined', value: e })));
socket.on('channel:left', (e) => log(JSON.stringify({ label: 'channel:left', value: e })));
socket.on('disconnect', (reason) => log(JSON.stringify({ label: 'disconnect', value: reason })));
socket.on('connect_error', (e) => log(JSON.stringify({ label: 'connect_error', value: e.message })));
