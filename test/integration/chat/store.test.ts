// The chat store under concurrency: messages sent at once are written in batches, a resend
// never duplicates (even inside one batch), and one bad message does not fail the others.
import assert from 'node:assert/strict';
import { ChatStore } from '../../../server/chat/store.js';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('chat store', function () {
  let server: TestServer;
  let store: ChatStore;
  let authorId: number;
  let clubId: number;

  before(async () => {
    server = await startTestServer();
    store = new ChatStore(server.app.database.db);
    const author = await signUpAndLogin(server.http);
    authorId = author.id;
    clubId = (await createClub(server.http, author)).id;
  });
  after(() => server.close());

  it('stores concurrent messages once each, resends included', async () => {
    const clientIds = Array.from({ length: 60 }, (_, i) => `burst-${i % 20}`);
    const results = await Promise.all(clientIds.map((id, i) => store.send(clubId, authorId, id, `message ${i}`)));
    const created = results.filter((r) => r.created);
    assert.equal(created.length, 20);
    for (const id of new Set(clientIds)) {
      const ids = new Set(results.filter((r) => r.message.client_id === id).map((r) => r.message.id));
      assert.equal(ids.size, 1, `${id} has one stored message`);
    }
    const stored = await server.app.database.db.selectFrom('chat_messages').select('id').where('client_id', 'like', 'burst-%').execute();
    assert.equal(stored.length, 20);
  });

  it('fails only the message whose club is gone', async () => {
    const sends = [store.send(clubId, authorId, 'fine-1', 'ok'), store.send(987_654, authorId, 'lost', 'no club'), store.send(clubId, authorId, 'fine-2', 'ok'), store.send(clubId, authorId, 'fine-3', 'ok')];
    const settled = await Promise.allSettled(sends);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });
});
