// The storage quota holds under parallel uploads, is given back by deletions, and is not
// touched by refused files. Real multipart requests against a real server (PGlite, or Postgres
// when DATABASE_URL is set).
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { inspectImage } from '../../../server/uploads/images.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { photo, pngBomb, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const MAX_PIXELS = 1_000_000;

/** What one stored upload of `data` costs: the re-encoded image plus its thumbnail. */
async function storedSize(data: Buffer): Promise<number> {
  const inspection = await inspectImage(data, { maxBytes: 1 << 24, maxPixels: MAX_PIXELS });
  assert.ok(inspection.ok);
  return inspection.image.data.length + inspection.image.thumbnail.length;
}

async function usedBytes(server: TestServer, account: TestAccount): Promise<number> {
  const files = await server.http.get('/api/me/files?limit=100', account.access);
  assert.equal(files.status, 200);
  assert.equal(files.body.next_cursor, null);
  return (files.body.items as Array<{ size: number }>).reduce((sum, f) => sum + f.size, 0);
}

describe('upload quota', function () {
  this.timeout(60_000);
  let server: TestServer;
  let image: Buffer;
  let cost: number;
  const FITTING = 3;

  before(async () => {
    image = await photo(120, 90);
    cost = await storedSize(image);
    server = await startTestServer({
      env: {
        MODELS: 'paddleocr-v4',
        MODELS_WARMUP: 'false',
        UPLOAD_MAX_PIXELS: String(MAX_PIXELS),
        // Room for three and a half images: the fourth must be refused.
        UPLOAD_QUOTA_BYTES: String(Math.floor(cost * (FITTING + 0.5))),
        UPLOAD_CONCURRENCY_PER_USER: '16',
      },
    });
  });
  after(() => server?.close());

  async function newProject(account: TestAccount): Promise<number> {
    const res = await server.http.post('/api/projects', { name: 'Scans', ai_model_id: 'paddleocr-v4' }, account.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  }

  it('is never exceeded by twelve parallel uploads, and deleting an image gives its bytes back', async () => {
    const reader = await signUpAndLogin(server.http);
    const projectId = await newProject(reader);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => upload(server.http, projectId, reader.access, [{ name: `page-${i}.png`, data: image }])));
    const stored = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 400);
    assert.equal(stored.length + refused.length, 12, JSON.stringify(results.map((r) => r.status)));
    for (const r of refused) assert.match(r.body.bad_images[0].reason, /quota/);
    const used = await usedBytes(server, reader);
    assert.ok(used <= server.config.uploads.quotaBytes, `stored ${used} bytes with a quota of ${server.config.uploads.quotaBytes}`);
    assert.equal(stored.length, FITTING, 'as many as fit were stored');

    // A deletion frees room for exactly one more.
    const first = stored[0]?.body.data[0];
    assert.equal((await server.http.request('DELETE', `/api/projects/${projectId}/images/${first.id}`, { token: reader.access })).status, 204);
    const again = await Promise.all([0, 1].map((i) => upload(server.http, projectId, reader.access, [{ name: `again-${i}.png`, data: image }])));
    assert.deepEqual(again.map((r) => r.status).sort(), [201, 400]);
    assert.ok((await usedBytes(server, reader)) <= server.config.uploads.quotaBytes);
  });

  it('is not used up by refused files', async () => {
    const reader = await signUpAndLogin(server.http);
    const projectId = await newProject(reader);
    const tooManyPixels = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#123' } }).png().toBuffer();
    const refused = await Promise.all([
      upload(server.http, projectId, reader.access, [{ name: 'bomb.png', data: pngBomb() }]),
      upload(server.http, projectId, reader.access, [{ name: 'notes.png', data: Buffer.from('not an image at all, only text') }]),
      upload(server.http, projectId, reader.access, [{ name: 'huge.png', data: tooManyPixels }]),
    ]);
    assert.deepEqual(refused.map((r) => r.status), [400, 400, 400]);
    for (const r of refused) assert.doesNotMatch(r.body.bad_images[0].reason, /quota/);
    // Positive control: the whole quota is still there.
    const fitting = await upload(server.http, projectId, reader.access, Array.from({ length: FITTING }, (_, i) => ({ name: `p${i}.png`, data: image })));
    assert.equal(fitting.status, 201, JSON.stringify(fitting.body));
    assert.equal(fitting.body.data.length, FITTING);
    assert.equal(fitting.body.bad_images.length, 0);
  });
});
