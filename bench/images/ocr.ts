// bench/images (OCR part): milliseconds per page, warm, for our PaddleOCR pipeline and for
// @gutenye/ocr-node (the same PP-OCRv4 models, its own pipeline) on the same rendered pages,
// alternating page by page. Also reports how many lines each read exactly.
//
//   npx tsx bench/images/ocr.ts            # BENCH_RUNS=3 OCR_THREADS=2
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ocr from '@gutenye/ocr-node';
import { PaddleOcr } from '../../server/inference/ocr/paddle.js';
import { PRIDE_AND_PREJUDICE, renderPage } from '../../test/helpers/pages.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const threads = Number(process.env.OCR_THREADS ?? 2);

const PAGES: string[][] = [
  PRIDE_AND_PREJUDICE,
  [
    'Call me Ishmael. Some years ago, never mind how long',
    'precisely, having little or no money in my purse, and',
    'nothing particular to interest me on shore, I thought I',
    'would sail about a little and see the watery part of',
    'the world. It is a way I have of driving off the spleen,',
    'and regulating the circulation. Chapter 1, page 12.',
  ],
  [
    'Happy families are all alike; every unhappy family is',
    'unhappy in its own way. Everything was in confusion in',
    'the house of the Oblonskys. The wife had discovered that',
    'the husband was carrying on an intrigue with a French',
    'girl, who had been a governess in their family.',
  ],
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-ocr-bench-'));
const files = await Promise.all(
  PAGES.map(async (lines, i) => {
    const file = path.join(dir, `page-${i}.png`);
    fs.writeFileSync(file, await renderPage(lines));
    return { file, lines };
  }),
);

const ours = await PaddleOcr.load(undefined, { threads });
// The reference package ships no types: its detector is used through the one call we make.
const reference = (await Ocr.create()) as unknown as { detect(file: string): Promise<unknown> };

async function oursRead(file: string): Promise<string[]> {
  return (await ours.read(fs.readFileSync(file))).lines.map((l) => l.text);
}
async function referenceRead(file: string): Promise<string[]> {
  const lines = (await reference.detect(file)) as Array<{ text: string }>;
  return lines.map((l) => l.text.trim());
}

const engines = [
  { name: `roundtable PaddleOcr (det + direction cls + rec, ${threads} threads)`, read: oursRead },
  { name: '@gutenye/ocr-node (det + rec, onnxruntime default threads)', read: referenceRead },
];
for (const engine of engines) for (const { file } of files) await engine.read(file); // warm-up

const times = new Map<string, number[]>(engines.map((e) => [e.name, []]));
const exact = new Map<string, number>(engines.map((e) => [e.name, 0]));
const totalLines = files.reduce((n, f) => n + f.lines.length, 0);
for (let run = 0; run < runs; run += 1) {
  for (const { file, lines } of files) {
    for (const engine of engines) {
      const started = process.hrtime.bigint();
      const read = await engine.read(file);
      times.get(engine.name)?.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (run === 0) exact.set(engine.name, (exact.get(engine.name) ?? 0) + lines.filter((line, i) => read[i] === line).length);
    }
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
console.log(`${files.length} pages × ${runs} runs, node ${process.version}, ${os.cpus().length} cores`);
console.log('| engine | ms/page (median) | lines read exactly |');
console.log('|---|---|---|');
for (const engine of engines) {
  console.log(`| ${engine.name} | ${Math.round(median(times.get(engine.name) ?? []))} | ${exact.get(engine.name)}/${totalLines} |`);
}
const [a, b] = engines.map((e) => median(times.get(e.name) ?? []));
console.log(`ratio (ours / reference time per page): ${((a as number) / (b as number)).toFixed(2)}`);
await ours.close();
fs.rmSync(dir, { recursive: true, force: true });
