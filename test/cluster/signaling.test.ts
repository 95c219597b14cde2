// Two server processes on different ports sharing one Postgres and one Redis, as in a
// scaled-out deployment: clients on node A and node B see each other's presence, chat and
// knocks; a revocation or a removal on A reaches B's sockets within a second; a client that
// drops from A resumes on B with what it missed; a node that dies leaves presence.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { HttpClient } from '../helpers/http.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/postgres.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';
import { TEST_JWT_SECRET } from '../helpers/server.js';
import { requireServices } from '../helpers/services.js';
import { closeSockets, collect, connect, disconnected, fails, nextEvent, ok, type TestSocket } from '../helpers/sockets.js';
import { waitFor } from '../helpers/wait.js';

interface Node {
  process: ServerProcess;
  url: string;
  http: HttpClient;
}

async function startNode(env: Record<string, string>): Promise<Node> {
  const process = spawnServer(env);
  const line = await process.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/, 60_000);
  const url = line.slice(7, -1);
  return { process, url, http: new HttpClient(url) };
}

async function stopNode(node: Node | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!node || node.process.child.exitCode !== null) return;
  node.process.child.kill(signal);
  await node.process.exited;
}

/** A stand-in for a load balancer: forwards to one node, can cut every connection and switch. */
async function balancer(target: string) {
  let port = Number(new URL(target).port);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
    open.add(client);
    client.on('close', () => open.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    /** Cuts every connection (as a network failure would) and sends new ones to `next`. */
    failOver(next: string) {
      port = Number(new URL(next).port);
      for (const socket of open) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('signaling on two nodes with Postgres and Redis', function () {
  this.timeout(120_000);
  let scratch: ScratchDatabase;
  let nodeA: Node;
  let nodeB: Node;
  let owner: TestAccount;
  let member: TestAccount;
  let clubId: number;
  const dataDirs: string[] = [];
  const open: TestSocket[] = [];
  const online = async (node: Node | string, account: TestAccount, options = {}) => {
    const socket = await connect(typeof node === 'string' ? node : node.url, account.access, options);
    open.push(socket);
    return socket;
  };

  before(async function () {
    const services = requireServices(this, 'postgres', 'redis');
    scratch = await createScratchDatabase(services.postgres);
    const shared = {
      DATABASE_URL: scratch.url,
      REDIS_URL: services.redis,
      REDIS_PREFIX: `rt-cluster-${randomBytes(4).toString('hex')}:`,
      JWT_SECRET: TEST_JWT_SECRET,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      SFU_WORKERS: '0',
      MODELS: 'none',
      RATE_LIMIT_AUTH_PER_IP: '100000',
      // Only the bus can make node B forget a revoked session this quickly.
      SESSION_CACHE_SECONDS: '300',
      SIGNALING_PRESENCE_TTL_SECONDS: '2',
      SIGNALING_CHAT_PER_MINUTE: '6000',
    };
    const dataDir = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-cluster-'));
      dataDirs.push(dir);
      return dir;
    };
    // One after the other: the first applies the migrations.
    nodeA = await startNode({ ...shared, DATA_DIR: dataDir() });
    nodeB = await startNode({ ...shared, DATA_DIR: dataDir() });
    [owner, member] = await Promise.all([signUpAndLogin(nodeA.http), signUpAndLogin(nodeB.http)]);
    clubId = (await createClub(nodeA.http, owner)).id;
    await admit(nodeB.http, clubId, owner, member);
  });
  afterEach(() => closeSockets(...open.splice(0)));
  after(async () => {
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await scratch?.drop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows presence and carries chat between clients on different nodes', async () => {
    const onA = await online(nodeA, owner);
    const seen = nextEvent(onA, 'presence:update', (u) => u.club_id === clubId && u.online.includes(member.id));
    const onB = await online(nodeB, member);
    assert.deepEqual((await seen).online, [owner.id, member.id].sort((a, b) => a - b));
    assert.deepEqual((await ok(onB, 'presence:list', { club_id: clubId })).online, (await seen).online);

    const toB = nextEvent(onB, 'chat:message');
    const sent = await ok(onA, 'chat:send', { club_id: clubId, client_id: 'x-1', body: 'From node A' });
    assert.deepEqual(await toB, sent.message);
    const toA = nextEvent(onA, 'chat:message');
    await ok(onB, 'chat:send', { club_id: clubId, client_id: 'x-2', body: 'From node B' });
    assert.equal((await toA).body, 'From node B');
    // A second tab on the other node changes nothing; closing both takes the member offline.
    const tabOnA = await online(nodeA, member);
    assert.deepEqual((await ok(tabOnA, 'presence:list', { club_id: clubId })).online, (await seen).online);
    const offline = nextEvent(onA, 'presence:update', (u) => u.club_id === clubId && !u.online.includes(member.id));
    onB.close();
    tabOnA.close();
    await offline;
  });

  it('delivers a knock on node B to the owner on node A, and the decision back', async () => {
    const ownerOnA = await online(nodeA, owner);
    const memberOnA = await online(nodeA, member);
    const knocker = await signUpAndLogin(nodeB.http);
    const knockerOnB = await online(nodeB, knocker);
    const requested = nextEvent(ownerOnA, 'membership:requested');
    const { knock } = await ok(knockerOnB, 'club:knock', { club_id: clubId, message: 'Hello from B' });
    assert.equal((await requested).knock.id, knock.id);
    const decided = nextEvent(knockerOnB, 'membership:decided');
    await ok(ownerOnA, 'membership:decide', { club_id: clubId, knock_id: knock.id, decision: 'admit_member' });
    assert.equal((await decided).knock.status, 'admitted_member');
    const heard = nextEvent(knockerOnB, 'chat:message');
    await ok(memberOnA, 'chat:send', { club_id: clubId, client_id: 'welcome-b', body: 'Welcome, B' });
    assert.equal((await heard).body, 'Welcome, B');
  });

  it('closes the sockets on node B within a second of a logout-all on node A', async () => {
    const account = await signUpAndLogin(nodeA.http);
    const onB = await online(nodeB, account);
    const onB2 = await online(nodeB, account);
    const revoked = nextEvent(onB, 'auth:revoked');
    const gone = [disconnected(onB, 1000), disconnected(onB2, 1000)];
    const started = Date.now();
    assert.equal((await nodeA.http.post('/auth/logout-all', undefined, account.access)).status, 204);
    assert.equal((await revoked).reason, 'logout_all');
    await Promise.all(gone);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it('takes a club from a member\'s sockets on node B within a second of a removal on node A', async () => {
    const extra = await signUpAndLogin(nodeA.http);
    await admit(nodeA.http, clubId, owner, extra);
    const ownerOnA = await online(nodeA, owner);
    const onB = await online(nodeB, extra);
    const started = Date.now();
    const told = nextEvent(onB, 'member:removed', undefined, 1000);
    assert.equal((await nodeA.http.delete(`/api/clubs/${clubId}/members/${extra.id}`, owner.access)).status, 204);
    assert.deepEqual(await told, { club_id: clubId, reason: 'removed' });
    assert.equal((await fails(onB, 'chat:send', { club_id: clubId, client_id: 'late', body: 'still here?' })).code, 'forbidden');
    assert.ok(Date.now() - started < 1000);
    assert.ok(ownerOnA.connected && onB.connected);
  });

  it('resumes on node B a client that dropped from node A, with every message once', async () => {
    const lb = await balancer(nodeA.url);
    try {
      const receiver = await online(lb.url, member, { reconnection: true, reconnectionDelay: 2000, reconnectionDelayMax: 2000, randomizationFactor: 0 });
      const sender = await online(nodeA, owner);
      const received: string[] = [];
      receiver.on('chat:message', (m) => received.push(m.body));
      const sent: string[] = [];
      const say = async (body: string) => {
        await ok(sender, 'chat:send', { club_id: clubId, client_id: `fo-${body}`, body });
        sent.push(body);
      };
      await say('one');
      await say('two');
      const seenGone = nextEvent(sender, 'presence:update', (u) => !u.online.includes(member.id));
      const back = new Promise<void>((resolve) => receiver.once('connect', () => resolve()));
      lb.failOver(nodeB.url);
      await seenGone;
      await say('three');
      await say('four');
      await back;
      assert.equal(receiver.recovered, true, 'resumed on the other node');
      await say('five');
      // A last message: once it is in, so is everything sent before it, duplicates included.
      const end = randomBytes(16).toString('hex');
      await say(end);
      await waitFor(() => received.includes(end), 'the last message');
      assert.deepEqual(received, sent, 'every message once, in order');
    } finally {
      await lb.close();
    }
  });

  it('drops the users of a node that dies from presence', async () => {
    const watcherOnA = await online(nodeA, owner);
    const there = nextEvent(watcherOnA, 'presence:update', (u) => u.club_id === clubId && u.online.includes(member.id));
    const memberOnB = await online(nodeB, member);
    await there;
    // Only what happens after the kill counts: a node paused past its TTL is swept while alive
    // and puts its entries back when it wakes, so an earlier "gone" may be followed by "back".
    const updates = collect(watcherOnA, 'presence:update');
    await stopNode(nodeB, 'SIGKILL');
    const started = Date.now();
    const atKill = await ok(watcherOnA, 'presence:list', { club_id: clubId });
    if (atKill.online.includes(member.id)) {
      const swept = (u: { club_id: number; online: number[]; version: number }) => u.club_id === clubId && u.version > atKill.version && !u.online.includes(member.id);
      if (!updates.some(swept)) await nextEvent(watcherOnA, 'presence:update', swept, 15_000);
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    }
    assert.ok(!(await ok(watcherOnA, 'presence:list', { club_id: clubId })).online.includes(member.id));
    memberOnB.close();
  });
});
