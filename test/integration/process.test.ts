// The real entry point: configuration errors, readiness, and a clean SIGTERM.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from '../helpers/process.js';

// Long and random, so that no path in the output can contain it by chance.
const DB_PASSWORD = randomBytes(16).toString('hex');

describe('the server process', function () {
  this.timeout(60_000);

  for (const [name, value, expected] of [
    ['PORT', 'not-a-port', /PORT: must be a port number/],
    ['DATABASE_URL', `mysql://u:${DB_PASSWORD}@localhost/db`, /DATABASE_URL: must be a URL like postgres/],
  ] as const) {
    it(`stops with one clear message and no stack trace for a bad ${name}`, async () => {
      const proc = spawnServer({ [name]: value });
      assert.equal(await proc.exited, 1);
      const output = proc.output();
      assert.match(output, expected);
      assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
      assert.ok(!output.includes(DB_PASSWORD), 'the password is not shown');
    });
  }

  it('starts on the embedded defaults, is ready, and drains in-flight requests on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-proc-'));
    const proc = spawnServer({ DATA_DIR: dataDir, PORT: '0', SFU_WORKERS: '1', LOG_LEVEL: 'info', OCR_THREADS: '1' });
    try {
      const listening = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
      const base = listening.slice(7, -1);
      // Ready only once every model is warm; unavailable models are reported, not fatal.
      type Readyz = { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
      let ready: Readyz;
      const deadline = Date.now() + 45_000;
      for (;;) {
        const res = await fetch(`${base}/readyz`);
        ready = (await res.json()) as Readyz;
        if (res.status === 200) break;
        assert.equal(res.status, 503);
        assert.ok(Date.now() < deadline, `never ready: ${JSON.stringify(ready)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(ready.status, 'ready');
      assert.deepEqual(Object.keys(ready.checks).sort(), ['database', 'migrations', 'models', 'sfu']);
      assert.match(ready.checks.models?.detail ?? '', /paddleocr-v4=ready\(\d+ms\)/);
      assert.match(ready.checks.models?.detail ?? '', /tesseract-kor=(ready|unavailable)/);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);

      // A sign-up is in flight when SIGTERM arrives (half its body sent): it still completes.
      const body = JSON.stringify({ username: 'late', email: 'late@example.org', password: 'just-in-time-1' });
      const request = http.request(`${base}/auth/users`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      const response = new Promise<number>((resolve, reject) => {
        request.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        request.on('error', reject);
      });
      request.write(body.slice(0, 20));
      await new Promise((r) => setTimeout(r, 200));
      proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      request.end(body.slice(20));
      assert.equal(await response, 201);
      assert.equal(await proc.exited, 0);
      assert.match(proc.output(), /shutdown complete/);
      assert.equal(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777, 0o600);
    } finally {
      proc.child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
