// Real editing histories (../shared/data/editing-traces) replayed through the notes server by
// official WebsocketProviders: automerge-paper (one author, 259,778 keystrokes) and
// friendsforever (two concurrent authors). Every provider, and the document reloaded from the
// database, must end at the trace's endContent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { openProvider, untilUpdated } from '../../helpers/notes.js';
import { startTestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

type Patch = [number, number, string];
interface Trace {
  endContent: string;
  txns: Array<{ patches: Patch[]; agent: number; parents: number[] }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const TRACES = path.resolve(here, '../../../../shared/data/editing-traces');
const TRACE = path.join(TRACES, 'friendsforever.json.gz');
const PAPER = path.join(TRACES, 'automerge-paper.json.gz');
/** Keystrokes per Yjs transaction: a fast typist's few seconds, in trace order. */
const PAPER_BATCH = 100;

/** Reads a trace, or skips the test (fails under ROUNDTABLE_REQUIRE_SERVICES=1) when it is absent. */
function readTrace(ctx: Mocha.Context, file: string): Trace {
  if (!fs.existsSync(file)) {
    if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') assert.fail(`editing trace missing at ${file}`);
    console.log(`      [skipped: editing trace not found at ${file}]`);
    ctx.skip();
  }
  const trace = JSON.parse(gunzipSync(fs.readFileSync(file)).toString()) as Trace;
  // Positions are code points; Y.Text counts UTF-16 units. They agree while nothing is astral.
  assert.ok(!/[\uD800-\uDFFF]/.test(trace.endContent));
  return trace;
}

/** True when `doc` already holds everything `needed` (a state vector) describes. */
function covers(doc: Y.Doc, needed: Map<number, number>): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of needed) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

describe('real editing traces through the notes server', function () {
  this.timeout(180_000);

  it('automerge-paper, typed through one provider, reaches endContent on a second provider and after a reload from the database', async function () {
    const trace = readTrace(this, PAPER);
    const roles = new Map<number, NotesAccess>();
    // A replay types far faster than people: no per-connection rate limit. Debug logs tell
    // when the document was unloaded (so the last provider really reads the database).
    const server = await startTestServer({
      notesAuthorizer: async (userId) => roles.get(userId) ?? null,
      env: { NOTES_MESSAGES_PER_SECOND: '0', NOTES_IDLE_SECONDS: '1', LOG_LEVEL: 'debug' },
    });
    try {
      const author = await signUpAndLogin(server.http);
      roles.set(author.id, 'write');
      const writer = await openProvider(server, author, 'test.paper');
      const reader = await openProvider(server, author, 'test.paper');
      const started = Date.now();
      for (let i = 0; i < trace.txns.length; i += PAPER_BATCH) {
        writer.doc.transact(() => {
          for (const txn of trace.txns.slice(i, i + PAPER_BATCH)) {
            for (const [position, deleted, inserted] of txn.patches) {
              if (deleted > 0) writer.text.delete(position, deleted);
              if (inserted) writer.text.insert(position, inserted);
            }
          }
        });
        // Let the sockets move between transactions, and hold back while the socket is full:
        // typing never runs ahead of the network by more than a few hundred kilobytes.
        await new Promise((r) => setImmediate(r));
        while ((writer.provider.ws?.bufferedAmount ?? 0) > 256 * 1024) await new Promise((r) => setTimeout(r, 1));
      }
      assert.equal(writer.text.toString(), trace.endContent);
      await waitFor(() => reader.text.length === trace.endContent.length && reader.text.toString() === trace.endContent, 'the reader at endContent', 60_000);
      console.log(`      [automerge-paper: ${trace.txns.length} keystrokes in ${Math.ceil(trace.txns.length / PAPER_BATCH)} updates, converged in ${Date.now() - started} ms]`);
      writer.close();
      reader.close();

      await waitFor(() => server.logs.some((l) => l.includes('notes document unloaded') && l.includes('test.paper')), 'the document to be unloaded', 30_000);
      const stored = await server.app.notesStore?.load('test.paper');
      assert.equal(stored?.doc.getText('minutes').toString(), trace.endContent, 'the database holds endContent');
      stored?.doc.destroy();
      const later = await openProvider(server, author, 'test.paper');
      assert.equal(later.text.toString(), trace.endContent, 'a provider after the reload sees endContent');
      later.close();
    } finally {
      await server.close();
    }
  });

  it('friendsforever, each edit made on its parents\' state, converges to endContent on both providers', async function () {
    const trace = readTrace(this, TRACE);
    const roles = new Map<number, NotesAccess>();
    // A replay sends edits far faster than people type.
    const server = await startTestServer({ notesAuthorizer: async (userId) => roles.get(userId) ?? null, env: { NOTES_MESSAGES_PER_SECOND: '0' } });
    try {
      const users = [await signUpAndLogin(server.http), await signUpAndLogin(server.http)];
      for (const u of users) roles.set(u.id, 'write');
      const clients = [await openProvider(server, users[0]!, 'test.friends'), await openProvider(server, users[1]!, 'test.friends')];
      // Each agent edits a branch holding exactly the causal past of its next edit: its own
      // previous state plus the state of any parent made by the other agent. The edit's
      // position-free Yjs delta goes out through that agent's provider once the provider's
      // document holds what the edit was made on (so nothing waits as "pending" in Yjs).
      // Client ids follow agent order: where one agent types right after a character the
      // other just deleted, Yjs anchors both insertions to that tombstone and orders them by
      // client id; the trace's reference breaks that tie by agent.
      const branches = [new Y.Doc(), new Y.Doc()];
      branches[0]!.clientID = 1;
      branches[1]!.clientID = 2;
      const neededLater = new Set<number>();
      for (const txn of trace.txns) for (const p of txn.parents) if (trace.txns[p]?.agent !== txn.agent) neededLater.add(p);
      const states = new Map<number, Uint8Array>();
      for (const [i, txn] of trace.txns.entries()) {
        const branch = branches[txn.agent] as Y.Doc;
        const client = clients[txn.agent]!;
        for (const parent of txn.parents) if (trace.txns[parent]?.agent !== txn.agent) Y.applyUpdate(branch, states.get(parent) as Uint8Array);
        const before = Y.encodeStateVector(branch);
        branch.transact(() => {
          const text = branch.getText('minutes');
          for (const [position, deleted, inserted] of txn.patches) {
            if (deleted > 0) text.delete(position, deleted);
            if (inserted) text.insert(position, inserted);
          }
        });
        const needed = Y.decodeStateVector(before);
        if (!covers(client.doc, needed)) await untilUpdated(client.doc, () => covers(client.doc, needed), `agent ${txn.agent} to receive the state of txn ${i}`, 30_000);
        Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(branch, before));
        if (neededLater.has(i)) states.set(i, Y.encodeStateAsUpdate(branch));
      }
      await waitFor(() => clients.every((c) => c.text.toString() === trace.endContent), 'both providers at endContent', 60_000);
      for (const c of clients) c.close();
      for (const b of branches) b.destroy();
    } finally {
      await server.close();
    }
  });
});
