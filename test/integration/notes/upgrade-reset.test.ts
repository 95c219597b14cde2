// A client that resets its connection while the server still checks its WebSocket upgrade (the
// ticket, the document's access) must not take the server down. Node's HTTP server lets go of the
// socket at the upgrade, so its errors are the notes endpoint's to handle until ws takes it over;
// unhandled, one reset was an uncaught ECONNRESET (seen when a browser closed mid-connect).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { once } from 'node:events';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

describe('notes: a connection reset during its upgrade', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { LOG_LEVEL: 'debug' } });
  });
  after(async () => {
    await server?.close();
  });

  it('is dropped quietly, and the server keeps answering', async () => {
    const { port } = new URL(server.url);
    for (let i = 0; i < 30; i++) {
      const socket = net.connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `GET /collab/club.1?ticket=${randomBytes(24).toString('base64url')} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${server.url}\r\n` +
          `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
      // A reset (RST), as a closing browser tab sends, while the ticket is being looked up.
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      socket.resetAndDestroy();
    }
    // Positive control: the server saw resets mid-upgrade, and still answers.
    await waitFor(() => server.logs.some((line) => line.includes('notes connection dropped during its upgrade')), 'a reset seen during an upgrade', 20_000);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });
});
