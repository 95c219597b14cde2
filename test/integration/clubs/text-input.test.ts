// Text Postgres cannot store (NUL characters) is refused as a 400 naming the field, and the
// database errors input can still cause are answered as the client's fault, without SQL.
import assert from 'node:assert/strict';
import type { Request, Response } from 'express';
import { sql } from 'kysely';
import { errorHandler } from '../../../server/http/errors.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const NUL = 'a\u0000b';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string }> };
}

function pathsOf(res: HttpResponse): string[] {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  return ((res.body as ErrorBody).error.details ?? []).map((d) => d.path).sort();
}

/** What errorHandler answers for an error, through a stand-in response. */
function answerTo(err: unknown): { status: number; body: ErrorBody } {
  const answer = { status: 0, body: undefined as unknown as ErrorBody };
  const res = {
    locals: {},
    headersSent: false,
    set() {
      return res;
    },
    status(code: number) {
      answer.status = code;
      return res;
    },
    json(body: ErrorBody) {
      answer.body = body;
      return res;
    },
  };
  errorHandler(err, {} as Request, res as unknown as Response, () => {});
  return answer;
}

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the database to refuse this');
}

describe('text input the database cannot store', () => {
  let server: TestServer;
  let cast: ClubCast;
  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  after(() => server.close());

  it('refuses NUL characters in posts, comments and reports with the field path', async () => {
    assert.deepEqual(pathsOf(await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: NUL, content: NUL }, cast.member.access)), ['content', 'title']);
    const post = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: 'Fine' }, cast.member.access);
    assert.equal(post.status, 201);
    assert.deepEqual(pathsOf(await server.http.patch(`/api/posts/${post.body.id}`, { content: NUL }, cast.member.access)), ['content']);
    assert.deepEqual(pathsOf(await server.http.post(`/api/posts/${post.body.id}/comments`, { content: NUL }, cast.member.access)), ['content']);
    assert.deepEqual(pathsOf(await server.http.post('/api/reports', { post_id: post.body.id, reason: 'spam', detail: NUL }, cast.notetaker.access)), ['detail']);
  });

  it('refuses NUL characters in clubs, knocks, notices, rules and goals', async () => {
    const club = await server.http.post('/api/clubs', { kind: 'book', title: NUL, summary: NUL, keywords: ['fine', NUL] }, cast.outsider.access);
    assert.deepEqual(pathsOf(club), ['keywords.1', 'summary', 'title']);
    assert.deepEqual(pathsOf(await server.http.post(`/api/clubs/${cast.clubId}/knocks`, { message: NUL }, cast.outsider.access)), ['message']);
    assert.deepEqual(pathsOf(await server.http.post(`/api/clubs/${cast.clubId}/notices`, { title: 'T', body: NUL }, cast.moderator.access)), ['body']);
    assert.deepEqual(pathsOf(await server.http.post(`/api/clubs/${cast.clubId}/rules`, { text: NUL }, cast.moderator.access)), ['text']);
    const goal = { type: 'other', title: NUL, starts_on: '2030-01-01', ends_on: '2030-01-02' };
    assert.deepEqual(pathsOf(await server.http.post(`/api/clubs/${cast.clubId}/goals`, goal, cast.moderator.access)), ['title']);
  });

  it('refuses NUL characters in books, reading logs, meetings and search words', async () => {
    assert.deepEqual(pathsOf(await server.http.post('/api/books', { title: NUL, author: NUL, category: NUL }, cast.member.access)), ['author', 'category', 'title']);
    assert.deepEqual(pathsOf(await server.http.get('/api/books?q=a%00b', cast.member.access)), ['q']);
    const book = await server.http.post('/api/books', { title: 'Middlemarch', author: 'George Eliot' }, cast.member.access);
    assert.equal(book.status, 201);
    assert.deepEqual(pathsOf(await server.http.post('/api/me/reading-logs', { book_id: book.body.id, review: NUL }, cast.member.access)), ['review']);
    const meeting = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: NUL, description: NUL, chapters: NUL }, cast.moderator.access);
    assert.deepEqual(pathsOf(meeting), ['chapters', 'description', 'title']);
    assert.deepEqual(pathsOf(await server.http.get(`/api/clubs/${cast.clubId}/meetings?cursor=a%00b`, cast.member.access)), ['cursor']);
  });

  it('answers database errors caused by input as 4xx, naming no SQL or value', async () => {
    const db = server.app.database.db;
    const cases: Array<[string, () => Promise<unknown>, number, string]> = [
      ['NUL in text', () => sql`select ${'secret\u0000value'}::text`.execute(db), 400, 'validation_failed'],
      ['NUL in JSON', () => sql`select ${'"secret\\u0000value"'}::jsonb`.execute(db), 400, 'validation_failed'],
      ['number out of range', () => sql`select ${'99999999999'}::int`.execute(db), 400, 'validation_failed'],
      ['unique violation', () => db.insertInto('memberships').values({ club_id: cast.clubId, user_id: cast.owner.id, role: 'member', status: 'active' }).execute(), 409, 'conflict'],
      ['foreign key violation', () => db.insertInto('memberships').values({ club_id: 2_000_000_000, user_id: cast.outsider.id, role: 'member', status: 'active' }).execute(), 400, 'validation_failed'],
    ];
    for (const [label, run, status, code] of cases) {
      const answer = answerTo(await failureOf(run));
      assert.equal(answer.status, status, label);
      assert.equal(answer.body.error.code, code, label);
      assert.doesNotMatch(JSON.stringify(answer.body), /select|insert|memberships|secret|99999999999|2000000000/i, label);
    }
    assert.match(answerTo(await failureOf(cases[0]![1])).body.error.message, /NUL character/);
    // Not the client's fault: still a 500.
    assert.equal(answerTo(await failureOf(() => sql`select * from no_such_table`.execute(db))).status, 500);
  });
});
