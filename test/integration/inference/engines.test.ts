// Every inference engine of every task is listed with its state, and the reason when it cannot
// run here, on GET /api/models and /readyz.
import assert from 'node:assert/strict';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('inference engines, per task', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1', ASR_ENGINE: 'none' } });
  });
  after(() => server?.close());

  it('lists voice activity, speech recognition, summaries and embeddings with their state and reasons', async () => {
    const account = await signUpAndLogin(server.http);
    const res = await server.http.get('/api/models', account.access);
    assert.equal(res.status, 200);
    const byId = new Map((res.body as Array<{ id: string; task: string; state: string; available: boolean; unavailable_reason?: string }>).map((m) => [m.id, m]));
    assert.deepEqual([...new Set([...byId.values()].map((m) => m.task))].sort(), ['asr', 'embed', 'summary', 'vad']);
    assert.equal(byId.get('silero-vad-v5')?.state, 'ready');
    assert.equal(byId.get('asr-none')?.available, true);
    assert.match(byId.get('pocketsphinx')?.unavailable_reason ?? '', /not selected|not installed|missing/);
    assert.match(byId.get('whisper')?.unavailable_reason ?? '', /ASR_MODEL_DIR/);
    assert.equal(byId.get('extractive-summary')?.state, 'ready');
    assert.match(byId.get('sentence-embedding')?.unavailable_reason ?? '', /EMBED_MODEL_DIR/);

    const ready = await fetch(`${server.url}/readyz`);
    const text = await ready.text();
    assert.match(text, /asr:whisper=unavailable/);
    assert.match(text, /vad:silero-vad-v5=ready/);
  });

  it('refuses to start when whisper is asked for without a model, saying what to set', async () => {
    await assert.rejects(startTestServer({ env: { SFU_WORKERS: '1', ASR_ENGINE: 'whisper' } }), /ASR_ENGINE=whisper needs ASR_MODEL_DIR/);
  });
});
