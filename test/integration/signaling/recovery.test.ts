// Connection state recovery: a client whose transport drops for a few seconds during a chat
// stream gets the messages it missed on reconnect, none twice (see assertResumedDelivery for
// the one exception and how clients cover it), unless it lost the right to read them while
// it was away.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { closeSockets, connect, nextEvent, ok, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

const DROP_MS = 5000;

/** Reconnects by itself exactly DROP_MS after its transport drops. */
const reconnecting = { reconnection: true, reconnectionDelay: DROP_MS, reconnectionDelayMax: DROP_MS, randomizationFactor: 0 };

/** Drops the transport; resolves once the socket is connected again (resumed or not). */
function dropTransport(socket: TestSocket): Promise<void> {
  const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.io.engine.close();
  return back;
}

/**
 * What a resumed client is promised: the socket delivers what was sent, in order and never
 * twice, except that what is broadcast at the very instant the session is resumed may miss it
 * (the adapter restores the log, then the socket rejoins its rooms, and a broadcast can land in
 * between): one unbroken run of messages at most. Clients therefore reconcile with the stored
 * history after a reconnect, and with it they have everything.
 */
async function assertResumedDelivery(server: TestServer, sender: TestSocket, token: string, clubId: number, sent: string[], receivedWithEnd: string[]): Promise<void> {
  // A last message after the stream: once it is in, so is everything sent before it, duplicates included.
  const end = `end-${randomBytes(16).toString('hex')}`;
  await ok(sender, 'chat:send', { club_id: clubId, client_id: end, body: end });
  await waitFor(() => receivedWithEnd.at(-1) === end, 'a message sent after the stream', 3000);
  const received = receivedWithEnd.slice(0, -1);
  assert.equal(received.at(-1), sent.at(-1), 'the last message of the stream arrived');
  assert.equal(new Set(received).size, received.length, 'no message twice');
  const order = received.map((b) => sent.indexOf(b));
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), 'in the order sent');
  const missing = sent.filter((b) => !received.includes(b));
  const gap = missing.map((b) => sent.indexOf(b));
  assert.ok(gap.every((at, i) => i === 0 || at === gap[i - 1]! + 1), `only one instant's messages miss the socket: ${JSON.stringify(missing)}`);
  assert.ok(missing.length <= 5, `a handful at most: ${JSON.stringify(missing)}`);
  const history = await server.http.get(`/api/clubs/${clubId}/messages?limit=100`, token);
  assert.equal(history.status, 200);
  const stored = new Set((history.body.items as Array<{ body: string }>).map((m) => m.body));
  assert.ok(missing.every((b) => stored.has(b)), 'the history has it');
}

describe('signaling: connection state recovery', function () {
  this.timeout(30_000);
  let server: TestServer;
  let owner: TestAccount;
  let reader: TestAccount;
  let clubId: number;
  const open: TestSocket[] = [];

  before(async () => {
    server = await startTestServer({ env: { SIGNALING_CHAT_PER_MINUTE: '600000', SIGNALING_EVENTS_PER_SECOND: '10000' } });
    [owner, reader] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    clubId = (await createClub(server.http, owner)).id;
    await admit(server.http, clubId, owner, reader);
  });
  afterEach(() => closeSockets(...open.splice(0)));
  after(() => server.close());

  it('delivers every message missed during a 5-second drop, none twice', async () => {
    const sender = await connect(server.url, owner.access);
    const receiver = await connect(server.url, reader.access, reconnecting);
    open.push(sender, receiver);
    const received: string[] = [];
    receiver.on('chat:message', (m) => received.push(m.body));
    let reconnected: Promise<void> | undefined;

    const sent: string[] = [];
    const started = Date.now();
    let dropped = false;
    // A steady stream: one message every 100 ms for 8 seconds; the drop comes a second in.
    for (let i = 0; Date.now() - started < 8000; i += 1) {
      const body = `line ${i}`;
      await ok(sender, 'chat:send', { club_id: clubId, client_id: `stream-${i}`, body });
      sent.push(body);
      if (!dropped && Date.now() - started > 1000) {
        dropped = true;
        reconnected = dropTransport(receiver);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await reconnected;
    assert.equal(receiver.recovered, true, 'the session was resumed');
    await assertResumedDelivery(server, sender, reader.access, clubId, sent, received);
  });

  it('delivers what is sent while a resumed session is being checked', async () => {
    const sender = await connect(server.url, owner.access);
    const receiver = await connect(server.url, reader.access, { ...reconnecting, reconnectionDelay: 300, reconnectionDelayMax: 300 });
    open.push(sender, receiver);
    const received: string[] = [];
    receiver.on('chat:message', (m) => received.push(m.body));
    await ok(sender, 'chat:send', { club_id: clubId, client_id: 'burst-first', body: 'first' });
    await waitFor(() => received.length === 1, 'the first message');

    // Back-to-back messages across the whole reconnection: some land while the server checks the session.
    const sent = ['first'];
    const back = dropTransport(receiver);
    let isBack = false;
    void back.then(() => (isBack = true));
    for (let i = 0; !isBack || i < 50; i += 1) {
      const body = `burst ${i}`;
      await ok(sender, 'chat:send', { club_id: clubId, client_id: `burst-${i}`, body });
      sent.push(body);
      if (i > 2000) break;
    }
    assert.equal(receiver.recovered, true, 'the session was resumed');
    await assertResumedDelivery(server, sender, reader.access, clubId, sent, received);
  });

  it('does not resume a socket that was removed from the club while away', async () => {
    const member = await signUpAndLogin(server.http);
    await admit(server.http, clubId, owner, member);
    // Another club they stay in carries the positive control at the end.
    const otherClub = (await createClub(server.http, owner)).id;
    await admit(server.http, otherClub, owner, member);
    const sender = await connect(server.url, owner.access);
    const receiver = await connect(server.url, member.access, reconnecting);
    open.push(sender, receiver);
    const received: string[] = [];
    receiver.on('chat:message', (m) => received.push(m.body));
    await ok(sender, 'chat:send', { club_id: clubId, client_id: 'before-drop', body: 'before' });
    await waitFor(() => received.length === 1, 'the first message');

    // Once the server has seen the drop (the member left presence), the member is removed.
    const seenGone = nextEvent(sender, 'presence:update', (u) => !u.online.includes(member.id));
    const reconnected = dropTransport(receiver);
    await seenGone;
    assert.equal((await server.http.delete(`/api/clubs/${clubId}/members/${member.id}`, owner.access)).status, 204);
    await ok(sender, 'chat:send', { club_id: clubId, client_id: 'while-away', body: 'not for the removed' });
    await reconnected;
    assert.equal(receiver.recovered, false, 'connected afresh instead');
    await ok(sender, 'chat:send', { club_id: clubId, client_id: 'after-return', body: 'still not for them' });
    // Sent after those, through the same adapter: once it arrives, they would have.
    const control = randomBytes(16).toString('hex');
    await ok(sender, 'chat:send', { club_id: otherClub, client_id: control, body: control });
    await waitFor(() => received.includes(control), 'the message in the club they stay in');
    assert.deepEqual(received, ['before', control]);
  });
});
