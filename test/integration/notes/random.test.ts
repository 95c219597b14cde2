// Randomized convergence: several official providers edit one document (text, rich-text body,
// questions, meta) while they randomly drop off, come back with fresh tickets, and reach the
// server through a proxy that delays every chunk by a random time (order kept per direction).
// In the end every provider holds the same document, and it is what the server stored.
// Each run is seeded; a failure prints its seed: NOTES_RANDOM_SEED=<seed> replays it.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as Y from 'yjs';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { addQuestions, appendBlocks, metaOf, paragraph, text } from '../../../shared/notes-schema.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { openProvider, policy, type NotesClient } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

const RUNS = Number(process.env.NOTES_RANDOM_RUNS ?? 10);
const STEPS = Number(process.env.NOTES_RANDOM_STEPS ?? 250);
const CLIENTS = 4;
const MAX_DELAY_MS = 15;

/** mulberry32: small, fast and good enough to pick edits. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Forwards one direction of a TCP stream, each chunk held back a random time, in order. */
function delayedPipe(from: net.Socket, to: net.Socket, delay: () => number): void {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    while (queue.length > 0 && (queue[0] as { at: number }).at <= Date.now()) {
      const { chunk } = queue.shift() as { chunk: Buffer | null };
      if (chunk === null) to.end();
      else if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, (queue[0] as { at: number }).at - Date.now()));
  };
  const push = (chunk: Buffer | null) => {
    const last = queue.length > 0 ? (queue[queue.length - 1] as { at: number }).at : 0;
    queue.push({ at: Math.max(last, Date.now() + delay()), chunk });
    if (!timer) timer = setTimeout(drain, 0);
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  from.on('error', () => to.destroy());
  from.on('close', () => {
    if (queue.length === 0) to.destroy();
  });
}

async function startDelayProxy(target: string, delay: () => number): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    delayedPipe(client, upstream, delay);
    delayedPipe(upstream, client, delay);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** Everything that must agree, as plain data. */
function contentOf(doc: Y.Doc) {
  return {
    text: doc.getText('minutes').toString(),
    body: doc.getXmlFragment('body').toString(),
    questions: doc.getArray('questions').toJSON(),
    meta: doc.getMap('meta').toJSON(),
  };
}

describe('randomized convergence through a delaying proxy', function () {
  this.timeout(300_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;
  let users: TestAccount[];

  before(async () => {
    server = await startTestServer({ notesAuthorizer: policy(roles), env: { NOTES_MESSAGES_PER_SECOND: '0' } });
    users = await Promise.all(Array.from({ length: CLIENTS }, () => signUpAndLogin(server.http)));
    for (const u of users) roles.set(u.id, 'write');
  });
  after(() => server?.close());

  const base = Number(process.env.NOTES_RANDOM_SEED ?? Math.floor(Math.random() * 2 ** 31));
  for (let run = 0; run < RUNS; run += 1) {
    const seed = base + run;
    it(`run ${run + 1}/${RUNS}: ${CLIENTS} providers, ${STEPS} random steps, all converge to what the server stores (seed ${seed})`, async () => {
      try {
        await randomRun(seed, `test.random-${seed}`);
      } catch (err) {
        console.log(`      [failed with NOTES_RANDOM_SEED=${seed}]`);
        throw err;
      }
    });
  }

  async function randomRun(seed: number, docName: string): Promise<void> {
    const random = prng(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const proxy = await startDelayProxy(server.url, () => random() * MAX_DELAY_MS);
    const clients: NotesClient[] = [];
    const online: boolean[] = [];
    const reconnecting: Array<Promise<void>> = [];
    try {
      for (const user of users) {
        clients.push(await openProvider(server, user, docName, new Y.Doc(), { wsUrl: proxy.url }));
        online.push(true);
      }
      for (let step = 0; step < STEPS; step += 1) {
        const i = pick(clients.length);
        const client = clients[i] as NotesClient;
        const roll = random();
        if (roll < 0.45) {
          const t = client.text;
          if (t.length > 0 && random() < 0.35) t.delete(pick(t.length), 1 + pick(Math.min(5, t.length)));
          else t.insert(pick(t.length + 1), `${String.fromCharCode(97 + pick(26)).repeat(1 + pick(3))}${i}`);
        } else if (roll < 0.55) {
          appendBlocks(client.doc, [paragraph(text(`p${step}`, random() < 0.5 ? { strong: true } : undefined))]);
        } else if (roll < 0.62) {
          addQuestions(client.doc, [{ id: `q${seed}-${step}`, text: `question ${step}?`, status: 'open', asked_by: null }]);
        } else if (roll < 0.67) {
          metaOf(client.doc).set('title', `title by ${i} at ${step}`);
        } else if (roll < 0.8) {
          if (online[i]) {
            client.disconnect();
            online[i] = false;
          } else {
            online[i] = true;
            // Not awaited: edits and further drops interleave with the reconnect.
            reconnecting.push(client.reconnect().catch(() => {}));
          }
        } else {
          await new Promise((r) => setTimeout(r, pick(MAX_DELAY_MS)));
        }
      }
      await Promise.all(reconnecting);
      await Promise.all(clients.map((c) => c.reconnect()));
      const same = () => clients.every((c) => assertSameState(c.doc, (clients[0] as NotesClient).doc));
      await waitFor(same, `all ${CLIENTS} providers to converge`, 20_000);
      for (const c of clients) assert.deepEqual(contentOf(c.doc), contentOf((clients[0] as NotesClient).doc));

      // What the server stored is that same document.
      const store = server.app.notesStore;
      assert.ok(store);
      await store.flush();
      const stored = await store.load(docName);
      try {
        assert.deepEqual(Y.encodeStateVector(stored.doc), Y.encodeStateVector((clients[0] as NotesClient).doc));
        assert.deepEqual(contentOf(stored.doc), contentOf((clients[0] as NotesClient).doc));
      } finally {
        stored.doc.destroy();
      }
    } finally {
      for (const c of clients) c.close();
      await proxy.close();
    }
  }
});

function assertSameState(a: Y.Doc, b: Y.Doc): boolean {
  const [x, y] = [Y.encodeStateVector(a), Y.encodeStateVector(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]) && a.getText('minutes').toString() === b.getText('minutes').toString();
}
