// One notes connection driven directly, over a real WebSocket, with an injected clock and
// heartbeats triggered by the test: liveness comes from pongs only, and awareness queries
// are answered at most once per interval.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as encoding from 'lib0/encoding';
import WebSocket, { WebSocketServer } from 'ws';
import { NotesConnection, type NotesLimits } from '../../../server/notes/connection.js';
import { DocumentRegistry } from '../../../server/notes/documents.js';
import { NotesStore } from '../../../server/notes/store.js';
import { createLogger } from '../../../shared/logger.js';
import { ManualClock } from '../../helpers/clock.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { frame } from './raw-socket.js';

const QUERY_AWARENESS = 3;
const AWARENESS = 1;
const SYNC = 0;

const limits: NotesLimits = {
  messagesPerSecond: 0,
  maxDocumentGrowthBytes: 1024 * 1024,
  maxAwarenessBytes: 8192,
  maxAwarenessClients: 4,
  awarenessQueryIntervalMs: 5000,
  maxSendQueueBytes: 1024 * 1024,
  heartbeatMs: 30_000,
  maxReferencedUsers: 100,
};

describe('notes connection: heartbeat and awareness queries', function () {
  this.timeout(20_000);
  const logger = createLogger('silent');
  let server: TestServer;
  let registry: DocumentRegistry;
  let wss: WebSocketServer;
  const clock = new ManualClock(1_000_000);

  before(async () => {
    server = await startTestServer();
    registry = new DocumentRegistry(new NotesStore(server.app.database.db, logger), logger, 60_000);
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
  });
  after(async () => {
    wss.close();
    await registry.closeAll();
    await server.close();
  });

  /** A connection on `doc` and the client at its other end. */
  async function connect(doc: string, autoPong: boolean) {
    const live = await registry.open(doc);
    const accepted = new Promise<{ conn: NotesConnection; socket: WebSocket }>((resolve) =>
      wss.once('connection', (socket) => resolve({ socket, conn: new NotesConnection(doc, socket, live, { userId: 1, name: 'tester' }, 'session', 'read', limits, logger, clock) })),
    );
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { autoPong });
    const messages: number[] = [];
    client.on('message', (data: Buffer) => messages.push(data[0] ?? -1));
    const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
    await new Promise((r) => client.once('open', r));
    return { client, messages, closed, ...(await accepted) };
  }

  it('drops a client that keeps sending but never answers a ping', async () => {
    const { client, conn, messages, closed } = await connect('test.heartbeat-silent', false);
    const pinged = new Promise((r) => client.once('ping', r));
    conn.checkAlive();
    await pinged;
    // Traffic after the ping, and the server handled it (its answer came back).
    clock.advance(10_000);
    const before = messages.length;
    client.send(frame(QUERY_AWARENESS));
    await new Promise<void>((resolve) => client.on('message', () => messages.length > before && resolve()));
    conn.checkAlive();
    assert.equal(await closed, 1006, 'terminated');
  });

  it('keeps a client that answers with pongs', async () => {
    const { client, conn, socket } = await connect('test.heartbeat-alive', true);
    for (let i = 0; i < 3; i += 1) {
      const ponged = new Promise((r) => socket.once('pong', r));
      conn.checkAlive();
      await ponged;
    }
    conn.checkAlive();
    const pinged = new Promise((r) => client.once('ping', r));
    conn.checkAlive();
    await pinged;
    assert.equal(client.readyState, WebSocket.OPEN);
    client.close();
  });

  it('answers one awareness query per interval and drops the rest', async () => {
    const { client, messages } = await connect('test.query-rate', true);
    const awarenessCount = () => messages.filter((t) => t === AWARENESS).length;
    const start = awarenessCount();
    const answers = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => awarenessCount() - start >= n && resolve();
        check();
        client.on('message', check);
      });
    for (let i = 0; i < 5; i += 1) client.send(frame(QUERY_AWARENESS));
    // A sync step 1 is always answered: once its answer is here, the queries before it were read.
    const synced = messages.filter((t) => t === SYNC).length;
    client.send(frame(SYNC, (e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, new Uint8Array([0])))));
    await new Promise<void>((resolve) => client.on('message', () => messages.filter((t) => t === SYNC).length > synced && resolve()));
    assert.equal(awarenessCount() - start, 1, 'one answer for five queries');
    clock.advance(5_000); // due again
    client.send(frame(QUERY_AWARENESS));
    await answers(2);
    assert.equal(awarenessCount() - start, 2);
    client.close();
  });
});
