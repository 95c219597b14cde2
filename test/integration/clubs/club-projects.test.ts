// An image project shared with a club: members see it, its images and results; others do not,
// and only its owner changes it.
import assert from 'node:assert/strict';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { photo, upload } from '../../helpers/images.js';
import { openProvider } from '../../helpers/notes.js';
import { readBlocks } from '../../../shared/notes-schema.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('club image projects', () => {
  let server: TestServer;
  let cast: ClubCast;
  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false' } });
    cast = await clubWithCast(server.http);
  });
  after(() => server.close());

  it('shows a club project to members only, and lets only its owner change it', async () => {
    const created = await server.http.post('/api/projects', { name: 'Chapter 9 pages', ai_model_id: 'paddleocr-v4', club_id: cast.clubId }, cast.member.access);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.club_id, cast.clubId);
    const projectId = created.body.id as number;
    const uploaded = await upload(server.http, projectId, cast.member.access, [{ name: 'page.png', data: await photo(), type: 'image/png' }]);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const image = uploaded.body.data[0];

    // Another member sees the project in their list, its images and the image bytes.
    const seen = await server.http.get(`/api/projects/${projectId}`, cast.notetaker.access);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.images_nr, 1);
    assert.ok((await server.http.get('/api/projects', cast.notetaker.access)).body.some((p: { id: number }) => p.id === projectId));
    for (const url of [image.image_url, image.thumbnail_url]) {
      const file = await fetch(server.url + url, { headers: { authorization: `Bearer ${cast.notetaker.access}` } });
      assert.equal(file.status, 200, url);
    }
    assert.equal((await server.http.get(`/api/projects/${projectId}/results`, cast.notetaker.access)).status, 200);

    // Only the owner changes it.
    assert.equal((await server.http.patch(`/api/projects/${projectId}`, { name: 'Mine' }, cast.owner.access)).status, 404);
    assert.equal((await server.http.delete(`/api/projects/${projectId}/images/${image.id}`, cast.owner.access)).status, 404);
    assert.equal((await upload(server.http, projectId, cast.owner.access, [{ name: 'p.png', data: await photo(), type: 'image/png' }])).status, 404);

    // Guests and outsiders see nothing, not even the files.
    for (const who of [cast.guest, cast.outsider]) {
      assert.equal((await server.http.get(`/api/projects/${projectId}`, who.access)).status, 404);
      assert.equal((await fetch(server.url + image.image_url, { headers: { authorization: `Bearer ${who.access}` } })).status, 404);
    }

    // Someone removed from the club loses sight of it at once.
    assert.equal((await server.http.delete(`/api/clubs/${cast.clubId}/members/${cast.notetaker.id}`, cast.owner.access)).status, 204);
    assert.equal((await server.http.get(`/api/projects/${projectId}`, cast.notetaker.access)).status, 404);
  });

  it('refuses to share a project with a club you are not in', async () => {
    const stranger = await signUpAndLogin(server.http);
    const res = await server.http.post('/api/projects', { name: 'x', ai_model_id: 'paddleocr-v4', club_id: cast.clubId }, stranger.access);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['club_id']);
  });

  it('drops chosen OCR lines into the club notebook as a quote with book and page', async () => {
    const fresh = await clubWithCast(server.http);
    const project = (await server.http.post('/api/projects', { name: 'Pages', ai_model_id: 'paddleocr-v4', club_id: fresh.clubId }, fresh.member.access)).body;
    const image = (await upload(server.http, project.id, fresh.member.access, [{ name: 'p.png', data: await photo(), type: 'image/png' }])).body.data[0];
    // A stored OCR result, as a finished job leaves it.
    const lines = ['It is a truth universally acknowledged,', 'that a single man in possession', 'of a good fortune, must be in want of a wife.'];
    await server.app.database.db
      .insertInto('image_results')
      .values({ image_id: image.id, job_id: null, model_id: 'paddleocr-v4', orientation: 0, lines: JSON.stringify(lines.map((text) => ({ text, confidence: 0.99, box: [] }))), text: lines.join('\n'), ms: 10 })
      .execute();
    const book = (await server.http.post('/api/books', { title: 'Pride and Prejudice', author: 'Jane Austen' }, fresh.owner.access)).body;
    const doc = `club.${fresh.clubId}`;
    const url = `/api/projects/${project.id}/results/${image.id}/quote`;

    // Members read the notebook but may not write into it; bad line numbers are named.
    assert.equal((await server.http.post(url, { doc, lines: [0] }, fresh.member.access)).status, 403);
    const bad = await server.http.post(url, { doc, lines: [0, 7] }, fresh.notetaker.access);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path), ['lines.1']);

    const quoted = await server.http.post(url, { doc, lines: [0, 1, 2], book_id: book.id, page: '1' }, fresh.notetaker.access);
    assert.equal(quoted.status, 201, JSON.stringify(quoted.body));
    assert.equal(quoted.body.source, 'Pride and Prejudice, p. 1');

    const reader = await openProvider(server, fresh.owner, doc);
    try {
      const blocks = readBlocks(reader.doc);
      const quote = blocks.find((b) => b.type === 'blockquote');
      assert.ok(quote, JSON.stringify(blocks));
      assert.match(JSON.stringify(quote), /truth universally acknowledged/);
      assert.match(JSON.stringify(blocks.at(-1)), /Pride and Prejudice, p\. 1/);
    } finally {
      reader.close();
    }
  });

  it("names a quote without a book by its project, not by the photo's stored file name", async () => {
    const fresh = await clubWithCast(server.http);
    const name = `Emma, chapter ${Math.random().toString(36).slice(2, 8)}`;
    const project = (await server.http.post('/api/projects', { name, ai_model_id: 'paddleocr-v4' }, fresh.notetaker.access)).body;
    const image = (await upload(server.http, project.id, fresh.notetaker.access, [{ name: 'p.png', data: await photo(), type: 'image/png' }])).body.data[0];
    const lines = ['Emma Woodhouse, handsome, clever, and rich,'];
    await server.app.database.db
      .insertInto('image_results')
      .values({ image_id: image.id, job_id: null, model_id: 'paddleocr-v4', orientation: 0, lines: JSON.stringify(lines.map((text) => ({ text, confidence: 0.99, box: [] }))), text: lines.join('\n'), ms: 10 })
      .execute();
    const quoted = await server.http.post(`/api/projects/${project.id}/results/${image.id}/quote`, { doc: `club.${fresh.clubId}`, lines: [0], page: '2' }, fresh.notetaker.access);
    assert.equal(quoted.status, 201, JSON.stringify(quoted.body));
    assert.equal(quoted.body.source, `${name}, p. 2`);
  });
});
