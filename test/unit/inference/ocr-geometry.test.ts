import assert from 'node:assert/strict';
import { connectedRegions, minAreaRect, readingOrder, rectCorners, regionCorners, unclip } from '../../../server/inference/ocr/geometry.js';
import { ctcDecode } from '../../../server/inference/ocr/recognize.js';
import { gapRuns, restoreSpaces } from '../../../server/inference/ocr/spacing.js';

const close = (a: number, b: number, tolerance: number) => assert.ok(Math.abs(a - b) <= tolerance, `${a} ≉ ${b}`);

describe('OCR geometry', () => {
  it('finds the 4-connected regions of a mask and drops specks', () => {
    const w = 8;
    const mask = Uint8Array.from([
      1, 1, 0, 0, 0, 0, 0, 1,
      1, 1, 0, 0, 1, 1, 0, 0,
      0, 0, 0, 0, 1, 1, 0, 0,
      0, 0, 0, 0, 1, 1, 0, 0,
    ]);
    const regions = connectedRegions(mask, w, 4, 2);
    assert.deepEqual(regions.map((r) => r.length).sort(), [4, 6]);
  });

  it('recovers a rotated rectangle from its pixels', () => {
    // A 60 × 12 bar turned by 10°.
    const angle = (10 * Math.PI) / 180;
    const [w, h] = [120, 80];
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const dx = x + 0.5 - 60;
        const dy = y + 0.5 - 40;
        const u = dx * Math.cos(angle) + dy * Math.sin(angle);
        const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
        if (Math.abs(u) <= 30 && Math.abs(v) <= 6) mask[y * w + x] = 1;
      }
    }
    const [region] = connectedRegions(mask, w, h);
    const rect = minAreaRect(regionCorners(region as number[], w));
    close(rect.width, 60, 2.5);
    close(rect.height, 12, 2.5);
    close((rect.angle * 180) / Math.PI, 10, 2);
    close(rect.center.x, 60, 1);
    close(rect.center.y, 40, 1);
  });

  it('grows a kernel by area × ratio / perimeter on each side', () => {
    const grown = unclip({ center: { x: 0, y: 0 }, width: 100, height: 10, angle: 0 }, 1.5);
    const d = (100 * 10 * 1.5) / 220;
    close(grown.width, 100 + 2 * d, 1e-9);
    close(grown.height, 10 + 2 * d, 1e-9);
  });

  it('orders boxes as lines are read: top to bottom, left to right within a line', () => {
    const at = (x: number, y: number, name: string) => ({ name, box: rectCorners({ center: { x, y }, width: 40, height: 10, angle: 0 }) });
    const ordered = readingOrder([at(200, 52, 'b'), at(60, 100, 'c'), at(60, 50, 'a')]);
    assert.deepEqual(ordered.map((o) => o.name), ['a', 'b', 'c']);
  });
});

describe('CTC decoding and word spaces', () => {
  it('merges repeats, drops blanks and keeps the emission steps', () => {
    const alphabet = ['', 'a', 'b', ' '];
    // steps: a a _ b _ b
    const best = [1, 1, 0, 2, 0, 2];
    const probabilities = new Float32Array(best.length * 4);
    best.forEach((k, t) => (probabilities[t * 4 + k] = 0.9));
    const reading = ctcDecode(probabilities, best.length, 4, 0, alphabet);
    assert.equal(reading.text, 'abb');
    assert.deepEqual(reading.steps, [0, 3, 5]);
    close(reading.confidence, 0.9, 1e-6);
  });

  it('puts a space where an ink-free run lies between two characters, not inside letter gaps', () => {
    // A 20 px high line: ink, a 2 px letter gap, ink, an 8 px word gap, ink.
    const columns = [...Array(10).fill(1), 0, 0, ...Array(10).fill(1), ...Array(8).fill(0), ...Array(10).fill(1)];
    const width = columns.length;
    const data = Buffer.alloc(width * 20 * 3, 250);
    columns.forEach((ink, x) => {
      if (ink) for (let y = 5; y < 15; y += 1) data.fill(10, (y * width + x) * 3, (y * width + x) * 3 + 3);
    });
    const line = { width, height: 20, data };
    assert.deepEqual(gapRuns(Uint8Array.from(columns.map((c) => 1 - c)), 4), [[22, 30]]);
    const xs = [5, 17, 35];
    assert.equal(restoreSpaces('abc', (i) => xs[i] as number, line), 'ab c');
    assert.equal(restoreSpaces('ab c', (i) => [5, 17, 26, 35][i] as number, line), 'ab c', 'an existing space is kept, not doubled');
    assert.equal(restoreSpaces('a12', (i) => xs[i] as number, line), 'a12', 'digits of one number stay together');
  });

  it('leaves text alone on a crop without contrast', () => {
    const line = { width: 40, height: 20, data: Buffer.alloc(40 * 20 * 3, 128) };
    assert.equal(restoreSpaces('abc', (i) => i * 15, line), 'abc');
  });
});

