// A signaling benchmark target in its own process. It reports its URL over IPC, then answers
// {seed: n} with n clients to connect ({token, club}: rooms of 6):
//   bare        a bare Socket.IO relay: joins the room named in the handshake, relays
//               chat:send to the room and acks; no auth, no validation, no storage
//   signaling   our Socket.IO service alone (handshake, validation, limits, permission checks)
//               with the chat kept in memory: what the service costs without the database
//   roundtable  the full server from the composition root; n users, their sessions and clubs
//               of 6 are written straight into its database (no password hashing)
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Server } from 'socket.io';
import { createMemoryBus } from '../../server/bus/memory.js';
import { startRoundtable, type Roundtable } from '../../server/compose.js';
import { TokenService } from '../../shared/auth/tokens.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import type { ChatMessage } from '../../shared/protocol/signaling.js';
import { SignalingServer } from '../../signaling/server.js';

export interface BenchClient {
  token: string;
  club: number;
}

const ROOM = 6;
const mode = process.argv[2];

async function bare(): Promise<{ url: string; seed: (n: number) => Promise<BenchClient[]> }> {
  const server = http.createServer();
  const io = new Server(server, { serveClient: false });
  io.on('connection', (socket) => {
    const room = `club:${Number((socket.handshake.auth as { club?: number }).club)}`;
    void socket.join(room);
    socket.on('chat:send', (payload: unknown, ack?: (reply: { ok: true }) => void) => {
      socket.to(room).emit('chat:message', payload);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seed: async (n) => Array.from({ length: n }, (_, i) => ({ token: '', club: Math.floor(i / ROOM) + 1 })) };
}

async function seedRoundtable(app: Roundtable, n: number): Promise<BenchClient[]> {
  const db = app.database.db;
  const stamp = Date.now().toString(36);
  const now = new Date();
  const users = await db
    .insertInto('users')
    .values(Array.from({ length: n }, (_, i) => ({ username: `b${stamp}${i}`, email: `b${stamp}${i}@example.org`, password_hash: '!', interests: '[]', updated_at: now })))
    .returning('id')
    .execute();
  const clubIds: number[] = [];
  for (let start = 0; start < n; start += ROOM) {
    const members = users.slice(start, start + ROOM);
    const owner = members[0];
    if (!owner) break;
    const { id } = await db
      .insertInto('clubs')
      .values({ owner_id: owner.id, kind: 'book', title: `Bench ${start / ROOM}`, visibility: 'private', max_members: ROOM, member_count: members.length, search: sql`to_tsvector('simple', 'bench')`, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('memberships')
      .values(members.map((m, i) => ({ club_id: id, user_id: m.id, role: i === 0 ? ('owner' as const) : ('member' as const), status: 'active' as const })))
      .execute();
    clubIds.push(id);
  }
  const sessions = users.map((u) => ({ id: randomUUID(), user_id: u.id, expires_at: new Date(Date.now() + 24 * 3600 * 1000) }));
  await db.insertInto('auth_sessions').values(sessions).execute();
  const tokens = new TokenService({
    issuer: app.config.auth.issuer,
    audience: app.config.auth.audience,
    accessTtlSeconds: 3600,
    refreshTtlSeconds: 3600,
    keys: { alg: 'HS256', secret: new TextEncoder().encode(process.env.JWT_SECRET ?? '') },
  });
  return Promise.all(sessions.map(async (s, i) => ({ token: await tokens.signAccess(s.user_id, s.id), club: clubIds[Math.floor(i / ROOM)] as number })));
}

async function roundtable(): Promise<{ url: string; seed: (n: number) => Promise<BenchClient[]> }> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SFU_WORKERS: '0', MODELS: 'none' });
  const app = await startRoundtable(config);
  return { url: app.url, seed: (n) => seedRoundtable(app, n) };
}

async function signalingOnly(): Promise<{ url: string; seed: (n: number) => Promise<BenchClient[]> }> {
  const logger = createLogger('warn');
  const tokens = new TokenService({ issuer: 'bench', audience: 'bench', accessTtlSeconds: 3600, refreshTtlSeconds: 3600, keys: { alg: 'HS256', secret: new TextEncoder().encode(process.env.JWT_SECRET ?? '') } });
  const clubOf = new Map<number, number>();
  const messages = new Map<string, ChatMessage>();
  let nextId = 1;
  const nope = async (): Promise<never> => {
    throw new Error('not part of this benchmark');
  };
  const server = http.createServer();
  const signaling = new SignalingServer({
    httpServer: server,
    tokens,
    sessions: { assertLive: async () => {} },
    clubs: {
      resolve: async (clubId, userId) => ({ club: { id: clubId, visibility: 'private' }, role: clubOf.get(userId) === clubId ? 'member' : 'outsider', status: 'none' }),
      clubsOf: async (userId) => (clubOf.has(userId) ? [{ clubId: clubOf.get(userId) as number, role: 'member' as const }] : []),
    },
    membership: { knock: nope, decide: nope, pendingKnocks: async () => ({ items: [] }) },
    chat: {
      send: async (clubId, authorId, clientId, body) => {
        const key = `${clubId}:${authorId}:${clientId}`;
        const stored = messages.get(key);
        if (stored) return { message: stored, created: false };
        const message = { id: nextId++, club_id: clubId, author_id: authorId, author_avatar_url: null, client_id: clientId, body, created_at: new Date().toISOString(), edited_at: null, deleted_at: null };
        messages.set(key, message);
        return { message, created: true };
      },
      edit: nope,
      remove: nope,
      markRead: nope,
    },
    bus: createMemoryBus(logger),
    redis: null,
    redisPrefix: 'bench:',
    allowedOrigins: [],
    limits: { eventsPerSecond: 0, chatPerMinute: 0, maxMessageBytes: 65536, recoveryMs: 120_000, presenceTtlMs: 15_000, maxSocketsPerUser: 0 },
    logger,
  });
  await signaling.start();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seed: (n) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const club = Math.floor(i / ROOM) + 1;
          clubOf.set(i + 1, club);
          return { token: await tokens.signAccess(i + 1, `s${i + 1}`), club };
        }),
      ),
  };
}

const starters: Record<string, typeof bare> = { bare, signaling: signalingOnly, roundtable };
const starter = starters[mode ?? ''];
if (!starter) throw new Error(`unknown mode ${mode}`);
const target = await starter();
process.on('message', (message: { seed?: number }) => {
  if (typeof message.seed === 'number') void target.seed(message.seed).then((clients) => process.send?.({ clients }));
});
// A plain exit on SIGTERM lets --cpu-prof write its profile.
process.on('SIGTERM', () => process.exit(0));
process.send?.({ url: target.url });
