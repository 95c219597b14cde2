import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, createClub, type ClubCast } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('club posts, comments and reports', () => {
  let server: TestServer;
  let cast: ClubCast;
  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  after(() => server.close());

  const post = async (clubId: number | null, who: TestAccount, title: string, content = 'Thoughts on chapter one.') => {
    const res = await server.http.post(clubId === null ? '/api/posts' : `/api/clubs/${clubId}/posts`, { title, content }, who.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number } & Record<string, any>;
  };
  const pathsOf = (res: { body: any }) => res.body.error.details.map((d: any) => d.path).sort();

  it('lists a club\u2019s posts newest first, page by page, without repeats', async () => {
    const club = await clubWithCast(server.http);
    const titles = Array.from({ length: 7 }, (_, i) => `Post ${i + 1}`);
    for (const title of titles) await post(club.clubId, club.member, title);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: HttpResponse = await server.http.get(`/api/clubs/${club.clubId}/posts?limit=3${cursor ? `&cursor=${cursor}` : ''}`, club.notetaker.access);
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((p: any) => p.title));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...titles].reverse());
    const first = (await server.http.get(`/api/clubs/${club.clubId}/posts?limit=1`, club.owner.access)).body.items[0];
    assert.deepEqual(first.author, { id: club.member.id, username: club.member.username, nickname: null, avatar_url: null });
    assert.equal(first.comment_count, 0);
    assert.equal(first.club_id, club.clubId);
    const bad = await server.http.get(`/api/clubs/${club.clubId}/posts?cursor=nonsense`, club.owner.access);
    assert.equal(bad.status, 400);
  });

  it('refuses over-long and unknown fields with their paths', async () => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: 't'.repeat(151), content: 'c'.repeat(20_001), pinned: true }, cast.member.access);
    assert.equal(res.status, 400);
    assert.deepEqual(pathsOf(res), ['content', 'pinned', 'title']);
    const empty = await server.http.patch(`/api/posts/${(await post(cast.clubId, cast.member, 'Short')).id}`, {}, cast.member.access);
    assert.equal(empty.status, 400);
    const longComment = await server.http.post(`/api/posts/${(await post(null, cast.member, 'Open')).id}/comments`, { content: 'x'.repeat(5001) }, cast.member.access);
    assert.deepEqual(pathsOf(longComment), ['content']);
  });

  it('lets outsiders read a public club\u2019s posts but not a private club\u2019s, and only members post', async () => {
    const publicPost = await post(cast.clubId, cast.member, 'Public musings');
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/posts`, cast.outsider.access)).status, 200);
    assert.equal((await server.http.get(`/api/posts/${publicPost.id}`, cast.outsider.access)).body.title, 'Public musings');
    assert.equal((await server.http.get(`/api/posts/${publicPost.id}/comments`, cast.outsider.access)).status, 200);
    const outsiderPost = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: 'Hi' }, cast.outsider.access);
    assert.equal(outsiderPost.status, 403);
    assert.equal(outsiderPost.body.error.code, 'forbidden');
    assert.equal((await server.http.post(`/api/posts/${publicPost.id}/comments`, { content: 'Me too' }, cast.outsider.access)).status, 403);

    const secret = await clubWithCast(server.http, { visibility: 'private' });
    const secretPost = await post(secret.clubId, secret.member, 'Members only');
    assert.equal((await server.http.get(`/api/clubs/${secret.clubId}/posts`, secret.outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/posts/${secretPost.id}`, secret.outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/posts/${secretPost.id}/comments`, secret.outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/posts/${secretPost.id}`, secret.member.access)).status, 200);
    assert.equal((await server.http.get(`/api/clubs/${secret.clubId}/posts`)).status, 401);
  });

  it('keeps community posts outside clubs, for anyone signed in', async () => {
    const stranger = await signUpAndLogin(server.http);
    const mine = await post(null, stranger, 'Anyone read Middlemarch?');
    assert.equal(mine.club_id, null);
    const list = await server.http.get('/api/posts?limit=100', cast.outsider.access);
    assert.equal(list.status, 200);
    assert.equal(list.body.items[0].id, mine.id);
    assert.ok(list.body.items.every((p: any) => p.club_id === null));
    assert.equal((await server.http.get('/api/posts')).status, 401);
    assert.equal((await server.http.get(`/api/posts/${mine.id}`, cast.member.access)).status, 200);
    // Only its author removes a community post.
    assert.equal((await server.http.delete(`/api/posts/${mine.id}`, cast.owner.access)).status, 403);
    assert.equal((await server.http.delete(`/api/posts/${mine.id}`, stranger.access)).status, 204);
  });

  it('lets only the author edit, and the author or a moderator delete; deleted posts vanish', async () => {
    const mine = await post(cast.clubId, cast.member, 'Draft title', 'Draft text');
    assert.equal((await server.http.patch(`/api/posts/${mine.id}`, { title: 'Hijacked' }, cast.moderator.access)).status, 403);
    const edited = await server.http.patch(`/api/posts/${mine.id}`, { title: 'Final title' }, cast.member.access);
    assert.equal(edited.status, 200);
    assert.equal(edited.body.title, 'Final title');
    assert.equal(edited.body.content, 'Draft text');
    assert.ok(Date.parse(edited.body.updated_at) >= Date.parse(mine.updated_at));
    assert.equal((await server.http.delete(`/api/posts/${mine.id}`, cast.notetaker.access)).status, 403);
    assert.equal((await server.http.delete(`/api/posts/${mine.id}`, cast.moderator.access)).status, 204);
    assert.equal((await server.http.get(`/api/posts/${mine.id}`, cast.member.access)).status, 404);
    assert.equal((await server.http.patch(`/api/posts/${mine.id}`, { title: 'Back' }, cast.member.access)).status, 404);
    assert.equal((await server.http.delete(`/api/posts/${mine.id}`, cast.member.access)).status, 404);
    assert.equal((await server.http.get(`/api/posts/${mine.id}/comments`, cast.member.access)).status, 404);
    const list = await server.http.get(`/api/clubs/${cast.clubId}/posts?limit=100`, cast.member.access);
    assert.ok(!list.body.items.some((p: any) => p.id === mine.id));
    assert.equal((await server.http.get('/api/posts/abc', cast.member.access)).status, 404);
  });

  it('counts comments, lists them newest first and lets the author or a moderator remove them', async () => {
    const topic = await post(cast.clubId, cast.owner, 'Chapter 3');
    const texts = ['First!', 'The ending surprised me', 'Spoilers ahead'];
    const created = [];
    for (const [i, content] of texts.entries()) {
      const who = [cast.member, cast.notetaker, cast.member][i] as TestAccount;
      const res = await server.http.post(`/api/posts/${topic.id}/comments`, { content }, who.access);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      created.push(res.body);
    }
    const page1 = await server.http.get(`/api/posts/${topic.id}/comments?limit=2`, cast.member.access);
    const page2 = await server.http.get(`/api/posts/${topic.id}/comments?limit=2&cursor=${page1.body.next_cursor}`, cast.member.access);
    assert.deepEqual([...page1.body.items, ...page2.body.items].map((c: any) => c.content), [...texts].reverse());
    assert.equal(page2.body.next_cursor, null);
    assert.equal((await server.http.get(`/api/posts/${topic.id}`, cast.member.access)).body.comment_count, 3);

    assert.equal((await server.http.delete(`/api/comments/${created[1].id}`, cast.member.access)).status, 403);
    assert.equal((await server.http.delete(`/api/comments/${created[0].id}`, cast.member.access)).status, 204);
    assert.equal((await server.http.delete(`/api/comments/${created[1].id}`, cast.moderator.access)).status, 204);
    assert.equal((await server.http.delete(`/api/comments/${created[1].id}`, cast.moderator.access)).status, 404);
    const left = await server.http.get(`/api/posts/${topic.id}/comments`, cast.member.access);
    assert.deepEqual(left.body.items.map((c: any) => c.content), ['Spoilers ahead']);
    assert.equal((await server.http.get(`/api/posts/${topic.id}`, cast.member.access)).body.comment_count, 1);
  });

  it('takes one report per person and lets a moderator remove the reported post from the queue', async () => {
    const club = await clubWithCast(server.http);
    const spam = await post(club.clubId, club.member, 'Buy cheap watches');
    const first = await server.http.post('/api/reports', { post_id: spam.id, reason: 'spam', detail: 'Advert' }, club.notetaker.access);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.club_id, club.clubId);
    assert.deepEqual(first.body.target, { kind: 'post', id: spam.id, post_id: spam.id, excerpt: 'Buy cheap watches', removed: false });
    const again = await server.http.post('/api/reports', { post_id: spam.id, reason: 'abuse' }, club.notetaker.access);
    assert.equal(again.status, 409);
    assert.equal((await server.http.post('/api/reports', { post_id: spam.id, reason: 'spam' }, club.outsider.access)).status, 201);

    assert.equal((await server.http.get(`/api/clubs/${club.clubId}/reports`, club.member.access)).status, 403);
    const queue = await server.http.get(`/api/clubs/${club.clubId}/reports`, club.moderator.access);
    assert.equal(queue.status, 200);
    assert.equal(queue.body.items.length, 2);
    assert.deepEqual(queue.body.items.map((r: any) => r.reporter.id), [club.outsider.id, club.notetaker.id]);

    // A report id from another club is not found through this club.
    const otherClub = await clubWithCast(server.http);
    const elsewhere = await server.http.post(`/api/clubs/${otherClub.clubId}/reports/${first.body.id}/resolve`, { action: 'remove_content' }, otherClub.owner.access);
    assert.equal(elsewhere.status, 404);

    const resolved = await server.http.post(`/api/clubs/${club.clubId}/reports/${first.body.id}/resolve`, { action: 'remove_content' }, club.moderator.access);
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.status, 'resolved');
    assert.equal(resolved.body.resolution, 'removed_content');
    assert.equal(resolved.body.target.removed, true);
    assert.equal((await server.http.get(`/api/posts/${spam.id}`, club.member.access)).status, 404);
    // The other report on the same post is settled with it.
    assert.deepEqual((await server.http.get(`/api/clubs/${club.clubId}/reports`, club.moderator.access)).body.items, []);
    const done = await server.http.get(`/api/clubs/${club.clubId}/reports?status=resolved`, club.owner.access);
    assert.equal(done.body.items.length, 2);
    const twice = await server.http.post(`/api/clubs/${club.clubId}/reports/${first.body.id}/resolve`, { action: 'dismiss' }, club.moderator.access);
    assert.equal(twice.status, 409);
    // Reporting a deleted post finds nothing.
    assert.equal((await server.http.post('/api/reports', { post_id: spam.id, reason: 'spam' }, club.owner.access)).status, 404);
  });

  it('reports comments and people to the club, and community posts to no club', async () => {
    const club = await clubWithCast(server.http);
    const topic = await post(club.clubId, club.owner, 'Rules of the club');
    const rude = await server.http.post(`/api/posts/${topic.id}/comments`, { content: 'This club is rubbish' }, club.member.access);
    const onComment = await server.http.post('/api/reports', { comment_id: rude.body.id, reason: 'abuse' }, club.notetaker.access);
    assert.equal(onComment.status, 201);
    assert.equal(onComment.body.club_id, club.clubId);
    assert.equal(onComment.body.target.post_id, topic.id);
    const removed = await server.http.post(`/api/clubs/${club.clubId}/reports/${onComment.body.id}/resolve`, { action: 'remove_content' }, club.owner.access);
    assert.equal(removed.status, 200);
    assert.deepEqual((await server.http.get(`/api/posts/${topic.id}/comments`, club.owner.access)).body.items, []);

    const noClub = await server.http.post('/api/reports', { user_id: club.member.id, reason: 'abuse' }, club.notetaker.access);
    assert.deepEqual(pathsOf(noClub), ['club_id']);
    const self = await server.http.post('/api/reports', { user_id: club.notetaker.id, club_id: club.clubId, reason: 'other' }, club.notetaker.access);
    assert.deepEqual(pathsOf(self), ['user_id']);
    const person = await server.http.post('/api/reports', { user_id: club.member.id, club_id: club.clubId, reason: 'abuse', detail: 'Rude in every thread' }, club.notetaker.access);
    assert.equal(person.status, 201);
    assert.deepEqual(person.body.target, { kind: 'user', id: club.member.id, post_id: null, excerpt: club.member.username, removed: false });
    assert.equal((await server.http.post('/api/reports', { user_id: club.member.id, club_id: club.clubId, reason: 'spam' }, club.notetaker.access)).status, 409);
    const nothingToRemove = await server.http.post(`/api/clubs/${club.clubId}/reports/${person.body.id}/resolve`, { action: 'remove_content' }, club.owner.access);
    assert.deepEqual(pathsOf(nothingToRemove), ['action']);
    const dismissed = await server.http.post(`/api/clubs/${club.clubId}/reports/${person.body.id}/resolve`, { action: 'dismiss' }, club.owner.access);
    assert.equal(dismissed.body.resolution, 'dismissed');

    const community = await post(null, club.member, 'Selling my books');
    const onCommunity = await server.http.post('/api/reports', { post_id: community.id, reason: 'spam' }, club.notetaker.access);
    assert.equal(onCommunity.status, 201);
    assert.equal(onCommunity.body.club_id, null);
    const mine = await server.http.get('/api/reports/mine', club.notetaker.access);
    assert.deepEqual(mine.body.items.map((r: any) => r.id), [onCommunity.body.id, person.body.id, onComment.body.id]);
  });

  it('refuses reports naming no target, several targets, a bad reason or unknown fields', async () => {
    const none = await server.http.post('/api/reports', { reason: 'spam' }, cast.member.access);
    assert.equal(none.status, 400);
    assert.deepEqual(pathsOf(none), ['']);
    const two = await server.http.post('/api/reports', { post_id: 1, comment_id: 1, reason: 'spam' }, cast.member.access);
    assert.deepEqual(pathsOf(two), ['comment_id', 'post_id']);
    const bad = await server.http.post('/api/reports', { post_id: 1, reason: 'rude', detail: 'd'.repeat(1001), extra: 1 }, cast.member.access);
    assert.deepEqual(pathsOf(bad), ['detail', 'extra', 'reason']);
    assert.equal((await server.http.post('/api/reports', { post_id: 2 ** 30, reason: 'spam' }, cast.member.access)).status, 404);
    const badStatus = await server.http.get(`/api/clubs/${cast.clubId}/reports?status=closed`, cast.owner.access);
    assert.deepEqual(pathsOf(badStatus), ['status']);
  });

  it('keeps a private club\u2019s posts from being reported by outsiders', async () => {
    const secret = await createClub(server.http, cast.owner, { visibility: 'private' });
    const hidden = await post(secret.id, cast.owner, 'Private notes');
    assert.equal((await server.http.post('/api/reports', { post_id: hidden.id, reason: 'spam' }, cast.outsider.access)).status, 403);
    assert.equal((await server.http.post('/api/reports', { user_id: cast.owner.id, club_id: secret.id, reason: 'spam' }, cast.outsider.access)).status, 403);
  });

  it('describes its endpoints in the OpenAPI document', async () => {
    const doc = await server.http.get('/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.paths['/api/clubs/{clubId}/posts'].post['x-permission'], 'post.create');
    assert.equal(doc.body.paths['/api/clubs/{clubId}/reports'].get['x-permission'], 'report.review');
    assert.equal(doc.body.paths['/api/posts'].post.requestBody.content['application/json'].schema.properties.title.maxLength, 150);
    assert.ok(doc.body.paths['/api/meetings/{meetingId}'].get.responses['200'].content['application/json'].schema.properties.participants);
  });
});
