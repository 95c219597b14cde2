// Image projects through the REST API with a real server: uploads, OCR jobs, results, files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { photo, pngBomb, sidewaysJpegWithGps, upload } from '../helpers/images.js';
import { PRIDE_AND_PREJUDICE, renderPage, requireFont } from '../helpers/pages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function waitForStatus(server: TestServer, token: string, projectId: number, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const project = (await server.http.get(`/api/projects/${projectId}`, token)).body;
    if (project.status === status) return project;
    if (project.status === 'FAILED' && status !== 'FAILED') throw new Error(`project failed: ${JSON.stringify(project)}`);
    if (Date.now() > deadline) throw new Error(`project still ${project.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function processedImageIds(server: TestServer): number[] {
  return server.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'image processed').map((l) => l.imageId as number);
}

describe('image projects', function () {
  this.timeout(120_000);
  let server: TestServer;
  let owner: TestAccount;

  before(async function () {
    requireFont(this, 'DejaVu Serif', 'fonts-dejavu-core');
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', UPLOAD_MAX_PIXELS: '40000000' } });
    owner = await signUpAndLogin(server.http);
  });
  after(() => server?.close());

  async function newProject(name = 'Chapter 1 photos', token = owner.access) {
    const res = await server.http.post('/api/projects', { name, ai_model_id: 'paddleocr-v4' }, token);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  it('lists the models, with their availability', async () => {
    const listed = (await server.http.get('/api/models', owner.access)).body;
    // Image models are the ones a project may use; the engines of other tasks are listed beside them.
    const models = listed.filter((m: { task: string }) => m.task === 'ocr');
    assert.deepEqual(models.map((m: { id: string }) => m.id), ['paddleocr-v4']);
    assert.equal(typeof models[0].name, 'string');
    assert.equal(typeof models[0].description, 'string');
  });

  it('creates a project in the seed shape and refuses unknown models and bad fields', async () => {
    const project = await newProject();
    for (const key of ['id', 'name', 'description', 'ai_model_id', 'owner_id', 'owner_username', 'status', 'images_nr', 'images', 'created_at', 'updated_at']) assert.ok(key in project, key);
    assert.equal(project.status, 'PENDING');
    assert.equal(project.owner_username, owner.username);
    assert.equal(project.images_nr, 0);
    const unknown = await server.http.post('/api/projects', { name: 'x', ai_model_id: 'gpt-99' }, owner.access);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.details[0].path, 'ai_model_id');
    const bad = await server.http.post('/api/projects', { name: '', ai_model_id: 'paddleocr-v4', extra: 1 }, owner.access);
    assert.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['extra', 'name']);
  });

  it('reads uploaded book pages through a job: exact text, and a page upside down detected', async () => {
    const project = await newProject();
    const up = await upload(server.http, project.id, owner.access, [
      { name: 'page-3.png', data: await renderPage(PRIDE_AND_PREJUDICE) },
      { name: 'page-3-upside-down.png', data: await renderPage(PRIDE_AND_PREJUDICE, { rotate: 180 }) },
    ]);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.error, false);
    assert.equal(up.body.data.length, 2);
    const [image] = up.body.data;
    for (const key of ['id', 'project_id', 'name', 'old_name', 'type', 'has_result', 'image_url', 'thumbnail_url', 'width', 'height', 'created_at', 'updated_at']) assert.ok(key in image, key);
    assert.equal(image.old_name, 'page-3.png');
    assert.equal(image.name, `${image.id}.png`);
    assert.equal(image.has_result, false);

    const started = await server.http.post(`/api/projects/${project.id}/start`, undefined, owner.access);
    assert.equal(started.status, 202);
    assert.equal(started.body.total, 2);
    const again = await server.http.post(`/api/projects/${project.id}/start`, undefined, owner.access);
    assert.equal(again.status, 409, 'one job at a time');
    const done = await waitForStatus(server, owner.access, project.id, 'COMPLETED');
    assert.ok(done.images.every((i: { has_result: boolean }) => i.has_result));

    const results = (await server.http.get(`/api/projects/${project.id}/results/`, owner.access)).body;
    assert.equal(results.length, 2);
    assert.deepEqual(results[0].lines.map((l: { text: string }) => l.text), PRIDE_AND_PREJUDICE);
    assert.equal(results[0].orientation, 0);
    assert.equal(results[1].orientation, 180);
    assert.equal(results[1].text, PRIDE_AND_PREJUDICE.join('\n'));
    assert.ok(results[0].lines[0].confidence > 0.8 && results[0].lines[0].box.length === 4);
    const one = await server.http.get(`/api/projects/${project.id}/results/${image.id}`, owner.access);
    assert.equal(one.body.image_id, image.id);
    assert.ok(one.body.thumbnail_url.startsWith('/api/files/'));
  });

  it('stores the good files of an upload and lists every bad one with its reason', async () => {
    const project = await newProject('mixed upload');
    const truncated = (await photo(300, 300)).subarray(0, 200);
    const before = (await server.http.get('/api/me/files', owner.access)).body.items.length;
    const started = Date.now();
    const res = await upload(server.http, project.id, owner.access, [
      { name: 'good.png', data: await photo() },
      { name: 'empty.png', data: Buffer.alloc(0) },
      { name: 'truncated.png', data: truncated },
      { name: 'bomb.png', data: pngBomb() },
      { name: 'cover.jpg', data: Buffer.from('#!/bin/sh\necho pwned\n') },
      { name: '../../etc/passwd.png', data: await photo() },
    ]);
    assert.ok(Date.now() - started < 5000, 'the bomb is refused without decoding it');
    assert.equal(res.status, 201);
    assert.equal(res.body.error, true);
    assert.deepEqual(res.body.data.map((i: { old_name: string }) => i.old_name), ['good.png']);
    const reasons = Object.fromEntries(res.body.bad_images.map((b: { name: string; reason: string }) => [b.name, b.reason]));
    assert.match(reasons['empty.png'], /empty/);
    assert.match(reasons['truncated.png'], /corrupt|truncated/);
    assert.match(reasons['bomb.png'], /60000×60000 pixels, more than the limit/);
    assert.match(reasons['cover.jpg'], /not a JPEG, PNG or WebP image/);
    assert.match(reasons['../../etc/passwd.png'], /must not contain a path/);
    // One image and its thumbnail were stored, nothing else.
    assert.equal((await server.http.get('/api/me/files', owner.access)).body.items.length, before + 2);
    assert.equal(fs.readdirSync(path.join(server.dataDir, 'files', 'tmp')).length, 0);
  });

  it('applies EXIF orientation and strips metadata (GPS included) from stored images', async () => {
    const project = await newProject('exif');
    const res = await upload(server.http, project.id, owner.access, [{ name: 'phone.jpg', data: await sidewaysJpegWithGps() }]);
    const [image] = res.body.data;
    assert.deepEqual([image.width, image.height, image.type], [20, 40, 'image/jpeg']);
    const stored = await fetch(server.url + image.image_url, { headers: { authorization: `Bearer ${owner.access}` } });
    assert.equal(stored.headers.get('content-type'), 'image/jpeg');
    const meta = await sharp(Buffer.from(await stored.arrayBuffer())).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.orientation, undefined);
    assert.deepEqual([meta.width, meta.height], [20, 40]);
  });

  it('serves files with range requests, lists them, and keeps them private', async () => {
    const project = await newProject('files');
    const res = await upload(server.http, project.id, owner.access, [{ name: 'range.png', data: await photo(200, 100) }]);
    const [image] = res.body.data;
    const auth = { authorization: `Bearer ${owner.access}` };
    const full = Buffer.from(await (await fetch(server.url + image.image_url, { headers: auth })).arrayBuffer());
    const part = await fetch(server.url + image.image_url, { headers: { ...auth, range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), full.subarray(0, 10));
    assert.match(part.headers.get('content-range') ?? '', /^bytes 0-9\/\d+$/);

    const files = (await server.http.get('/api/me/files', owner.access)).body.items;
    const listed = files.find((f: { url: string }) => f.url === image.image_url);
    assert.equal(listed.name, 'range.png');
    assert.equal(listed.thumbnail_url, image.thumbnail_url);
    assert.ok(files.some((f: { kind: string }) => f.kind === 'thumbnail'));

    const stranger = await signUpAndLogin(server.http);
    assert.equal((await server.http.get(`/api/projects/${project.id}`, stranger.access)).status, 404);
    assert.equal((await server.http.get(`/api/projects/${project.id}/results/`, stranger.access)).status, 404);
    assert.equal((await upload(server.http, project.id, stranger.access, [{ name: 'x.png', data: await photo() }])).status, 404);
    assert.equal((await fetch(server.url + image.image_url, { headers: { authorization: `Bearer ${stranger.access}` } })).status, 404);
    assert.equal((await server.http.get('/api/projects', stranger.access)).body.length, 0);
    assert.equal((await fetch(server.url + image.image_url)).status, 401);
  });

  it('start_rest processes only the images without a result', async () => {
    const project = await newProject('rest');
    const first = await upload(server.http, project.id, owner.access, [{ name: 'a.png', data: await renderPage(['First page of the book.']) }]);
    await server.http.post(`/api/projects/${project.id}/start`, undefined, owner.access);
    await waitForStatus(server, owner.access, project.id, 'COMPLETED');
    const second = await upload(server.http, project.id, owner.access, [{ name: 'b.png', data: await renderPage(['Second page of the book.']) }]);
    const before = processedImageIds(server).length;
    const res = await server.http.post(`/api/projects/${project.id}/start_rest`, undefined, owner.access);
    assert.equal(res.body.total, 1);
    await waitForStatus(server, owner.access, project.id, 'COMPLETED');
    assert.deepEqual(processedImageIds(server).slice(before), [second.body.data[0].id]);
    const results = (await server.http.get(`/api/projects/${project.id}/results`, owner.access)).body;
    assert.deepEqual(results.map((r: { text: string }) => r.text), ['First page of the book.', 'Second page of the book.']);
    assert.equal(results[0].image_id, first.body.data[0].id);
  });

  it('deletes images and projects, and their files', async () => {
    const project = await newProject('to delete');
    const res = await upload(server.http, project.id, owner.access, [{ name: 'a.png', data: await photo(30, 30) }, { name: 'b.png', data: await photo(31, 31) }]);
    const [a, b] = res.body.data;
    assert.equal((await server.http.request('DELETE', `/api/projects/${project.id}/images/${a.id}`, { token: owner.access })).status, 204);
    assert.equal((await server.http.get(`/api/projects/${project.id}`, owner.access)).body.images_nr, 1);
    assert.equal((await fetch(server.url + a.image_url, { headers: { authorization: `Bearer ${owner.access}` } })).status, 404);
    assert.equal((await server.http.request('DELETE', `/api/projects/${project.id}`, { token: owner.access })).status, 204);
    assert.equal((await server.http.get(`/api/projects/${project.id}`, owner.access)).status, 404);
    assert.equal((await fetch(server.url + b.thumbnail_url, { headers: { authorization: `Bearer ${owner.access}` } })).status, 404);
  });
});

describe('image jobs across a restart', function () {
  this.timeout(180_000);
  before(function () {
    requireFont(this, 'DejaVu Serif', 'fonts-dejavu-core');
  });

  it('finishes a job interrupted by a restart without reading any image twice', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-jobs-'));
    const env = { MODELS: 'paddleocr-v4', JWT_SECRET: 'restart-secret-long-enough-0123456789', REDIS_URL: '' };
    const first = await startTestServer({ dataDir, persistentPglite: true, env });
    const user = await signUpAndLogin(first.http);
    const project = (await first.http.post('/api/projects', { name: 'restart', ai_model_id: 'paddleocr-v4' }, user.access)).body;
    const pages = await Promise.all([1, 2, 3, 4].map((n) => renderPage([`This is page number ${n} of the novel.`])));
    await upload(first.http, project.id, user.access, pages.map((data, i) => ({ name: `p${i + 1}.png`, data })));
    await first.http.post(`/api/projects/${project.id}/start`, undefined, user.access);
    const deadline = Date.now() + 60_000;
    while (processedImageIds(first).length < 1) {
      assert.ok(Date.now() < deadline, 'first image never processed');
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.close(); // graceful: the image in hand finishes, the job goes back to the queue
    const doneBefore = processedImageIds(first);
    assert.ok(doneBefore.length >= 1 && doneBefore.length < 4, `restart happened mid-job (${doneBefore.length} done)`);

    const second = await startTestServer({ dataDir, persistentPglite: true, env });
    try {
      const finished = await waitForStatus(second, user.access, project.id, 'COMPLETED');
      const all = [...doneBefore, ...processedImageIds(second)].sort((a, b) => a - b);
      assert.deepEqual(all, finished.images.map((i: { id: number }) => i.id), 'every image read exactly once');
      const results = (await second.http.get(`/api/projects/${project.id}/results`, user.access)).body;
      assert.deepEqual(results.map((r: { text: string }) => r.text), [1, 2, 3, 4].map((n) => `This is page number ${n} of the novel.`));
    } finally {
      await second.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
