// A club's seats (max_members) cannot go below the people already in it: the owner is told on
// the field, with the count as its minimum, and the club is left as it was. The check and the
// change are one step under the club's row lock, so a let-in at the same moment cannot pass it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('clubs: seats below the members', () => {
  let server: TestServer;
  let owner: TestAccount;
  before(async () => {
    server = await startTestServer();
    owner = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  /** A club of the owner and `others` members, with `seats` seats. */
  async function clubOf(others: number, seats: number): Promise<number> {
    const { id } = await createClub(server.http, owner, { title: `Seats ${randomBytes(16).toString('hex')}`, max_members: seats });
    for (let i = 0; i < others; i++) await admit(server.http, id, owner, await signUpAndLogin(server.http));
    return id;
  }

  async function knockOf(clubId: number): Promise<number> {
    const person = await signUpAndLogin(server.http);
    const knock = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, person.access);
    assert.equal(knock.status, 201, JSON.stringify(knock.body));
    return knock.body.id as number;
  }

  it('refuses seats below the member count as a problem of the field naming the count, and changes nothing', async () => {
    const clubId = await clubOf(2, 6);
    const title = `Renamed ${randomBytes(16).toString('hex')}`;
    const refused = await server.http.patch(`/api/clubs/${clubId}`, { title, max_members: 2 }, owner.access);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'validation_failed');
    assert.deepEqual(refused.body.error.details, [{ path: 'max_members', message: 'at least 3: the club already has 3 members', code: 'too_small', minimum: 3, inclusive: true }]);

    const club = await server.http.get(`/api/clubs/${clubId}`, owner.access);
    assert.deepEqual({ max_members: club.body.max_members, member_count: club.body.member_count }, { max_members: 6, member_count: 3 });
    assert.match(club.body.title, /^Seats /, 'the title sent with the refused seats is not kept either');
    assert.notEqual(club.body.title, title);
  });

  it('takes seats equal to the member count, and the full club then turns the next person away', async () => {
    const clubId = await clubOf(2, 6);
    const exact = await server.http.patch(`/api/clubs/${clubId}`, { max_members: 3 }, owner.access);
    assert.equal(exact.status, 200, JSON.stringify(exact.body));
    assert.deepEqual({ max_members: exact.body.max_members, seats_left: exact.body.seats_left }, { max_members: 3, seats_left: 0 });

    const knockId = await knockOf(clubId);
    const full = await server.http.post(`/api/clubs/${clubId}/knocks/${knockId}/decision`, { decision: 'admit_member' }, owner.access);
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.equal(full.body.error.code, 'club_full');
  });

  it('never ends with more members than seats when seats are lowered while someone is let in', async () => {
    for (let round = 0; round < 4; round++) {
      const clubId = await clubOf(1, 6);
      const knockId = await knockOf(clubId);
      // Lowered to the count before the let-in: one of the two must be refused.
      const [lowered, letIn] = await Promise.all([
        server.http.patch(`/api/clubs/${clubId}`, { max_members: 2 }, owner.access),
        server.http.post(`/api/clubs/${clubId}/knocks/${knockId}/decision`, { decision: 'admit_member' }, owner.access),
      ]);
      const club = await server.http.get(`/api/clubs/${clubId}`, owner.access);
      assert.ok(club.body.member_count <= club.body.max_members, `round ${round}: ${club.body.member_count} members in ${club.body.max_members} seats`);
      if (lowered.status === 200) {
        assert.equal(letIn.body.error?.code, 'club_full', JSON.stringify(letIn.body));
        assert.deepEqual([club.body.member_count, club.body.max_members], [2, 2]);
      } else {
        assert.equal(letIn.status, 200, JSON.stringify(letIn.body));
        assert.equal(lowered.body.error.details[0].minimum, 3, JSON.stringify(lowered.body));
        assert.deepEqual([club.body.member_count, club.body.max_members], [3, 6]);
      }
    }
  });
});
