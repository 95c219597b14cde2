// bench/notes/awareness-flood.ts: what one hostile reader costs the server's memory. The reader
// sends 300 awareness updates of about 1.9 MB each, each for a new client id, reconnecting
// whenever it is closed, while three other readers of the document have stopped reading
// (their sockets paused). Prints the process's memory before, right after and 10 s after.
// The server runs in this process, so the attacker's own frames in flight count too.
//
//   node --expose-gc --import tsx bench/notes/awareness-flood.ts
import { randomBytes } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { signUpAndLogin } from '../../test/helpers/accounts.js';
import { startTestServer } from '../../test/helpers/server.js';
import { awarenessUpdate, openRaw } from '../../test/integration/notes/raw-socket.js';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 300);
const roles = new Map<number, 'read' | 'write'>();
const server = await startTestServer({
  notesAuthorizer: async (userId, doc) => (doc.startsWith('test.') ? (roles.get(userId) ?? null) : null),
  env: { NOTES_MESSAGES_PER_SECOND: '0', LOG_LEVEL: 'warn' },
});
const [reader, watcher] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
roles.set(reader.id, 'read');
roles.set(watcher.id, 'read');
const doc = 'test.flood';
const stalled = await Promise.all([1, 2, 3].map(() => openRaw(server, doc, watcher.access)));
for (const socket of stalled) socket.ws.pause();

const gc = (globalThis as { gc?: () => void }).gc;
const memory = (): string => {
  gc?.();
  const m = process.memoryUsage();
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  return `rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, external and buffers ${mb(m.external + m.arrayBuffers)} MB`;
};
console.log(`before      ${memory()}`);
let connection = await openRaw(server, doc, reader.access);
let closes = 0;
const blob = randomBytes(950 * 1024).toString('hex');
for (let i = 0; i < UPDATES; i += 1) {
  if (connection.ws.readyState !== connection.ws.OPEN) {
    closes += 1;
    connection = await openRaw(server, doc, reader.access);
  }
  connection.send(1, (encoder) => encoding.writeVarUint8Array(encoder, awarenessUpdate([[1_000_000 + i, 1, { blob }]])));
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await new Promise((resolve) => setTimeout(resolve, 2000));
console.log(`after       ${memory()} (the reader was closed ${closes} times)`);
await new Promise((resolve) => setTimeout(resolve, 10_000));
console.log(`after 10 s  ${memory()}`);
await server.close();
