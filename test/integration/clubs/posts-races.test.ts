// Posts under concurrent writes: moderators resolving reports on the same content at once, and
// comments arriving while their post is deleted. The races show on Postgres (DATABASE_URL);
// PGlite runs one statement at a time, where the same assertions must hold too.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function statusesOf(responses: HttpResponse[]): number[] {
  return responses.map((r) => r.status).sort();
}

describe('posts under concurrent writes', function () {
  this.timeout(120_000);
  let server: TestServer;
  let cast: ClubCast;
  let reporters: TestAccount[];
  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
    // A public club: anyone signed in may report its posts.
    reporters = await Promise.all(Array.from({ length: 4 }, () => signUpAndLogin(server.http)));
  });
  after(() => server.close());

  const newPost = async (title: string): Promise<number> => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title }, cast.member.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };

  const reportAll = async (target: { post_id: number } | { comment_id: number }): Promise<number[]> => {
    const ids: number[] = [];
    for (const who of reporters) {
      const res = await server.http.post('/api/reports', { ...target, reason: 'spam' }, who.access);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id as number);
    }
    return ids;
  };

  const resolveAll = (ids: number[], action: 'remove_content' | 'dismiss', moderators: TestAccount[] = [cast.moderator, cast.owner]) =>
    Promise.all(ids.map((id, i) => server.http.post(`/api/clubs/${cast.clubId}/reports/${id}/resolve`, { action }, (moderators[i % moderators.length] as TestAccount).access)));

  it('removes a post once when its reports are resolved at the same time; the others answer 409', async () => {
    for (let round = 0; round < 8; round++) {
      const reports = await reportAll({ post_id: await newPost(`Spam ${round}`) });
      const answers = await resolveAll(reports, 'remove_content');
      assert.deepEqual(statusesOf(answers), [200, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
      for (const answer of answers.filter((a) => a.status === 409)) assert.equal((answer.body as { error: { code: string } }).error.code, 'conflict');
    }
    assert.deepEqual((await server.http.get(`/api/clubs/${cast.clubId}/reports`, cast.moderator.access)).body.items, []);
  });

  it('removes a comment once when its reports are resolved at the same time', async () => {
    const postId = await newPost('Discussion');
    for (let round = 0; round < 8; round++) {
      const comment = await server.http.post(`/api/posts/${postId}/comments`, { content: `Buy now ${round}` }, cast.member.access);
      assert.equal(comment.status, 201);
      const answers = await resolveAll(await reportAll({ comment_id: comment.body.id as number }), 'remove_content');
      assert.deepEqual(statusesOf(answers), [200, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
    }
  });

  it('settles dismissals and a removal on the same post without a deadlock', async () => {
    for (let round = 0; round < 8; round++) {
      const [first, ...rest] = await reportAll({ post_id: await newPost(`Mixed ${round}`) });
      const answers = await Promise.all([
        ...rest.map((id) => server.http.post(`/api/clubs/${cast.clubId}/reports/${id}/resolve`, { action: 'dismiss' }, cast.owner.access)),
        server.http.post(`/api/clubs/${cast.clubId}/reports/${first}/resolve`, { action: 'remove_content' }, cast.moderator.access),
      ]);
      // A dismissal that comes after the removal finds its report settled already.
      for (const answer of answers) assert.ok([200, 409].includes(answer.status), `${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answers.at(-1)?.status, 200);
    }
  });

  it('answers 201 or 404, never 500, to comments racing their post’s deletion', async () => {
    for (let round = 0; round < 20; round++) {
      const postId = await newPost(`Short-lived ${round}`);
      const [comment, removal] = await Promise.all([
        server.http.post(`/api/posts/${postId}/comments`, { content: 'Quick reply' }, cast.notetaker.access),
        server.http.delete(`/api/posts/${postId}`, cast.member.access),
      ]);
      assert.equal(removal.status, 204);
      assert.ok([201, 404].includes(comment.status), `${comment.status} ${JSON.stringify(comment.body)}`);
      if (comment.status === 201) assert.equal(comment.body.post_id, postId);
    }
  });
});
