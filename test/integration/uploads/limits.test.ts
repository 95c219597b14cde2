// Limits around uploads and projects, each checked and used in one step: uploads in progress
// per user, large files kept on disk rather than in memory, projects per user, images per
// project, one open job per project. Real parallel HTTP requests against a real server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { photo, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

/** A multipart upload whose body is sent in pieces, so a test can hold it open. */
function openUpload(server: TestServer, projectId: number, token: string, name: string, data: Buffer) {
  const boundary = `----rt${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = http.request(`${server.url}/api/projects/${projectId}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + data.length + tail.length },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  const cut = Math.floor(data.length / 2);
  const sent = new Promise<void>((resolve) => req.write(Buffer.concat([head, data.subarray(0, cut)]), () => resolve()));
  return {
    response,
    /** The first half of the body has left for the server. */
    sent,
    finish: () => req.end(Buffer.concat([data.subarray(cut), tail])),
    abort: () => req.destroy(),
  };
}

const until = <T>(probe: () => Promise<T | undefined>, what: string) => waitFor(probe, what, 15_000, 20);

/** A PNG of random pixels: it does not compress, so it is as large as asked. */
function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('upload and project limits', function () {
  this.timeout(60_000);
  let server: TestServer;
  const tempDir = () => path.join(server.dataDir, 'files', 'tmp');

  before(async () => {
    server = await startTestServer({
      env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false', UPLOAD_CONCURRENCY_PER_USER: '1', UPLOAD_MEMORY_BYTES: '4096', PROJECTS_PER_USER: '4', PROJECT_MAX_IMAGES: '2' },
    });
  });
  after(() => server?.close());

  async function newProject(account: TestAccount): Promise<number> {
    const res = await server.http.post('/api/projects', { name: 'Scans', ai_model_id: 'paddleocr-v4' }, account.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  }

  /**
   * Opens an upload of a file larger than UPLOAD_MEMORY_BYTES and holds its body half sent
   * until its temp file appears: by then the server is reading it, so it holds a slot.
   */
  async function holdSlot(projectId: number, account: TestAccount) {
    const before = new Set(await fs.promises.readdir(tempDir()));
    const held = openUpload(server, projectId, account.access, 'held.png', await noisePng(100, 100));
    await held.sent;
    await until(async () => ((await fs.promises.readdir(tempDir())).some((f) => f.startsWith('upload-') && !before.has(f)) ? true : undefined), 'the held upload to reach the server');
    return held;
  }

  it('bounds the uploads one user has in progress (429 too_many_uploads, Retry-After), and frees the slot when one ends or is abandoned', async () => {
    const reader = await signUpAndLogin(server.http);
    const other = await signUpAndLogin(server.http);
    const projectId = await newProject(reader);
    const image = await photo(80, 60);
    const held = await holdSlot(projectId, reader);
    const refused = await upload(server.http, projectId, reader.access, [{ name: 'second.png', data: image }]);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'too_many_uploads');
    assert.equal(refused.headers.get('retry-after'), '1');
    // Another user is not held up.
    const otherProject = await newProject(other);
    assert.equal((await upload(server.http, otherProject, other.access, [{ name: 'x.png', data: image }])).status, 201);
    held.finish();
    assert.equal((await held.response).status, 201);
    assert.equal((await upload(server.http, projectId, reader.access, [{ name: 'after.png', data: image }])).status, 201);

    // A client that disappears mid-body gives its slot back.
    const second = await newProject(reader);
    const abandoned = await holdSlot(second, reader);
    abandoned.response.catch(() => {});
    assert.equal((await upload(server.http, second, reader.access, [{ name: 'refused.png', data: image }])).status, 429);
    abandoned.abort();
    const later = await until(async () => {
      const res = await upload(server.http, second, reader.access, [{ name: 'later.png', data: image }]);
      return res.status === 429 ? undefined : res;
    }, 'the slot to come back');
    assert.equal(later.status, 201, JSON.stringify(later.body));
  });

  it('keeps a file larger than UPLOAD_MEMORY_BYTES in a temp file while it arrives, and removes it afterwards', async () => {
    const reader = await signUpAndLogin(server.http);
    const projectId = await newProject(reader);
    const image = await noisePng(100, 100);
    assert.ok(image.length > 4 * 4096);
    const held = openUpload(server, projectId, reader.access, 'noise.png', image);
    await held.sent;
    await until(async () => {
      const files = await fs.promises.readdir(tempDir());
      return files.some((f) => f.startsWith('upload-')) ? true : undefined;
    }, 'the upload to go to a temp file');
    held.finish();
    const res = await held.response;
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.data[0].width, res.body.data[0].height], [100, 100]);
    assert.deepEqual((await fs.promises.readdir(tempDir())).filter((f) => f.startsWith('upload-')), []);
  });

  it('lets no parallel burst past the projects per user or the images per project', async () => {
    const reader = await signUpAndLogin(server.http);
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => server.http.post('/api/projects', { name: `p${i}`, ai_model_id: 'paddleocr-v4' }, reader.access)));
    assert.deepEqual(created.map((r) => r.status).sort(), [201, 201, 201, 201, 409, 409, 409, 409, 409, 409]);
    const list = await server.http.get('/api/projects', reader.access);
    assert.equal(list.body.length, 4);

    // Only the owner adds images, and the images limit is checked under the same per-owner lock
    // as the quota (whose parallel test is in quota.test.ts); here: one request of three files,
    // then one more.
    const projectId = created.find((r) => r.status === 201)?.body.id as number;
    const images = await Promise.all([1, 2, 3].map((i) => photo(20 + i, 20)));
    const first = await upload(server.http, projectId, reader.access, images.map((data, i) => ({ name: `${i}.png`, data })));
    assert.equal(first.status, 201);
    assert.equal(first.body.data.length, 2);
    assert.match(first.body.bad_images[0].reason, /2 images/);
    const more = await upload(server.http, projectId, reader.access, [{ name: 'more.png', data: images[0] as Buffer }]);
    assert.equal(more.status, 400);
    assert.equal((await server.http.get(`/api/projects/${projectId}/images`, reader.access)).body.length, 2);
  });

  it('opens one job per project however many starts arrive at once', async () => {
    const reader = await signUpAndLogin(server.http);
    const projectId = await newProject(reader);
    const page = await photo(30, 20);
    assert.equal((await upload(server.http, projectId, reader.access, [{ name: 'a.png', data: page }])).status, 201);
    const starts = await Promise.all(Array.from({ length: 8 }, () => server.http.post(`/api/projects/${projectId}/start`, undefined, reader.access)));
    const statuses = starts.map((r) => r.status).sort();
    assert.deepEqual(statuses, [202, 409, 409, 409, 409, 409, 409, 409], JSON.stringify(starts.map((r) => r.body)));
  });
});
