// Builds clubs with members in every role, through the public API only.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from './accounts.js';
import type { HttpClient } from './http.js';

export async function createClub(http: HttpClient, owner: TestAccount, body: Record<string, unknown> = {}): Promise<{ id: number } & Record<string, any>> {
  const res = await http.post('/api/clubs', { kind: 'book', title: 'Thursday readers', ...body }, owner.access);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Knocks and gets admitted as a member (by the owner), optionally with a role. */
export async function admit(http: HttpClient, clubId: number, owner: TestAccount, user: TestAccount, role?: 'moderator' | 'notetaker' | 'member', password?: string): Promise<void> {
  const knock = await http.post(`/api/clubs/${clubId}/knocks`, password ? { password } : {}, user.access);
  assert.ok([200, 201].includes(knock.status), JSON.stringify(knock.body));
  const decided = await http.post(`/api/clubs/${clubId}/knocks/${knock.body.id}/decision`, { decision: 'admit_member' }, owner.access);
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  if (role && role !== 'member') {
    const changed = await http.patch(`/api/clubs/${clubId}/members/${user.id}`, { role }, owner.access);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
  }
}

export interface ClubCast {
  clubId: number;
  owner: TestAccount;
  moderator: TestAccount;
  notetaker: TestAccount;
  member: TestAccount;
  guest: TestAccount;
  outsider: TestAccount;
}

/** A club with one person in each role (guest: admitted once; outsider: no tie at all). */
export async function clubWithCast(http: HttpClient, body: Record<string, unknown> = {}): Promise<ClubCast> {
  const [owner, moderator, notetaker, member, guest, outsider] = await Promise.all(
    ['owner', 'mod', 'notes', 'member', 'guest', 'outsider'].map((p) => signUpAndLogin(http, { username: `${p}${Math.random().toString(36).slice(2, 8)}` })),
  ) as [TestAccount, TestAccount, TestAccount, TestAccount, TestAccount, TestAccount];
  const club = await createClub(http, owner, { max_members: 10, ...body });
  await admit(http, club.id, owner, moderator, 'moderator');
  await admit(http, club.id, owner, notetaker, 'notetaker');
  await admit(http, club.id, owner, member);
  const knock = await http.post(`/api/clubs/${club.id}/knocks`, {}, guest.access);
  assert.equal(knock.status, 201, JSON.stringify(knock.body));
  const once = await http.post(`/api/clubs/${club.id}/knocks/${knock.body.id}/decision`, { decision: 'admit_once' }, owner.access);
  assert.equal(once.status, 200, JSON.stringify(once.body));
  return { clubId: club.id, owner, moderator, notetaker, member, guest, outsider };
}
