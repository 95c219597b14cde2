// Club memory search, in memory: a club with 50 meetings of 200 utterances each (English and
// Korean mixed) plus 20 minutes paragraphs per meeting; the index is built per query, as the
// endpoint does, so the figure is build + query. Database and notes reads are not included.
// Run: npx tsx bench/intelligence/search.ts
import { performance } from 'node:perf_hooks';
import { Bm25Index } from '../../server/search/bm25.js';

const EN = ['winter', 'planet', 'politics', 'loyalty', 'journey', 'ice', 'chapter', 'narrator', 'kingdom', 'exile', 'friendship', 'trust', 'map', 'river', 'dream', 'silence'];
const KO = ['겨울', '행성', '정치', '충성', '여행', '얼음', '장', '화자', '왕국', '망명', '우정', '신뢰', '지도', '강', '꿈', '침묵'];
let seed = 7;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
const sentence = (i: number) => (i % 3 === 0 ? Array.from({ length: 10 }, () => `${KO[rand(KO.length)]}${['은', '이', '의', '를', ''][rand(5)]}`) : Array.from({ length: 14 }, () => EN[rand(EN.length)])).join(' ');
const texts: string[] = [];
for (let m = 0; m < 50; m++) for (let u = 0; u < 220; u++) texts.push(sentence(u));
const queries = ['loyalty and trust', 'winter journey', '겨울 여행', '침묵의 의미', 'map of the kingdom'];
const times: number[] = [];
for (let round = 0; round < 20; round++) {
  for (const q of queries) {
    const t0 = performance.now();
    const index = new Bm25Index<number>();
    texts.forEach((t, i) => index.add(i, t));
    index.search(q, 20);
    times.push(performance.now() - t0);
  }
}
times.sort((a, b) => a - b);
const pick = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
const built = new Bm25Index<number>();
texts.forEach((t, i) => built.add(i, t));
const q0 = performance.now();
for (let i = 0; i < 100; i++) built.search(queries[i % queries.length]!, 20);
console.log(`${texts.length} texts: build+query p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms; query on a built index ${((performance.now() - q0) / 100).toFixed(2)} ms`);
