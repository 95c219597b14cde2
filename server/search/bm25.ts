// Okapi BM25 over character n-grams (see ./ngrams.ts). Built in memory from a club's texts;
// postings per term, so a query touches only the documents that share a gram with it.
import { normalise, termCounts, words } from './ngrams.js';

const K1 = 1.2;
const B = 0.75;
/**
 * A hit must contain the first 60% (at least two characters) of some query word: grams match
 * by accident across words ("Gethen" and "Genly … the story" share five of nine), and such a
 * hit is noise. A prefix is a cheap stem: 영혜의 keeps 영혜 (영혜가), decided keeps decid (decision).
 */
const STEM_SHARE = 0.6;

function stems(query: string): string[] {
  return words(query).map((w) => {
    const chars = [...w];
    return chars.slice(0, Math.max(Math.min(2, chars.length), Math.ceil(chars.length * STEM_SHARE))).join('');
  });
}

export interface Scored<T> {
  doc: T;
  score: number;
}

export class Bm25Index<T> {
  private readonly docs: T[] = [];
  private readonly lengths: number[] = [];
  /** Normalised texts, for the stem check. */
  private readonly texts: string[] = [];
  private readonly postings = new Map<string, Array<[number, number]>>();
  private totalLength = 0;

  add(doc: T, text: string): void {
    const index = this.docs.length;
    const counts = termCounts(text);
    let length = 0;
    for (const [term, count] of counts) {
      length += count;
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = []));
      list.push([index, count]);
    }
    this.docs.push(doc);
    this.texts.push(normalise(text));
    this.lengths.push(length);
    this.totalLength += length;
  }

  get size(): number {
    return this.docs.length;
  }

  /** The best `limit` documents for the query, best first; documents sharing no term are left out. */
  search(query: string, limit: number, accept: (doc: T) => boolean = () => true): Array<Scored<T>> {
    const n = this.docs.length;
    if (n === 0) return [];
    const avg = this.totalLength / n;
    const scores = new Map<number, number>();
    const queryStems = stems(query);
    for (const term of termCounts(query).keys()) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const [index, tf] of list) {
        const norm = tf + K1 * (1 - B + (B * this.lengths[index]!) / avg);
        scores.set(index, (scores.get(index) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    const ranked: Array<Scored<T>> = [];
    for (const [index, score] of scores) {
      const text = this.texts[index]!;
      if (!queryStems.some((stem) => text.includes(stem))) continue;
      const doc = this.docs[index]!;
      if (accept(doc)) ranked.push({ doc, score });
    }
    ranked.sort((a, b) => b.score - a.score);
    return ranked.slice(0, limit);
  }
}
