// Per-user limits under parallel requests: how many clubs one person owns, and how many knocks
// one person has waiting. Each request hashes or verifies a password (tens of milliseconds)
// between the check and the insert unless both are one atomic step, so a burst shows a gap.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { createClub } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const OWNED_PER_USER = 3;
// The server's fixed limit on knocks one person has waiting (server/clubs/membership.ts).
const PENDING_KNOCKS_PER_USER = 20;

function codesOf(responses: HttpResponse[]): string[] {
  return responses.map((r) => (r.status === 201 ? '201' : `${r.status} ${(r.body as { error: { code: string } }).error.code}`));
}

describe('per-user limits under parallel requests', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    // Join-password guesses have their own limits (join-password-limits.test.ts); out of the way here.
    const roomyGuesses = { RATE_LIMIT_JOIN_PASSWORD_PER_USER: '1000', RATE_LIMIT_JOIN_PASSWORD_PER_IP: '1000', RATE_LIMIT_JOIN_PASSWORD_PER_CLUB: '1000' };
    server = await startTestServer({ env: { CLUBS_PER_USER: String(OWNED_PER_USER), CLUB_MAX_MEMBERS: '50', ...roomyGuesses } });
  });
  after(() => server.close());

  it(`creates at most CLUBS_PER_USER (${OWNED_PER_USER}) clubs from 40 parallel creations with a join password`, async () => {
    const owner = await signUpAndLogin(server.http);
    const password = randomBytes(16).toString('hex');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => server.http.post('/api/clubs', { kind: 'book', title: `Parallel ${i}`, join_password: password }, owner.access)),
    );
    const codes = codesOf(answers);
    assert.equal(codes.filter((c) => c === '201').length, OWNED_PER_USER, codes.join(', '));
    assert.equal(codes.filter((c) => c === '409 conflict').length, 40 - OWNED_PER_USER, codes.join(', '));
    const mine = await server.http.get('/api/me/clubs', owner.access);
    assert.equal(mine.body.items.length, OWNED_PER_USER);
  });

  it(`keeps at most ${PENDING_KNOCKS_PER_USER} knocks waiting when one person knocks on many clubs at once`, async () => {
    const password = randomBytes(16).toString('hex');
    const total = PENDING_KNOCKS_PER_USER + 6;
    const owners = await Promise.all(Array.from({ length: Math.ceil(total / OWNED_PER_USER) }, () => signUpAndLogin(server.http)));
    const clubIds: number[] = [];
    for (let i = 0; i < total; i++) {
      const owner = owners[Math.floor(i / OWNED_PER_USER)] as TestAccount;
      clubIds.push((await createClub(server.http, owner, { title: `Knock target ${i}`, join_password: password })).id);
    }
    const knocker = await signUpAndLogin(server.http);
    const answers = await Promise.all(clubIds.map((id) => server.http.post(`/api/clubs/${id}/knocks`, { password }, knocker.access)));
    const codes = codesOf(answers);
    assert.equal(codes.filter((c) => c === '201').length, PENDING_KNOCKS_PER_USER, codes.join(', '));
    assert.equal(codes.filter((c) => c === '409 conflict').length, total - PENDING_KNOCKS_PER_USER, codes.join(', '));
    // Positive control: withdrawing one frees a place for a knock that was refused.
    const refused = clubIds[answers.findIndex((a) => a.status === 409)] as number;
    const accepted = clubIds[answers.findIndex((a) => a.status === 201)] as number;
    assert.equal((await server.http.delete(`/api/clubs/${accepted}/knocks/mine`, knocker.access)).status, 204);
    assert.equal((await server.http.post(`/api/clubs/${refused}/knocks`, { password }, knocker.access)).status, 201);
  });
});
