// A real two-author editing history (../shared/data/editing-traces/friendsforever) replayed
// through the notes server by two official WebsocketProviders: both must end at endContent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import type { NotesAccess } from '../../server/notes/connection.js';
import { signUpAndLogin } from '../helpers/accounts.js';
import { openProvider, until } from '../helpers/notes.js';
import { startTestServer } from '../helpers/server.js';

type Patch = [number, number, string];
interface Trace {
  endContent: string;
  txns: Array<{ patches: Patch[]; agent: number; parents: number[] }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const TRACE = path.resolve(here, '../../../shared/data/editing-traces/friendsforever.json.gz');

/** True when `doc` already holds everything `needed` (a state vector) describes. */
function covers(doc: Y.Doc, needed: Map<number, number>): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of needed) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

describe('a two-author editing trace through the notes server', function () {
  this.timeout(180_000);

  it('friendsforever, each edit made on its parents\' state, converges to endContent on both providers', async function () {
    if (!fs.existsSync(TRACE)) {
      if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') assert.fail(`editing trace missing at ${TRACE}`);
      console.log(`      [skipped: editing trace not found at ${TRACE}]`);
      this.skip();
    }
    const trace = JSON.parse(gunzipSync(fs.readFileSync(TRACE)).toString()) as Trace;
    // Positions are code points; Y.Text counts UTF-16 units. They agree while nothing is astral.
    assert.ok(!/[\uD800-\uDFFF]/.test(trace.endContent));
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
        if (!covers(client.doc, needed)) await until(() => covers(client.doc, needed), `agent ${txn.agent} to receive the state of txn ${i}`, 30_000);
        Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(branch, before));
        if (neededLater.has(i)) states.set(i, Y.encodeStateAsUpdate(branch));
      }
      await until(() => clients.every((c) => c.text.toString() === trace.endContent), 'both providers at endContent', 60_000);
      for (const c of clients) c.close();
      for (const b of branches) b.destroy();
    } finally {
      await server.close();
    }
  });
});
