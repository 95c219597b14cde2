// bench/images (upload part): images accepted per second through our full upload check
// (magic bytes, header pixel check, decode, upright re-encode without metadata, thumbnail)
// against plain sharp making the same thumbnail; and the time to refuse a decompression bomb
// against sharp's own refusal (its default 268 MP input limit) — alternating, medians.
//
//   npx tsx bench/images/uploads.ts       # BENCH_RUNS=5 BENCH_IMAGES=40
import sharp from 'sharp';
import { inspectImage } from '../../server/uploads/images.js';
import { pngBomb } from '../../test/helpers/images.js';
import { renderPage } from '../../test/helpers/pages.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const count = Number(process.env.BENCH_IMAGES ?? 40);
const limits = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 };

// A 2400×1600 photo-like JPEG (a phone picture of a page, scaled down).
const page = await renderPage(['It is a truth universally acknowledged, that a single', 'man in possession of a good fortune, must be in want.']);
const photo = await sharp(page).resize(2400, 1600, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer();
const bomb = pngBomb(60_000, 60_000);

async function time(fn: () => Promise<unknown>, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const plainThumbnail = () => sharp(photo).resize(320, 320, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
const ours = async () => {
  const result = await inspectImage(photo, limits);
  if (!result.ok) throw new Error(result.reason);
};
const oursBomb = async () => {
  const result = await inspectImage(bomb, limits);
  if (result.ok) throw new Error('bomb accepted');
};
const sharpBomb = async () => {
  try {
    await sharp(bomb).resize(320).toBuffer();
    throw new Error('bomb decoded');
  } catch (err) {
    if ((err as Error).message === 'bomb decoded') throw err;
  }
};

await ours();
await plainThumbnail();
const rates = { ours: [] as number[], plain: [] as number[], oursBomb: [] as number[], sharpBomb: [] as number[] };
for (let run = 0; run < runs; run += 1) {
  rates.ours.push((count * 1000) / (await time(ours, count)));
  rates.plain.push((count * 1000) / (await time(plainThumbnail, count)));
  rates.oursBomb.push((await time(oursBomb, 200)) / 200);
  rates.sharpBomb.push((await time(sharpBomb, 200)) / 200);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
console.log(`${runs} runs, ${count} images of 2400×1600 JPEG (${photo.length} bytes) per run, node ${process.version}`);
console.log('| measure | roundtable | plain sharp | ratio |');
console.log('|---|---|---|---|');
const [o, p] = [median(rates.ours), median(rates.plain)];
console.log(`| images/s (full upload check + thumbnail vs thumbnail only) | ${o.toFixed(1)} | ${p.toFixed(1)} | ${(o / p).toFixed(2)} |`);
const [ob, sb] = [median(rates.oursBomb), median(rates.sharpBomb)];
console.log(`| ms to refuse a 60000×60000 PNG bomb (${bomb.length} bytes) | ${ob.toFixed(3)} | ${sb.toFixed(3)} | ${(ob / sb).toFixed(2)} |`);
