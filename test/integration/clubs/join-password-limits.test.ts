// Join-password guesses are limited per person, per client address and per club, over REST and
// over Socket.IO, before any argon2 verification runs (GET /metrics counts the verifications).
// Each scenario comes from its own address (X-Forwarded-For through a trusted loopback proxy).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../../server/auth/passwords.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { createClub } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, ok, OpenSockets } from '../../helpers/sockets.js';

const PER_USER = 3;
const PER_IP = 5;
const PER_CLUB = 8;

const secret = () => randomBytes(16).toString('hex');

describe('join-password guesses are rate limited', function () {
  this.timeout(60_000);
  let server: TestServer;
  let owner: TestAccount;
  const sockets = new OpenSockets(() => server.url);
  let nextAddress = 1;
  const address = () => `198.51.100.${nextAddress++}`;
  before(async () => {
    server = await startTestServer({
      env: {
        TRUST_PROXY: 'loopback',
        CLUBS_PER_USER: '50',
        RATE_LIMIT_JOIN_PASSWORD_PER_USER: String(PER_USER),
        RATE_LIMIT_JOIN_PASSWORD_PER_IP: String(PER_IP),
        RATE_LIMIT_JOIN_PASSWORD_PER_CLUB: String(PER_CLUB),
      },
    });
    owner = await signUpAndLogin(server.http);
  });
  afterEach(() => sockets.closeAll());
  after(() => server.close());

  async function passwordClub(): Promise<{ id: number; password: string }> {
    const password = secret();
    return { id: (await createClub(server.http, owner, { join_password: password })).id, password };
  }

  const knock = (clubId: number, who: TestAccount, password: string, ip: string): Promise<HttpResponse> =>
    server.http.request('POST', `/api/clubs/${clubId}/knocks`, { body: { password }, token: who.access, headers: { 'x-forwarded-for': ip } });

  /** Argon2 verifications of join passwords so far (right or wrong), from GET /metrics. */
  async function verifications(): Promise<number> {
    const text = (await server.http.get('/metrics')).body as string;
    let total = 0;
    for (const outcome of ['right', 'wrong']) {
      const line = new RegExp(`^roundtable_join_password_checks_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
      total += line ? Number(line[1]) : 0;
    }
    return total;
  }

  function assertLimited(res: HttpResponse): void {
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1, `Retry-After: ${res.headers.get('retry-after')}`);
    assert.deepEqual(res.body.error.details, { retry_after: retryAfter });
  }

  it('over REST: past the per-person limit a guess gets 429 with Retry-After and no verification runs; after the window a right password works', async () => {
    const club = await passwordClub();
    const guesser = await signUpAndLogin(server.http);
    const ip = address();
    const before = await verifications();
    for (let i = 0; i < PER_USER; i++) assert.equal((await knock(club.id, guesser, secret(), ip)).status, 403);
    assert.equal(await verifications(), before + PER_USER);
    for (let i = 0; i < 20; i++) assertLimited(await knock(club.id, guesser, secret(), ip));
    // Even the right password waits for the window: the limit comes before the verification.
    assertLimited(await knock(club.id, guesser, club.password, ip));
    assert.equal(await verifications(), before + PER_USER, 'no verification ran past the limit');

    await server.app.joinPasswords.reset({ clubId: club.id, userId: guesser.id, ip });
    const admitted = await knock(club.id, guesser, club.password, ip);
    assert.equal(admitted.status, 201, JSON.stringify(admitted.body));
    assert.equal(await verifications(), before + PER_USER + 1);
  });

  it('over Socket.IO: club:knock past the limit fails with rate_limited and retry_after, and no verification runs', async () => {
    const club = await passwordClub();
    const guesser = await signUpAndLogin(server.http);
    const ip = address();
    const socket = await sockets.connect(guesser, { extraHeaders: { 'x-forwarded-for': ip } });
    const before = await verifications();
    for (let i = 0; i < PER_USER; i++) assert.equal((await fails(socket, 'club:knock', { club_id: club.id, password: secret() })).code, 'join_password_invalid');
    for (let i = 0; i < 10; i++) {
      const error = await fails(socket, 'club:knock', { club_id: club.id, password: i === 9 ? club.password : secret() });
      assert.equal(error.code, 'rate_limited', JSON.stringify(error));
      const { retry_after } = error.details as { retry_after: number };
      assert.ok(Number.isInteger(retry_after) && retry_after >= 1, JSON.stringify(error));
    }
    assert.equal(await verifications(), before + PER_USER, 'no verification ran past the limit');
    // The same budget over REST and the socket: REST from the same person and address is refused too.
    assertLimited(await knock(club.id, guesser, club.password, ip));

    await server.app.joinPasswords.reset({ clubId: club.id, userId: guesser.id, ip });
    const reply = await ok(socket, 'club:knock', { club_id: club.id, password: club.password });
    assert.equal(reply.created, true);
  });

  it('limits one address across several people', async () => {
    const club = await passwordClub();
    const ip = address();
    const people = await Promise.all(Array.from({ length: 4 }, () => signUpAndLogin(server.http)));
    const statuses: number[] = [];
    // Two guesses each stay under the per-person limit; the address runs out on the sixth.
    for (const who of people.slice(0, 3)) for (let i = 0; i < 2; i++) statuses.push((await knock(club.id, who, secret(), ip)).status);
    assert.deepEqual(statuses, [403, 403, 403, 403, 403, 429]);
    const newcomer = people[3] as TestAccount;
    assertLimited(await knock(club.id, newcomer, club.password, ip));
    // Positive control: the same person from another address is let through.
    assert.equal((await knock(club.id, newcomer, club.password, address())).status, 201);
  });

  it('limits one club across people and addresses', async () => {
    const club = await passwordClub();
    const people = await Promise.all(Array.from({ length: PER_CLUB / 2 + 1 }, () => signUpAndLogin(server.http)));
    for (const who of people.slice(0, PER_CLUB / 2)) {
      const ip = address();
      for (let i = 0; i < 2; i++) assert.equal((await knock(club.id, who, secret(), ip)).status, 403);
    }
    const late = people[PER_CLUB / 2] as TestAccount;
    const ip = address();
    assertLimited(await knock(club.id, late, club.password, ip));
    // Positive control: the same person and address knock on another club.
    const other = await passwordClub();
    assert.equal((await knock(other.id, late, other.password, ip)).status, 201);
  });

  it('wants join passwords of at least 6 characters; a shorter one stored earlier still lets people in', async () => {
    const short = await server.http.post('/api/clubs', { kind: 'book', title: 'Short password', join_password: 'abcde' }, owner.access);
    assert.equal(short.status, 400, JSON.stringify(short.body));
    assert.deepEqual(short.body.error.details.map((d: { path: string }) => d.path), ['join_password']);
    const club = await passwordClub();
    assert.equal((await server.http.patch(`/api/clubs/${club.id}`, { join_password: 'abcde' }, owner.access)).status, 400);
    assert.equal((await server.http.patch(`/api/clubs/${club.id}`, { join_password: 'abcdef' }, owner.access)).status, 200);
    // A four-character password from before the rule.
    await server.app.database.db.updateTable('clubs').set({ join_password_hash: await hashPassword('wxyz') }).where('id', '=', club.id).execute();
    const member = await signUpAndLogin(server.http);
    assert.equal((await knock(club.id, member, 'wxyz', address())).status, 201);
  });
});
