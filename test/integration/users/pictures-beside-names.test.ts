// A person's picture travels with them: every payload that shows a member, a chat author
// (history, the live message, the sender's ack, an edit), a post or comment author or a knocker
// carries the same versioned avatar_url as their profile, and null for someone without one; and
// their nickname where the page shows a name (posts, comments, knocks), null without one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { photo } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { nextEvent, ok, OpenSockets } from '../../helpers/sockets.js';
import type { ChatMessage } from '../../../shared/protocol/signaling.js';

interface Person {
  id: number;
  avatar_url: string | null;
}

describe('pictures beside names', function () {
  this.timeout(60_000);
  let server: TestServer;
  let owner: TestAccount;
  let pictured: TestAccount;
  let plain: TestAccount;
  let clubId: number;
  let pictureUrl: string;
  const nickname = `Moonlit reader ${randomBytes(6).toString('hex')}`;
  const open = new OpenSockets(() => server.url);
  const marker = () => randomBytes(16).toString('hex');

  /** The avatar_url of `account` among `people` (fails when they are not there). */
  const urlOf = (people: Person[], account: TestAccount): string | null => {
    const person = people.find((p) => p.id === account.id);
    assert.ok(person, `user ${account.id} is listed: ${JSON.stringify(people)}`);
    return person.avatar_url;
  };

  async function upload(account: TestAccount): Promise<string> {
    const form = new FormData();
    form.append('avatar', new Blob([await photo(120, 120)], { type: 'image/png' }), 'me.png');
    const res = await fetch(`${server.http.baseUrl}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${account.access}` }, body: form });
    const body = (await res.json()) as { avatar_url: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.avatar_url;
  }

  before(async () => {
    server = await startTestServer();
    [owner, pictured, plain] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    pictureUrl = await upload(pictured);
    assert.equal((await server.http.patch('/api/me', { nickname }, pictured.access)).status, 200);
    assert.match(pictureUrl, new RegExp(`^/api/users/${pictured.id}/avatar\\?v=[0-9a-f]{16}$`));
    clubId = (await createClub(server.http, owner)).id;
    await admit(server.http, clubId, owner, pictured);
    await admit(server.http, clubId, owner, plain);
  });
  afterEach(() => open.closeAll());
  after(() => server.close());

  it('the members list (and a role change) carries each member’s picture', async () => {
    const res = await server.http.get(`/api/clubs/${clubId}/members`, plain.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const people = res.body.items.map((m: { user: Person }) => m.user);
    assert.equal(urlOf(people, pictured), pictureUrl);
    assert.equal(urlOf(people, plain), null);
    assert.equal(urlOf(people, owner), null);
    const changed = await server.http.patch(`/api/clubs/${clubId}/members/${pictured.id}`, { role: 'notetaker' }, owner.access);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.user.avatar_url, pictureUrl);
  });

  it('chat: the live message, the ack, a resend, an edit and the history carry the author’s picture', async () => {
    const [ownerSocket, picturedSocket, plainSocket] = await Promise.all([open.connect(owner), open.connect(pictured), open.connect(plain)]);
    const body = `pictured says ${marker()}`;
    const heard = nextEvent(ownerSocket, 'chat:message', (m) => m.body === body, 10_000);
    const clientId = `c-${marker()}`;
    const sent = await ok(picturedSocket, 'chat:send', { club_id: clubId, client_id: clientId, body });
    assert.equal(sent.message.author_avatar_url, pictureUrl);
    assert.equal((await heard).author_avatar_url, pictureUrl);
    const again = await ok(picturedSocket, 'chat:send', { club_id: clubId, client_id: clientId, body });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, sent.message);

    const plainBody = `plain says ${marker()}`;
    const plainHeard = nextEvent(ownerSocket, 'chat:message', (m) => m.body === plainBody, 10_000);
    const plainSent = await ok(plainSocket, 'chat:send', { club_id: clubId, client_id: `c-${marker()}`, body: plainBody });
    assert.equal(plainSent.message.author_avatar_url, null);
    assert.equal((await plainHeard).author_avatar_url, null);

    const edited = await ok(picturedSocket, 'chat:edit', { club_id: clubId, message_id: sent.message.id, body: `${body} (edited)` });
    assert.equal(edited.message.author_avatar_url, pictureUrl);

    const history = await server.http.get(`/api/clubs/${clubId}/messages?limit=10`, owner.access);
    assert.equal(history.status, 200, JSON.stringify(history.body));
    const byId = new Map((history.body.items as ChatMessage[]).map((m) => [m.id, m]));
    assert.equal(byId.get(sent.message.id)?.author_avatar_url, pictureUrl);
    assert.equal(byId.get(plainSent.message.id)?.author_avatar_url, null);
  });

  it('posts and comments carry their author’s picture, when written and when listed', async () => {
    const post = await server.http.post(`/api/clubs/${clubId}/posts`, { title: `Chapter notes ${marker()}`, content: 'What the ending meant' }, pictured.access);
    assert.equal(post.status, 201, JSON.stringify(post.body));
    assert.equal(post.body.author.avatar_url, pictureUrl);
    assert.equal(post.body.author.nickname, nickname);
    const plainPost = await server.http.post(`/api/clubs/${clubId}/posts`, { title: `Other notes ${marker()}`, content: 'A quieter reading' }, plain.access);
    assert.equal(plainPost.body.author.avatar_url, null);
    assert.equal(plainPost.body.author.nickname, null);
    const posts = await server.http.get(`/api/clubs/${clubId}/posts`, owner.access);
    const authors = posts.body.items.map((p: { id: number; author: Person }) => ({ ...p.author, id: p.id }));
    assert.equal(authors.find((a: Person) => a.id === post.body.id)?.avatar_url, pictureUrl);
    assert.equal(posts.body.items.find((p: { id: number }) => p.id === post.body.id)?.author.nickname, nickname);
    assert.equal(authors.find((a: Person) => a.id === plainPost.body.id)?.avatar_url, null);

    const comment = await server.http.post(`/api/posts/${plainPost.body.id}/comments`, { content: `I agree ${marker()}` }, pictured.access);
    assert.equal(comment.status, 201, JSON.stringify(comment.body));
    assert.equal(comment.body.author.avatar_url, pictureUrl);
    assert.equal(comment.body.author.nickname, nickname);
    const plainComment = await server.http.post(`/api/posts/${plainPost.body.id}/comments`, { content: `Thanks ${marker()}` }, plain.access);
    assert.equal(plainComment.body.author.avatar_url, null);
    const comments = await server.http.get(`/api/posts/${plainPost.body.id}/comments`, owner.access);
    const commenters = comments.body.items.map((c: { author: Person }) => c.author);
    assert.equal(urlOf(commenters, pictured), pictureUrl);
    assert.equal(comments.body.items.find((c: { author: Person }) => c.author.id === pictured.id)?.author.nickname, nickname);
    assert.equal(urlOf(commenters, plain), null);
  });

  it('a knock carries the knocker’s picture: its answer, the waiting list and the owner’s live event', async () => {
    const [knocker, plainKnocker] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const knockerUrl = await upload(knocker);
    const knockerName = `Knocking reader ${marker()}`;
    assert.equal((await server.http.patch('/api/me', { nickname: knockerName }, knocker.access)).status, 200);
    const ownerSocket = await open.connect(owner);
    await ok(ownerSocket, 'club:watch', { club_id: clubId });
    const live = nextEvent(ownerSocket, 'membership:requested', (e) => e.knock.user.id === knocker.id, 10_000);
    const knock = await server.http.post(`/api/clubs/${clubId}/knocks`, { message: `Let me in ${marker()}` }, knocker.access);
    assert.equal(knock.status, 201, JSON.stringify(knock.body));
    assert.equal(knock.body.user.avatar_url, knockerUrl);
    const heard = await live;
    assert.equal(heard.knock.user.avatar_url, knockerUrl);
    assert.deepEqual([knock.body.user.nickname, heard.knock.user.nickname], [knockerName, knockerName]);
    const plainKnock = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, plainKnocker.access);
    assert.equal(plainKnock.body.user.avatar_url, null);

    const waiting = await server.http.get(`/api/clubs/${clubId}/knocks`, owner.access);
    assert.equal(waiting.status, 200, JSON.stringify(waiting.body));
    const knockers = waiting.body.items.map((k: { user: Person }) => k.user);
    assert.equal(urlOf(knockers, knocker), knockerUrl);
    assert.equal(urlOf(knockers, plainKnocker), null);
    assert.deepEqual(
      waiting.body.items.map((k: { user: { id: number; nickname: string | null } }) => [k.user.id, k.user.nickname]).filter(([id]: [number]) => id === knocker.id || id === plainKnocker.id).sort(),
      [[knocker.id, knockerName], [plainKnocker.id, null]].sort(),
    );
  });
});
