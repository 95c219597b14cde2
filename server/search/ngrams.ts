// Text to search terms: character 2- and 3-grams inside each word, after NFKC and lower-casing.
// Korean glues particles and endings onto words (회의에서, 결정했습니다); without a morphological
// analyser, n-grams of syllables still match the stem (회의, 결정) wherever it appears. The same
// grams make English forms meet (decide / decided / decision share "dec", "eci", "cid").
// Grams never cross a word boundary, so word order across spaces adds no noise.

const WORD = /[\p{L}\p{N}]+/gu;

export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function words(text: string): string[] {
  return normalise(text).match(WORD) ?? [];
}

/** The terms of a text, with repeats (term frequency counts them). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const chars = [...word];
    if (chars.length === 1) {
      out.push(word);
      continue;
    }
    for (let i = 0; i + 2 <= chars.length; i++) out.push(chars.slice(i, i + 2).join(''));
    for (let i = 0; i + 3 <= chars.length; i++) out.push(chars.slice(i, i + 3).join(''));
  }
  return out;
}

export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** Cosine similarity of two texts' n-gram counts, 0 to 1. */
export function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, count] of a) {
    na += count * count;
    const other = b.get(term);
    if (other) dot += count * other;
  }
  for (const count of b.values()) nb += count * count;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Hangul syllables or jamo anywhere in the text. */
export const hasHangul = (text: string): boolean => /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/u.test(text);
export const hasLatin = (text: string): boolean => /[a-z]/i.test(text);
