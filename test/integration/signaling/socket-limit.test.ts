// One person's sockets on a node are bounded: rate limits are per socket, so without a cap a
// client multiplies its budget (and its presence writes) by opening more connections.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { closeSockets, connect, disconnected, refusal, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

describe('signaling: connections per person', function () {
  let server: TestServer;
  let person: TestAccount;
  let other: TestAccount;
  const open: TestSocket[] = [];

  before(async () => {
    server = await startTestServer({ env: { SIGNALING_MAX_SOCKETS_PER_USER: '3' } });
    person = await signUpAndLogin(server.http);
    other = await signUpAndLogin(server.http);
  });
  afterEach(() => closeSockets(...open.splice(0)));
  after(() => server.close());

  it('refuses a connection past the cap, also in a burst, and takes one again once a socket closes', async () => {
    // A burst of ten handshakes at once: exactly three get in.
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => connect(server.url, person.access)));
    const connected = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    open.push(...connected);
    assert.equal(connected.length, 3, 'three sockets are allowed');
    const refused = await refusal(server.url, person.access);
    assert.equal(refused.code, 'rate_limited');
    assert.match(refused.message, /At most 3 connections/);

    // Someone else is not affected.
    open.push(await connect(server.url, other.access));

    // Closing one frees its place, once the server has seen it go.
    const first = connected[0] as TestSocket;
    const gone = disconnected(first);
    first.close();
    await gone;
    await waitFor(async () => {
      const attempt = await connect(server.url, person.access).catch(() => null);
      if (attempt) open.push(attempt);
      return attempt !== null;
    }, 'a fourth connection after one closed');
  });
});
