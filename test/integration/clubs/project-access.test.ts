// Who may see an image project shared with a club: one rule (projectVisibleTo in
// server/clubs/access.ts) answers for the project, its list, its images, its results and the
// files behind them, so every surface must agree for each person.
import assert from 'node:assert/strict';
import type { TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { photo, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Sight {
  project: number;
  listed: boolean;
  image: number;
  results: number;
  file: number;
  thumbnail: number;
}

const SEES: Sight = { project: 200, listed: true, image: 200, results: 200, file: 200, thumbnail: 200 };
const BLIND: Sight = { project: 404, listed: false, image: 404, results: 404, file: 404, thumbnail: 404 };

describe('who sees a club image project', () => {
  let server: TestServer;
  let cast: ClubCast;
  let projectId: number;
  let image: { id: number; image_url: string; thumbnail_url: string };

  async function sight(who: TestAccount): Promise<Sight> {
    const get = (path: string) => server.http.get(path, who.access);
    const raw = async (url: string) => (await fetch(server.url + url, { headers: { authorization: `Bearer ${who.access}` } })).status;
    const list = await get('/api/projects');
    assert.equal(list.status, 200);
    return {
      project: (await get(`/api/projects/${projectId}`)).status,
      listed: (list.body as Array<{ id: number }>).some((p) => p.id === projectId),
      image: (await get(`/api/projects/${projectId}/images/${image.id}`)).status,
      results: (await get(`/api/projects/${projectId}/results/${image.id}`)).status,
      file: await raw(image.image_url),
      thumbnail: await raw(image.thumbnail_url),
    };
  }

  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false' } });
    cast = await clubWithCast(server.http);
    // The project belongs to a plain member and is shared with the club.
    const created = await server.http.post('/api/projects', { name: 'Shared pages', ai_model_id: 'paddleocr-v4', club_id: cast.clubId }, cast.member.access);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    projectId = created.body.id;
    const uploaded = await upload(server.http, projectId, cast.member.access, [{ name: 'page.png', data: await photo(), type: 'image/png' }]);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    image = uploaded.body.data[0];
    await server.app.database.db
      .insertInto('image_results')
      .values({ image_id: image.id, job_id: null, model_id: 'paddleocr-v4', orientation: 0, lines: JSON.stringify([{ text: 'a line', confidence: 0.9, box: [] }]), text: 'a line', ms: 5 })
      .execute();
  });
  after(() => server.close());

  it("lets the project's owner see everything of it", async () => {
    assert.deepEqual(await sight(cast.member), SEES);
  });

  it('lets another club member see everything of it, in every role', async () => {
    for (const who of [cast.owner, cast.moderator, cast.notetaker]) assert.deepEqual(await sight(who), SEES);
  });

  it('shows nothing of it to an outsider or a guest', async () => {
    for (const who of [cast.outsider, cast.guest]) assert.deepEqual(await sight(who), BLIND);
  });

  it('shows nothing of it to a former member', async () => {
    assert.equal((await server.http.post(`/api/clubs/${cast.clubId}/leave`, {}, cast.moderator.access)).status, 204);
    assert.deepEqual(await sight(cast.moderator), BLIND);
    // Positive control: a member who stayed still sees it.
    assert.deepEqual(await sight(cast.notetaker), SEES);
  });

  it("shows it to nobody but its owner once the owner has left the club", async () => {
    assert.equal((await server.http.post(`/api/clubs/${cast.clubId}/leave`, {}, cast.member.access)).status, 204);
    for (const who of [cast.owner, cast.notetaker]) assert.deepEqual(await sight(who), BLIND);
    assert.deepEqual(await sight(cast.member), SEES);
  });
});
