// Membership changes that race each other, roles that change while a request is under way,
// guest passes that must end with the membership, and member pages through equal join times.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ClubAccessService } from '../../../server/clubs/access.js';
import { MembershipService } from '../../../server/clubs/membership.js';
import { ClubService } from '../../../server/clubs/service.js';
import { createMemoryBus } from '../../../server/bus/memory.js';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/logger.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Member {
  user: { id: number };
  role: string;
}

describe('membership under concurrency and changing roles', () => {
  let server: TestServer;
  let membership: MembershipService;
  let access: ClubAccessService;
  before(async () => {
    server = await startTestServer();
    const db = server.app.database.db;
    access = new ClubAccessService(db);
    // A second service on the same database: it lets a test act with a role read earlier.
    membership = new MembershipService(db, new ClubService(db, access, createMemoryBus(createLogger('silent')), server.config.clubs, createLogger('silent')), server.app.joinPasswords);
  });
  after(() => server.close());

  async function club(size: number): Promise<{ clubId: number; owner: TestAccount; members: TestAccount[] }> {
    const owner = await signUpAndLogin(server.http);
    const { id } = await createClub(server.http, owner, { max_members: 10 });
    const members: TestAccount[] = [];
    for (let i = 0; i < size; i++) {
      const member = await signUpAndLogin(server.http);
      await admit(server.http, id, owner, member);
      members.push(member);
    }
    return { clubId: id, owner, members };
  }

  /** Exactly one owner, an active member, and the one the club row names. */
  async function assertOneOwner(clubId: number, viewer: TestAccount): Promise<number> {
    const members = await server.http.get(`/api/clubs/${clubId}/members?limit=100`, viewer.access);
    assert.equal(members.status, 200, JSON.stringify(members.body));
    const owners = (members.body.items as Member[]).filter((m) => m.role === 'owner').map((m) => m.user.id);
    assert.equal(owners.length, 1, `owners: ${JSON.stringify(owners)}`);
    const card = await server.http.get(`/api/clubs/${clubId}`, viewer.access);
    assert.equal(card.body.owner.id, owners[0]);
    return owners[0]!;
  }

  async function expectAppError(run: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(run, (err: unknown) => err instanceof AppError && err.code === code);
  }

  it('lets only one of two parallel transfers through', async () => {
    for (let round = 0; round < 3; round++) {
      const { clubId, owner, members } = await club(2);
      const [b, c] = members as [TestAccount, TestAccount];
      const results = await Promise.all([b, c].map((to) => server.http.post(`/api/clubs/${clubId}/transfer`, { user_id: to.id }, owner.access)));
      assert.deepEqual(results.map((r) => r.status).sort(), [204, 403], JSON.stringify(results.map((r) => r.body)));
      const newOwner = await assertOneOwner(clubId, owner);
      assert.ok([b.id, c.id].includes(newOwner));
    }
  });

  it('never leaves a club without an owner when a transfer meets a leave, removal or ban', async () => {
    for (let round = 0; round < 3; round++) {
      const { clubId, owner, members } = await club(2);
      const [b, moderator] = members as [TestAccount, TestAccount];
      await server.http.patch(`/api/clubs/${clubId}/members/${moderator.id}`, { role: 'moderator' }, owner.access);
      const results = await Promise.all([
        server.http.post(`/api/clubs/${clubId}/transfer`, { user_id: b.id }, owner.access),
        round === 0
          ? server.http.post(`/api/clubs/${clubId}/leave`, undefined, b.access)
          : round === 1
            ? server.http.delete(`/api/clubs/${clubId}/members/${b.id}`, moderator.access)
            : server.http.post(`/api/clubs/${clubId}/members/${b.id}/ban`, {}, moderator.access),
      ]);
      for (const res of results) assert.ok(res.status < 500, JSON.stringify(res.body));
      await assertOneOwner(clubId, moderator);
    }
  });

  it('refuses a transfer by someone who no longer owns the club', async () => {
    const { clubId, owner, members } = await club(2);
    const [b, c] = members as [TestAccount, TestAccount];
    assert.equal((await server.http.post(`/api/clubs/${clubId}/transfer`, { user_id: b.id }, owner.access)).status, 204);
    await expectAppError(membership.transfer(clubId, owner.id, c.id), 'forbidden');
    assert.equal(await assertOneOwner(clubId, b), b.id);
  });

  it('refuses to let the owner leave when ownership arrived after the request was let in', async () => {
    const { clubId, owner, members } = await club(1);
    const [b] = members as [TestAccount];
    const stale = await access.resolve(clubId, b.id);
    assert.equal(stale?.role, 'member');
    assert.equal((await server.http.post(`/api/clubs/${clubId}/transfer`, { user_id: b.id }, owner.access)).status, 204);
    await expectAppError(membership.leave(stale, b.id), 'conflict');
    assert.equal(await assertOneOwner(clubId, owner), b.id);
  });

  it('re-reads the role of whoever removes, bans, unbans, decides or sets roles', async () => {
    const { clubId, owner, members } = await club(3);
    const [demoted, target, other] = members as [TestAccount, TestAccount, TestAccount];
    // `demoted` was a moderator when the request came in; it is a plain member now.
    await expectAppError(membership.remove(clubId, 'moderator', demoted.id, target.id), 'forbidden');
    await expectAppError(membership.ban(clubId, 'moderator', demoted.id, target.id, ''), 'forbidden');
    assert.equal((await server.http.post(`/api/clubs/${clubId}/members/${other.id}/ban`, {}, owner.access)).status, 204);
    await expectAppError(membership.unban(clubId, demoted.id, other.id), 'forbidden');
    await expectAppError(membership.setRole(clubId, demoted.id, target.id, 'moderator'), 'forbidden');
    const stranger = await signUpAndLogin(server.http);
    const knock = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, stranger.access);
    await expectAppError(membership.decide(clubId, knock.body.id, demoted.id, 'admit_member'), 'forbidden');
    const list = await server.http.get(`/api/clubs/${clubId}/members?limit=100`, owner.access);
    assert.deepEqual((list.body.items as Member[]).map((m) => m.user.id).sort(), [owner.id, demoted.id, target.id].sort());
    assert.ok((list.body.items as Member[]).every((m) => m.user.id === owner.id || m.role === 'member'));
  });

  it('ends a guest pass when its holder leaves or is removed', async () => {
    const { clubId, owner } = await club(0);
    for (const way of ['leave', 'remove'] as const) {
      const user = await signUpAndLogin(server.http);
      const first = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, user.access);
      await server.http.post(`/api/clubs/${clubId}/knocks/${first.body.id}/decision`, { decision: 'admit_once' }, owner.access);
      await admit(server.http, clubId, owner, user);
      const gone =
        way === 'leave'
          ? await server.http.post(`/api/clubs/${clubId}/leave`, undefined, user.access)
          : await server.http.delete(`/api/clubs/${clubId}/members/${user.id}`, owner.access);
      assert.equal(gone.status, 204, JSON.stringify(gone.body));
      const me = (await server.http.get(`/api/clubs/${clubId}`, user.access)).body.me;
      assert.deepEqual(me, { role: 'outsider', status: 'none', liked: false }, way);
    }
  });

  it('pages members without repeats or gaps when they joined in the same microsecond', async () => {
    const { clubId, owner, members } = await club(4);
    await sql`update memberships set joined_at = '2026-03-01 10:00:00.123456+00' where club_id = ${clubId}`.execute(server.app.database.db);
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: HttpResponse = await server.http.get(`/api/clubs/${clubId}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`, owner.access);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seen.push(...(res.body.items as Member[]).map((m) => m.user.id));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, [owner.id, ...members.map((m) => m.id)].sort((a, b) => a - b));
  });
});
