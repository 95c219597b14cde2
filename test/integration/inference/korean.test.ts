// Korean OCR (tesseract.js with Debian's tesseract-ocr-kor) through the projects API, and
// the same model listed as unavailable, with its reason, where the language data is missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';
import { findTessdata } from '../../../server/inference/tesseract.js';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { upload } from '../../helpers/images.js';
import { startTestServer } from '../../helpers/server.js';

const KOREAN = ['오늘은 책 모임에서 소설의 첫 장을 읽었습니다.', '다음 주에는 둘째 장을 함께 이야기합니다.'];

function hasKoreanFont(): boolean {
  try {
    return /Nanum/.test(execFileSync('fc-list', [':lang=ko'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

async function koreanPage(): Promise<Buffer> {
  const text = await sharp({ text: { text: KOREAN.join('\n'), font: 'NanumGothic', width: 1000, dpi: 150, rgba: true, spacing: 14 } }).png().toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: text.info.width + 160, height: text.info.height + 200, channels: 3, background: '#ffffff' } })
    .composite([{ input: text.data, left: 80, top: 100 }])
    .png()
    .toBuffer();
}

describe('Korean OCR', function () {
  this.timeout(120_000);

  it('reads a Korean page exactly through a tesseract-kor project', async function () {
    const found = findTessdata('kor');
    if (found.dir === null || !hasKoreanFont()) {
      const why = found.dir === null ? found.reason : 'no Korean font (fonts-nanum) to render the page';
      if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') assert.fail(`Korean OCR must run in CI: ${why}`);
      console.log(`      [skipped: ${why}]`);
      this.skip();
    }
    const server = await startTestServer({ env: { MODELS: 'tesseract-kor' } });
    try {
      const user = await signUpAndLogin(server.http);
      const project = (await server.http.post('/api/projects', { name: '한국어', ai_model_id: 'tesseract-kor' }, user.access)).body;
      await upload(server.http, project.id, user.access, [{ name: '쪽-1.png', data: await koreanPage() }]);
      await server.http.post(`/api/projects/${project.id}/start`, undefined, user.access);
      const deadline = Date.now() + 60_000;
      let results = [];
      while (results.length === 0) {
        assert.ok(Date.now() < deadline, 'no result');
        await new Promise((r) => setTimeout(r, 200));
        results = (await server.http.get(`/api/projects/${project.id}/results`, user.access)).body;
      }
      assert.deepEqual(results[0].lines.map((l: { text: string }) => l.text), KOREAN);
    } finally {
      await server.close();
    }
  });

  it('is listed as unavailable, with the reason, where the language data is missing', async () => {
    const empty = fs.mkdtempSync(`${os.tmpdir()}/no-tessdata-`);
    const server = await startTestServer({ env: { MODELS: 'tesseract-kor', TESSDATA_DIR: empty } });
    try {
      const user = await signUpAndLogin(server.http);
      const [model] = (await server.http.get('/api/models', user.access)).body;
      assert.equal(model.id, 'tesseract-kor');
      assert.equal(model.available, false);
      assert.match(model.unavailable_reason, /kor\.traineddata not found .* tesseract-ocr-kor/);
      const ready = await server.http.get('/readyz');
      assert.equal(ready.status, 200, 'an unavailable model does not block readiness');
      assert.match(ready.body.checks.models.detail, /tesseract-kor=unavailable/);
    } finally {
      await server.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
