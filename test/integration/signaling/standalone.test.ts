// The signaling service on its own: built from its ports alone (no database, no Express), as
// the meeting module and other embedders will. Checks what needs a bus event the REST API
// cannot easily produce here (image project progress) and the feature plug-in point.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBus } from '../../../server/bus/memory.js';
import { TokenService } from '../../../shared/auth/tokens.js';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/logger.js';
import { SignalingServer } from '../../../signaling/server.js';
import { closeSockets, connect, fails, nextEvent, noneBefore, ok, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

describe('signaling: standalone service', function () {
  const logger = createLogger('silent');
  const bus = createMemoryBus(logger);
  const tokens = new TokenService({ issuer: 'rt', audience: 'rt', accessTtlSeconds: 600, refreshTtlSeconds: 600, keys: { alg: 'HS256', secret: new TextEncoder().encode('standalone-secret-long-enough-012345') } });
  const httpServer = http.createServer();
  const unavailable = async (): Promise<never> => {
    throw new AppError('not_found', 'Not in this test');
  };
  const signaling = new SignalingServer({
    httpServer,
    tokens,
    sessions: { assertLive: async () => {} },
    clubs: { resolve: async () => null, clubsOf: async () => [] },
    membership: { knock: unavailable, decide: unavailable, pendingKnocks: async () => ({ items: [] }) },
    chat: { send: unavailable, edit: unavailable, remove: unavailable, markRead: unavailable },
    bus,
    redis: null,
    redisPrefix: 'standalone:',
    allowedOrigins: [],
    limits: { eventsPerSecond: 100, chatPerMinute: 100, maxMessageBytes: 65536, recoveryMs: 0, presenceTtlMs: 15_000, maxSocketsPerUser: 20 },
    logger,
  });
  let url: string;
  const open: TestSocket[] = [];

  before(async () => {
    await signaling.start();
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterEach(() => closeSockets(...open.splice(0)));
  after(async () => {
    await signaling.close();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  it('pushes image project progress to the owner\'s sockets only', async () => {
    const [owner, other] = await Promise.all([connect(url, await tokens.signAccess(1, 's-1')), connect(url, await tokens.signAccess(2, 's-2'))]);
    open.push(owner, other);
    const progress = nextEvent(owner, 'project:progress');
    await bus.publish('project.progress', { projectId: 9, ownerId: 1, jobId: 4, done: 2, total: 5, status: 'running' });
    assert.deepEqual(await progress, { project_id: 9, job_id: 4, done: 2, total: 5, status: 'running' });
    // The other user's own progress, published after, reaches them; the owner's did not.
    await noneBefore(other, 'project:progress', async () => {
      const own = nextEvent(other, 'project:progress');
      await bus.publish('project.progress', { projectId: 10, ownerId: 2, jobId: 5, done: 1, total: 1, status: 'completed' });
      assert.equal((await own).project_id, 10);
    }, (p) => p.project_id === 9);
  });

  it('lets a feature plug into connections, and refuses a second handler for an event', async () => {
    const seen: string[] = [];
    signaling.use((hub) => {
      hub.onConnect((client) => void seen.push(`connect ${client.userId}`));
      hub.onDisconnect((client) => void seen.push(`disconnect ${client.userId}`));
    });
    assert.throws(() => signaling.use((hub) => hub.on('chat:send', async () => ({ message: {} as never, duplicate: false }))), /already has a handler/);
    const socket = await connect(url, await tokens.signAccess(3, 's-3'));
    assert.equal((await fails(socket, 'chat:send', { club_id: 1, client_id: 'a', body: 'b' })).code, 'not_found');
    assert.deepEqual(await ok(socket, 'auth:refresh', { token: await tokens.signAccess(3, 's-4') }).then((r) => typeof r.expires_at), 'string');
    socket.close();
    await waitFor(() => seen.length === 2, 'the disconnect hook');
    assert.deepEqual(seen, ['connect 3', 'disconnect 3']);
  });
});
