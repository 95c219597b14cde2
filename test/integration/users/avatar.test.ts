// Profile pictures over real multipart requests: what is kept (a square WebP without
// metadata), what is refused and with which code, and the versioned address that changes
// with the picture.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import type { HttpResponse } from '../../helpers/http.js';
import { photo, pngBomb, sidewaysJpegWithGps } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const MAX_BYTES = 200_000;
const MAX_PIXELS = 1_000_000;
const SIZE = 96;

describe('profile pictures', function () {
  this.timeout(60_000);
  let server: TestServer;
  let me: TestAccount;
  let stranger: TestAccount;

  const send = async (token: string, files: Array<{ name: string; data: Buffer; type: string }>): Promise<HttpResponse> => {
    const form = new FormData();
    for (const file of files) form.append('avatar', new Blob([file.data], { type: file.type }), file.name);
    const res = await fetch(`${server.http.baseUrl}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const fetchImage = async (url: string, token: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.http.baseUrl}${url}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
  };
  const avatarUrl = async (account: TestAccount): Promise<string | null> => (await server.http.get('/api/me', account.access)).body.avatar_url;

  before(async () => {
    server = await startTestServer({ env: { AVATAR_MAX_BYTES: String(MAX_BYTES), AVATAR_MAX_PIXELS: String(MAX_PIXELS), AVATAR_SIZE: String(SIZE) } });
    [me, stranger] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
  });
  after(() => server.close());

  it('keeps a PNG as a square WebP that anyone signed in may fetch, with a strong ETag and a versioned address', async () => {
    assert.equal(await avatarUrl(me), null);
    const res = await send(me.access, [{ name: 'me.png', data: await photo(300, 200), type: 'image/png' }]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const url: string = res.body.avatar_url;
    assert.match(url, new RegExp(`^/api/users/${me.id}/avatar\\?v=[0-9a-f]{16,64}$`));
    assert.equal(await avatarUrl(me), url);
    assert.equal((await server.http.get(`/api/users/${me.id}`, stranger.access)).body.avatar_url, url);

    const image = await fetchImage(url, stranger.access);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/webp');
    const meta = await sharp(image.data).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', SIZE, SIZE]);
    const etag = image.headers.get('etag') ?? '';
    assert.match(etag, /^"[0-9a-f]{64}"$/, 'a strong ETag');
    assert.match(image.headers.get('cache-control') ?? '', /immutable/);
    const again = await fetchImage(url, stranger.access, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    // An address without the version still answers, but may not be kept long.
    const bare = await fetchImage(`/api/users/${me.id}/avatar`, stranger.access);
    assert.equal(bare.status, 200);
    assert.match(bare.headers.get('cache-control') ?? '', /no-cache/);
  });

  it('refuses a text file named .png by its first bytes (415, not_an_image) and keeps the picture', async () => {
    const before = await avatarUrl(me);
    assert.ok(before, 'the previous test set a picture');
    const fake = Buffer.from(`not an image ${randomBytes(16).toString('hex')}\n`.repeat(20));
    const res = await send(me.access, [{ name: 'fake.png', data: fake, type: 'image/png' }]);
    assert.equal(res.status, 415, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'unsupported_media_type');
    assert.equal(res.body.error.details.reason, 'not_an_image');
    assert.equal(await avatarUrl(me), before);
  });

  it('refuses too many pixels, real or claimed by the header, and too many bytes (413 with the reason and the limit)', async () => {
    const before = await avatarUrl(me);
    const big = await send(me.access, [{ name: 'big.png', data: await photo(1100, 1000), type: 'image/png' }]);
    assert.equal(big.status, 413, JSON.stringify(big.body));
    assert.equal(big.body.error.code, 'payload_too_large');
    assert.deepEqual(big.body.error.details, { reason: 'too_many_pixels', max_pixels: MAX_PIXELS, width: 1100, height: 1000 });
    const bomb = await send(me.access, [{ name: 'bomb.png', data: pngBomb(), type: 'image/png' }]);
    assert.equal(bomb.status, 413, JSON.stringify(bomb.body));
    assert.equal(bomb.body.error.details.reason, 'too_many_pixels');
    const heavy = await send(me.access, [{ name: 'heavy.png', data: Buffer.concat([await photo(), randomBytes(MAX_BYTES)]), type: 'image/png' }]);
    assert.equal(heavy.status, 413, JSON.stringify(heavy.body));
    assert.deepEqual(heavy.body.error.details, { reason: 'too_many_bytes', max_bytes: MAX_BYTES });
    assert.equal(await avatarUrl(me), before);
  });

  it('refuses a request with no picture or two, and a corrupt one, as validation_failed', async () => {
    const none = await send(me.access, []);
    assert.equal(none.status, 400, JSON.stringify(none.body));
    const two = await send(me.access, [
      { name: 'a.png', data: await photo(), type: 'image/png' },
      { name: 'b.png', data: await photo(), type: 'image/png' },
    ]);
    assert.equal(two.status, 400, JSON.stringify(two.body));
    assert.equal(two.body.error.code, 'validation_failed');
    const good = await photo(200, 200);
    const cut = await send(me.access, [{ name: 'cut.png', data: good.subarray(0, Math.floor(good.length / 2)), type: 'image/png' }]);
    assert.equal(cut.status, 400, JSON.stringify(cut.body));
    assert.equal(cut.body.error.code, 'validation_failed');
  });

  it('replaces the picture: a new address, no EXIF or GPS kept, and the old file gone', async () => {
    const before = await avatarUrl(me);
    const trip = await sidewaysJpegWithGps();
    assert.ok((await sharp(trip).metadata()).exif, 'the upload carries EXIF');
    const res = await send(me.access, [{ name: 'trip.jpg', data: trip, type: 'image/jpeg' }]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const url: string = res.body.avatar_url;
    assert.notEqual(url, before);
    const image = await fetchImage(url, me.access);
    const meta = await sharp(image.data).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.exif, undefined, 'no EXIF block (GPS included)');
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.icc, undefined);
    assert.equal(meta.orientation, undefined);
    assert.ok(!image.data.includes(Buffer.from('GPS')), 'no GPS text in the bytes');
    // The previous picture's file is gone; one picture per person.
    const files = (await server.http.get('/api/me/files', me.access)).body.items as Array<{ id: string }>;
    assert.equal(files.length, 1, JSON.stringify(files));
    // The old address now names a version that is not current: answered, but not cached long.
    const old = await fetchImage(before ?? '', me.access);
    assert.equal(old.status, 200);
    assert.match(old.headers.get('cache-control') ?? '', /no-cache/);
  });

  it('keeps one picture and one file after parallel uploads, and its address serves it', async () => {
    const pictures = await Promise.all([photo(120, 90), photo(90, 120), photo(100, 100)]);
    const answers = await Promise.all(pictures.map((data, i) => send(me.access, [{ name: `p${i}.png`, data, type: 'image/png' }])));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200], JSON.stringify(answers.map((a) => a.body)));
    const files = (await server.http.get('/api/me/files', me.access)).body.items as Array<{ id: string }>;
    assert.equal(files.length, 1, JSON.stringify(files));
    const url = await avatarUrl(me);
    assert.ok(url);
    assert.equal((await fetchImage(url, stranger.access)).status, 200);
  });

  it('removes the picture: no address, the image answers 404, and removing again is fine', async () => {
    const before = await avatarUrl(me);
    assert.ok(before);
    const res = await server.http.delete('/api/me/avatar', me.access);
    assert.equal(res.status, 204);
    assert.equal(await avatarUrl(me), null);
    assert.equal((await server.http.get(`/api/users/${me.id}`, stranger.access)).body.avatar_url, null);
    const gone = await fetchImage(`/api/users/${me.id}/avatar`, stranger.access);
    assert.equal(gone.status, 404);
    assert.equal((await server.http.delete('/api/me/avatar', me.access)).status, 204);
    assert.deepEqual((await server.http.get('/api/me/files', me.access)).body.items, []);
  });

  it('answers 404 for someone without a picture and for a user who does not exist, and 401 without a token', async () => {
    assert.equal((await fetchImage(`/api/users/${stranger.id}/avatar`, me.access)).status, 404);
    assert.equal((await fetchImage('/api/users/2147483000/avatar', me.access)).status, 404);
    const anonymous = await fetch(`${server.http.baseUrl}/api/users/${me.id}/avatar`);
    assert.equal(anonymous.status, 401);
  });
});
