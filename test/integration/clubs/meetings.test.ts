import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { MeetingRecords } from '../../../server/meetings/records.js';

const DAY = 24 * 3600_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('club meetings', () => {
  let server: TestServer;
  let cast: ClubCast;
  let records: MeetingRecords;
  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
    records = new MeetingRecords(server.app.database.db);
  });
  after(() => server.close());

  const create = async (c: ClubCast, body: Record<string, unknown>) => {
    const res = await server.http.post(`/api/clubs/${c.clubId}/meetings`, body, c.moderator.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number } & Record<string, any>;
  };
  const pathsOf = (res: { body: any }) => res.body.error.details.map((d: any) => d.path).sort();
  const addBook = async (title: string): Promise<number> => {
    const res = await server.http.post('/api/books', { title, author: 'Some Author' }, cast.moderator.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };

  it('schedules meetings, or opens one at once when no time is given', async () => {
    const bookId = await addBook('Dune');
    const later = await create(cast, { title: 'Chapters 1-4', description: 'Bring questions', scheduled_at: inDays(2), book_id: bookId, chapters: '1-4' });
    assert.equal(later.status, 'scheduled');
    assert.equal(later.started_at, null);
    assert.equal(later.book_id, bookId);
    assert.equal(later.chapters, '1-4');
    assert.deepEqual(later.created_by, { id: cast.moderator.id, username: cast.moderator.username });
    const now = await create(cast, { title: 'Quick chat' });
    assert.equal(now.status, 'live');
    assert.ok(Math.abs(Date.parse(now.started_at) - Date.now()) < 60_000);
    assert.equal(now.scheduled_at, null);
    assert.equal(now.description, '');
  });

  it('lets members read meetings and moderators create them; outsiders see nothing', async () => {
    const meeting = await create(cast, { title: 'Members only', scheduled_at: inDays(1) });
    assert.equal((await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Mine' }, cast.member.access)).status, 403);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/meetings`, cast.member.access)).status, 200);
    assert.equal((await server.http.get(`/api/meetings/${meeting.id}`, cast.member.access)).status, 200);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/meetings`, cast.outsider.access)).status, 403);
    const peek = await server.http.get(`/api/meetings/${meeting.id}`, cast.outsider.access);
    assert.equal(peek.status, 403);
    assert.equal(peek.body.error.code, 'forbidden');
    assert.equal((await server.http.patch(`/api/meetings/${meeting.id}`, { title: 'Mine now' }, cast.member.access)).status, 403);
    assert.equal((await server.http.post(`/api/meetings/${meeting.id}/cancel`, undefined, cast.notetaker.access)).status, 403);
    assert.equal((await server.http.get('/api/meetings/2147483000', cast.member.access)).status, 404);
    assert.equal((await server.http.get('/api/meetings/nope', cast.member.access)).status, 404);
  });

  it('splits upcoming (soonest first) from past (latest first), page by page', async () => {
    const club = await clubWithCast(server.http);
    const inThree = await create(club, { title: 'In three days', scheduled_at: inDays(3) });
    const inOne = await create(club, { title: 'Tomorrow', scheduled_at: inDays(1) });
    const inTwo = await create(club, { title: 'Day after', scheduled_at: inDays(2) });
    const live = await create(club, { title: 'Right now' });
    const upcomingIds: number[] = [];
    let cursor: string | null = null;
    do {
      const res: HttpResponse = await server.http.get(`/api/clubs/${club.clubId}/meetings?when=upcoming&limit=3${cursor ? `&cursor=${cursor}` : ''}`, club.member.access);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      upcomingIds.push(...res.body.items.map((m: any) => m.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    assert.deepEqual(upcomingIds, [live.id, inOne.id, inTwo.id, inThree.id]);

    const ended = await server.http.post(`/api/meetings/${live.id}/end`, undefined, club.moderator.access);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.equal(ended.body.status, 'ended');
    const cancelled = await server.http.post(`/api/meetings/${inTwo.id}/cancel`, undefined, club.moderator.access);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.ok(cancelled.body.cancelled_at);

    const upcoming = await server.http.get(`/api/clubs/${club.clubId}/meetings`, club.member.access);
    assert.deepEqual(upcoming.body.items.map((m: any) => m.id), [inOne.id, inThree.id]);
    const page1 = await server.http.get(`/api/clubs/${club.clubId}/meetings?when=past&limit=1`, club.member.access);
    const page2 = await server.http.get(`/api/clubs/${club.clubId}/meetings?when=past&limit=1&cursor=${page1.body.next_cursor}`, club.member.access);
    assert.deepEqual([...page1.body.items, ...page2.body.items].map((m: any) => m.id), [inTwo.id, live.id]);
    assert.equal(page2.body.next_cursor, null);
    const badWhen = await server.http.get(`/api/clubs/${club.clubId}/meetings?when=someday`, club.member.access);
    assert.deepEqual(pathsOf(badWhen), ['when']);
  });

  it('changes a meeting only while scheduled or live, and only in the ways its state allows', async () => {
    const meeting = await create(cast, { title: 'Draft', scheduled_at: inDays(4) });
    const bookId = await addBook('Emma');
    const moved = await server.http.patch(`/api/meetings/${meeting.id}`, { title: 'Final', scheduled_at: inDays(5), chapters: null, book_id: bookId }, cast.owner.access);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.title, 'Final');
    assert.equal(moved.body.book_id, bookId);
    assert.equal(Date.parse(moved.body.scheduled_at) > Date.now() + 4.5 * DAY, true);
    assert.deepEqual(moved.body.participants, []);
    assert.equal((await server.http.post(`/api/meetings/${meeting.id}/end`, undefined, cast.moderator.access)).status, 409);

    const live = await create(cast, { title: 'Now' });
    assert.equal((await server.http.patch(`/api/meetings/${live.id}`, { scheduled_at: inDays(1) }, cast.moderator.access)).status, 409);
    assert.equal((await server.http.patch(`/api/meetings/${live.id}`, { description: 'We are on chapter 5' }, cast.moderator.access)).body.description, 'We are on chapter 5');
    assert.equal((await server.http.post(`/api/meetings/${live.id}/cancel`, undefined, cast.moderator.access)).status, 409);
    assert.equal((await server.http.post(`/api/meetings/${live.id}/end`, undefined, cast.notetaker.access)).status, 403);
    assert.equal((await server.http.post(`/api/meetings/${live.id}/end`, undefined, cast.owner.access)).status, 200);
    assert.equal((await server.http.post(`/api/meetings/${live.id}/end`, undefined, cast.owner.access)).status, 409);
    assert.equal((await server.http.patch(`/api/meetings/${live.id}`, { title: 'Too late' }, cast.moderator.access)).status, 409);
  });

  it('refuses bad input with the paths of every problem', async () => {
    const res = await server.http.post(
      `/api/clubs/${cast.clubId}/meetings`,
      { title: 'x'.repeat(151), description: 'd'.repeat(5001), scheduled_at: 'next friday', book_id: 'dune', chapters: 'c'.repeat(201), thumbnail_file_id: 'cover.png', room: 3 },
      cast.moderator.access,
    );
    assert.equal(res.status, 400);
    assert.deepEqual(pathsOf(res), ['book_id', 'chapters', 'description', 'room', 'scheduled_at', 'thumbnail_file_id', 'title']);
    const past = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Yesterday', scheduled_at: inDays(-1) }, cast.moderator.access);
    assert.deepEqual(pathsOf(past), ['scheduled_at']);
    const strangeFile = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'T', thumbnail_file_id: '6f1c2b1e-8a8e-4c5e-9a47-3e0b7f3c1d2a' }, cast.moderator.access);
    assert.deepEqual(pathsOf(strangeFile), ['thumbnail_file_id']);
    const meeting = await create(cast, { title: 'Ok', scheduled_at: inDays(1) });
    assert.equal((await server.http.patch(`/api/meetings/${meeting.id}`, {}, cast.moderator.access)).status, 400);
    assert.deepEqual(pathsOf(await server.http.patch(`/api/meetings/${meeting.id}`, { status: 'live' }, cast.moderator.access)), ['status']);
  });

  it('takes book_id only for a book of the catalogue', async () => {
    const missing = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Ghost book', book_id: 2_000_000_000 }, cast.moderator.access);
    assert.deepEqual(pathsOf(missing), ['book_id']);
    const meeting = await create(cast, { title: 'Which book?', scheduled_at: inDays(1) });
    assert.deepEqual(pathsOf(await server.http.patch(`/api/meetings/${meeting.id}`, { book_id: 2_000_000_000 }, cast.moderator.access)), ['book_id']);
    const bookId = await addBook('Persuasion');
    assert.equal((await server.http.patch(`/api/meetings/${meeting.id}`, { book_id: bookId }, cast.moderator.access)).body.book_id, bookId);
    assert.equal((await server.http.patch(`/api/meetings/${meeting.id}`, { book_id: null }, cast.moderator.access)).body.book_id, null);
  });

  it('refuses times past the year 9999 (UTC) or more than ten years ahead', async () => {
    const at = (scheduled_at: string) => server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Far away', scheduled_at }, cast.moderator.access);
    // A negative offset carries the last minute of 9999 into the year 10000.
    for (const far of ['9999-12-31T23:59:59-23:59', '9999-12-31T23:59:59Z', inDays(11 * 366)]) {
      const res = await at(far);
      assert.deepEqual(pathsOf(res), ['scheduled_at'], far);
      assert.equal(res.body.error.details.length, 1, far);
    }
    assert.equal((await at(inDays(9 * 365))).status, 201);
    const meeting = await create(cast, { title: 'Soon', scheduled_at: inDays(1) });
    assert.deepEqual(pathsOf(await server.http.patch(`/api/meetings/${meeting.id}`, { scheduled_at: '9999-12-31T23:59:59-23:59' }, cast.moderator.access)), ['scheduled_at']);
  });

  it('starts a meeting once when the live side starts it several times at once', async () => {
    const club = await clubWithCast(server.http);
    for (let round = 0; round < 10; round++) {
      const meeting = await create(club, { title: `Round ${round}`, scheduled_at: inDays(1) });
      const started = await Promise.allSettled(Array.from({ length: 4 }, () => records.start(meeting.id)));
      const failures = started.filter((s) => s.status === 'rejected').map((s) => String((s).reason));
      assert.deepEqual(failures, []);
      const times = new Set(started.map((s) => (s as PromiseFulfilledResult<{ status: string; started_at: string | null }>).value.started_at));
      assert.equal(times.size, 1);
      assert.ok(started.every((s) => (s as PromiseFulfilledResult<{ status: string }>).value.status === 'live'));
    }
    const ended = await create(club, { title: 'Over' });
    await records.end(ended.id);
    await assert.rejects(records.start(ended.id), (err: Error & { code?: string }) => err.code === 'conflict');
    await assert.rejects(records.start(2_000_000_000), (err: Error & { code?: string }) => err.code === 'not_found');
    await assert.rejects(records.end(2_000_000_000), (err: Error & { code?: string }) => err.code === 'not_found');
  });

  it('records sessions and talk time from the live side, folded per person', async () => {
    const club = await clubWithCast(server.http);
    const meeting = await create(club, { title: 'Reading night', scheduled_at: inDays(1) });
    await assert.rejects(records.participantJoined(meeting.id, club.member.id), (err: Error & { code?: string }) => err.code === 'conflict');

    const started = await records.start(meeting.id);
    assert.equal(started.status, 'live');
    assert.equal((await records.start(meeting.id)).status, 'live');
    const memberFirst = await records.participantJoined(meeting.id, club.member.id);
    const owner = await records.participantJoined(meeting.id, club.owner.id);
    assert.equal(await records.addTalkTime(meeting.id, club.member.id, 1500), true);
    await records.participantLeft(memberFirst);
    await records.participantLeft(memberFirst);
    // Rejoining opens a second session; talk time goes to the open one.
    await records.participantJoined(meeting.id, club.member.id);
    assert.equal(await records.addTalkTime(meeting.id, club.member.id, 2500), true);
    assert.equal(await records.addTalkTime(meeting.id, club.owner.id, 400), true);
    assert.equal(await records.addTalkTime(meeting.id, club.notetaker.id, 100), false);
    await records.participantLeft(owner);

    const during = await server.http.get(`/api/meetings/${meeting.id}`, club.member.access);
    assert.equal(during.status, 200);
    assert.equal(during.body.status, 'live');
    assert.equal(during.body.participant_count, 2);
    const byUser = new Map(during.body.participants.map((p: any) => [p.user.id, p]));
    const member = byUser.get(club.member.id) as any;
    assert.deepEqual([member.sessions, member.talk_ms, member.present, member.last_left_at], [2, 4000, true, null]);
    const host = byUser.get(club.owner.id) as any;
    assert.deepEqual([host.sessions, host.talk_ms, host.present], [1, 400, false]);
    assert.ok(Date.parse(host.last_left_at) >= Date.parse(host.first_joined_at));
    assert.deepEqual(during.body.participants.map((p: any) => p.user.id), [club.member.id, club.owner.id]);

    const ended = await server.http.post(`/api/meetings/${meeting.id}/end`, undefined, club.moderator.access);
    assert.equal(ended.status, 200);
    const afterEnd = ended.body.participants.find((p: any) => p.user.id === club.member.id);
    assert.equal(afterEnd.present, false);
    assert.ok(afterEnd.last_left_at);
    assert.ok(Date.parse(afterEnd.last_left_at) <= Date.parse(ended.body.ended_at));
    await assert.rejects(records.participantJoined(meeting.id, club.member.id), (err: Error & { code?: string }) => err.code === 'conflict');
    await assert.rejects(records.end(meeting.id), (err: Error & { code?: string }) => err.code === 'conflict');
    const past = await server.http.get(`/api/clubs/${club.clubId}/meetings?when=past`, club.member.access);
    assert.deepEqual(past.body.items.map((m: any) => [m.id, m.participant_count]), [[meeting.id, 2]]);
  });
});
