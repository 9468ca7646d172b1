// Emits through @socket.io/redis-emitter, as a Node service without clients would, then exits.
//   node socketio-redis-emitter.mjs --redis 127.0.0.1:6379 --room ROOM --event EVENT --data JSON [--binary] [--key socket.io] [--nsp /]
// --binary adds a Buffer <01 02 03 04> as data.attachment. Prints {"published":true} when done.
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const [host, port] = opt('--redis').split(':');
const redis = new Redis({ host, port: Number(port) });
const emitter = new Emitter(redis, { key: opt('--key', 'socket.io') }).of(opt('--nsp', '/'));
const data = JSON.parse(opt('--data', '{}'));
if (args.includes('--binary')) data.attachment = Buffer.from([1, 2, 3, 4]);
emitter.to(opt('--room')).emit(opt('--event'), data);
await redis.quit();
process.stdout.write(JSON.stringify({ published: true }) + '\n');
