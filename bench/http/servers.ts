// A benchmark target in its own process, reporting its URL over IPC:
//   bare        Express answering JSON, nothing else
//   bare-db     Express answering one primary-key read through a pg pool (the floor of any
//               route that reads Postgres; needs DATABASE_URL)
//   roundtable  the full server from the composition root; with BENCH_CLUBS=n it first seeds n
//               clubs into its own database (PGlite lives in this process), and on an IPC
//               message {seed: 'reading-logs', userId} gives that user a reading history
//   roundtable-cached  the same, with verified access tokens remembered until they expire
//               (the cache TokenService had in front of jose), to measure what it would save
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { startRoundtable } from '../../server/compose.js';
import { TokenService, type AccessClaims } from '../../shared/auth/tokens.js';
import { loadConfig } from '../../shared/config.js';
import { seedClubs, seedReadingLogs } from './seed-clubs.js';

const mode = process.argv[2];

async function bare(): Promise<string> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bareDb(): Promise<string> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = express();
  app.disable('x-powered-by');
  app.get('/users/:id', async (req, res) => {
    const { rows } = await pool.query('select id, username, email, first_name, last_name, nickname, bio, phone, birth_date, interests, email_verified_at, created_at from users where id = $1', [Number(req.params.id)]);
    res.json(rows[0]);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function roundtable(): Promise<string> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SFU_WORKERS: '0' });
  const app = await startRoundtable(config);
  const clubs = Number(process.env.BENCH_CLUBS ?? 0);
  if (clubs > 0) {
    const started = Date.now();
    const seeded = await seedClubs(app.database.db, clubs);
    process.stderr.write(`seeded ${seeded.clubs} clubs and ${seeded.books} books in ${Date.now() - started} ms\n`);
    process.on('message', (message: { seed?: string; userId?: number }) => {
      if (message.seed !== 'reading-logs' || !message.userId) return;
      void seedReadingLogs(app.database.db, message.userId, 20).then(() => process.send?.({ seeded: 'reading-logs' }));
    });
  }
  return app.url;
}

/** Puts the former verified-token cache (bounded, entries kept until the token expires) in front of verifyAccess. */
function cacheVerifiedTokens(): void {
  const { verifyAccess } = Object.getOwnPropertyDescriptors(TokenService.prototype);
  const verify = verifyAccess?.value as (this: TokenService, token: string) => Promise<AccessClaims>;
  const verified = new Map<string, AccessClaims>();
  TokenService.prototype.verifyAccess = async function (this: TokenService, token: string): Promise<AccessClaims> {
    const cached = verified.get(token);
    if (cached && cached.expiresAt > Date.now() / 1000) return cached;
    const claims = await verify.call(this, token);
    if (verified.size >= 20_000) verified.delete(verified.keys().next().value ?? '');
    verified.set(token, claims);
    return claims;
  };
}

const starters: Record<string, () => Promise<string>> = {
  bare,
  'bare-db': bareDb,
  roundtable,
  'roundtable-cached': () => (cacheVerifiedTokens(), roundtable()),
};
const url = starters[mode ?? ''] ? await starters[mode as string]?.() : null;
if (!url) throw new Error(`unknown mode ${mode}`);
process.send?.({ url });
