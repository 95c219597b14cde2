// Identical uploads share one blob on disk. Deleting an image while someone else uploads the
// same bytes must never leave a file row whose blob is gone: real parallel HTTP requests
// against a real server (PGlite, or Postgres when DATABASE_URL is set).
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { photo, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const ROUNDS = 25;

describe('shared blobs', function () {
  this.timeout(180_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false', UPLOAD_CONCURRENCY_PER_USER: '16' } });
  });
  after(() => server?.close());

  async function newProject(account: TestAccount): Promise<number> {
    const res = await server.http.post('/api/projects', { name: 'Scans', ai_model_id: 'paddleocr-v4' }, account.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  }

  async function download(url: string, token: string): Promise<{ status: number; size: number }> {
    const res = await fetch(server.url + url, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, size: (await res.arrayBuffer()).byteLength };
  }

  it('keeps every stored file downloadable when an image is deleted while its twin is uploaded', async () => {
    const [deleter, uploader] = [await signUpAndLogin(server.http), await signUpAndLogin(server.http)];
    const [deleterProject, uploaderProject] = [await newProject(deleter), await newProject(uploader)];
    for (let round = 0; round < ROUNDS; round++) {
      // A new picture each round, so its blob is referenced by the deleter's rows alone.
      const bytes = await photo(40 + round, 30 + round);
      const first = await upload(server.http, deleterProject, deleter.access, [{ name: `page-${round}.png`, data: bytes }]);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const [deleted, twin] = await Promise.all([
        server.http.request('DELETE', `/api/projects/${deleterProject}/images/${first.body.data[0].id}`, { token: deleter.access }),
        upload(server.http, uploaderProject, uploader.access, [{ name: `twin-${round}.png`, data: bytes }]),
      ]);
      assert.equal(deleted.status, 204);
      assert.equal(twin.status, 201, JSON.stringify(twin.body));
    }
    const files = await server.http.get('/api/me/files?limit=100', uploader.access);
    assert.equal(files.status, 200);
    const items = files.body.items as Array<{ url: string; size: number; name: string }>;
    assert.equal(items.length, ROUNDS * 2, 'an image and its thumbnail per round');
    const broken: string[] = [];
    for (const item of items) {
      const got = await download(item.url, uploader.access);
      if (got.status !== 200 || got.size !== item.size) broken.push(`${item.name}: ${got.status}, ${got.size} of ${item.size} bytes`);
    }
    assert.deepEqual(broken, []);
  });
});
