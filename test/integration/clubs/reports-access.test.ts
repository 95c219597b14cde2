// Who may report whom to a club, and what a reporter's list shows once they lose access.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Report {
  id: number;
  target: { kind: string; id: number; excerpt: string; removed: boolean };
}

describe('report access', () => {
  let server: TestServer;
  let cast: ClubCast;
  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  after(() => server.close());

  const reportPerson = (who: TestAccount, user: TestAccount, clubId = cast.clubId) =>
    server.http.post('/api/reports', { user_id: user.id, club_id: clubId, reason: 'abuse' }, who.access);

  it('takes reports on people only from those tied to a public club, and only about people tied to it', async () => {
    const stranger = await signUpAndLogin(server.http);
    // Reading a public club is not enough to report its people.
    const fromOutsider = await reportPerson(cast.outsider, cast.member);
    assert.equal(fromOutsider.status, 403, JSON.stringify(fromOutsider.body));
    assert.equal(fromOutsider.body.error.code, 'forbidden');
    // Someone with no tie to the club is not reported to it.
    const aboutStranger = await reportPerson(cast.member, stranger);
    assert.equal(aboutStranger.status, 404, JSON.stringify(aboutStranger.body));
    assert.equal((await reportPerson(cast.member, { ...stranger, id: 2_000_000_000 })).status, 404);
    // A guest may report a member, and a member someone who only knocked.
    assert.equal((await reportPerson(cast.guest, cast.member)).status, 201);
    assert.equal((await reportPerson(cast.member, cast.guest)).status, 201);
  });

  it('counts a past member, or someone who wrote in the club, as tied to it', async () => {
    const club = await clubWithCast(server.http);
    assert.equal((await server.http.post(`/api/clubs/${club.clubId}/leave`, undefined, club.notetaker.access)).status, 204);
    assert.equal((await reportPerson(club.member, club.notetaker, club.clubId)).status, 201);
    // A commenter on a public club's post is tied to it through the comment alone.
    const post = await server.http.post(`/api/clubs/${club.clubId}/posts`, { title: 'Open thread' }, club.member.access);
    const outsiderTie = await signUpAndLogin(server.http);
    assert.equal((await reportPerson(club.member, outsiderTie, club.clubId)).status, 404);
    await server.app.database.db.insertInto('post_comments').values({ post_id: post.body.id, author_id: outsiderTie.id, content: 'Drive-by', created_at: new Date() }).execute();
    assert.equal((await reportPerson(club.member, outsiderTie, club.clubId)).status, 201);
  });

  it('keeps the excerpt the reporter saw, not later edits of content they can no longer read', async () => {
    const secret = await clubWithCast(server.http, { visibility: 'private' });
    const post = await server.http.post(`/api/clubs/${secret.clubId}/posts`, { title: 'Meet at the library' }, secret.owner.access);
    const comment = await server.http.post(`/api/posts/${post.body.id}/comments`, { content: 'See you there' }, secret.owner.access);
    const onPost = await server.http.post('/api/reports', { post_id: post.body.id, reason: 'other' }, secret.member.access);
    const onComment = await server.http.post('/api/reports', { comment_id: comment.body.id, reason: 'other' }, secret.member.access);
    assert.equal(onPost.status, 201);
    assert.equal(onComment.status, 201);
    assert.equal(onPost.body.target.excerpt, 'Meet at the library');
    assert.equal(onComment.body.target.excerpt, 'See you there');

    assert.equal((await server.http.post(`/api/clubs/${secret.clubId}/leave`, undefined, secret.member.access)).status, 204);
    const edited = await server.http.patch(`/api/posts/${post.body.id}`, { title: 'New meeting place: the back room' }, secret.owner.access);
    assert.equal(edited.status, 200);

    const mine = await server.http.get('/api/reports/mine', secret.member.access);
    assert.equal(mine.status, 200);
    const excerpts = new Map((mine.body.items as Report[]).map((r) => [r.id, r.target.excerpt]));
    assert.equal(excerpts.get(onPost.body.id), 'Meet at the library');
    assert.equal(excerpts.get(onComment.body.id), 'See you there');
    assert.equal(JSON.stringify(mine.body).includes('back room'), false);
  });

  it('keeps at most 200 characters of a comment, cut between characters', async () => {
    const post = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: 'Long replies' }, cast.member.access);
    const long = `${'x'.repeat(199)}😀${'y'.repeat(50)}`;
    const comment = await server.http.post(`/api/posts/${post.body.id}/comments`, { content: long }, cast.member.access);
    const report = await server.http.post('/api/reports', { comment_id: comment.body.id, reason: 'spam' }, cast.notetaker.access);
    assert.equal(report.status, 201, JSON.stringify(report.body));
    assert.equal(report.body.target.excerpt, `${'x'.repeat(199)}😀`);
  });
});
