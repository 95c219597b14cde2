// A short window of a text around where the query matches best, for search results.
import { normalise, terms, words } from './ngrams.js';

const WINDOW = 160;

/**
 * The stretch of `text` (about WINDOW characters) holding the most query grams, cut at word
 * boundaries, with an ellipsis where it was cut. Normalising keeps string lengths for the
 * scripts we index (NFKC of Hangul syllables and Latin letters is length-preserving).
 */
export function snippet(text: string, query: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= WINDOW) return flat;
  const lower = normalise(flat);
  const grams = new Set([...terms(query), ...words(query)]);
  const hits: number[] = [];
  for (const gram of grams) {
    for (let at = lower.indexOf(gram); at !== -1 && hits.length < 2000; at = lower.indexOf(gram, at + 1)) hits.push(at);
  }
  if (hits.length === 0 || lower.length !== flat.length) return `${flat.slice(0, WINDOW).replace(/\s\S*$/, '')} …`;
  hits.sort((a, b) => a - b);
  // The window start that covers the most hits (two pointers over sorted positions).
  let best = hits[0]!;
  let bestCount = 0;
  for (let i = 0, j = 0; i < hits.length; i++) {
    while (hits[j]! < hits[i]! - WINDOW / 2) j++;
    if (i - j + 1 > bestCount) {
      bestCount = i - j + 1;
      best = hits[j]!;
    }
  }
  let start = Math.max(0, best - 20);
  let end = Math.min(flat.length, start + WINDOW);
  if (end === flat.length) start = Math.max(0, end - WINDOW);
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '… ' : ''}${flat.slice(start, end)}${end < flat.length ? ' …' : ''}`;
}
