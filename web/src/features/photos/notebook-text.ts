// The club notebook's plain-text export (server/notes/export.ts, format txt) cut into blocks to
// show: paragraphs, and quotes (lines starting with "> ") with the source line after them.

export type NotebookBlock = { kind: 'paragraph'; text: string } | { kind: 'quote'; text: string; source: string | null };

/** A quote's source is the paragraph right after it that starts with a dash (as quotes are written). */
const SOURCE = /^— /;

export function notebookBlocks(exported: string): NotebookBlock[] {
  const pieces = exported
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  const blocks: NotebookBlock[] = [];
  for (const piece of pieces) {
    const lines = piece.split('\n');
    if (lines.every((line) => line === '>' || line.startsWith('> '))) {
      blocks.push({ kind: 'quote', text: lines.map((line) => line.slice(2)).join('\n'), source: null });
      continue;
    }
    const last = blocks.at(-1);
    if (last?.kind === 'quote' && last.source === null && lines.length === 1 && SOURCE.test(piece)) {
      last.source = piece.replace(SOURCE, '');
      continue;
    }
    blocks.push({ kind: 'paragraph', text: piece });
  }
  return blocks;
}

export type NotebookQuote = Extract<NotebookBlock, { kind: 'quote' }>;

/** What makes two quotes the same quote: the export carries no ids, so its words and its source. */
function quoteKey(quote: NotebookQuote): string {
  return JSON.stringify([quote.text, quote.source]);
}

/**
 * Which quotes of a newer load of the notebook were not in an earlier one, as indexes into
 * `after`. Counted by identity, not by number, so a quote deleted while another is sent still
 * shows the new one; a quote sent twice is new in its later copy. None on the first load.
 */
export function newQuotes(before: readonly NotebookQuote[] | null, after: readonly NotebookQuote[]): number[] {
  if (before === null) return [];
  const known = new Map<string, number>();
  for (const quote of before) known.set(quoteKey(quote), (known.get(quoteKey(quote)) ?? 0) + 1);
  const fresh: number[] = [];
  after.forEach((quote, index) => {
    const left = known.get(quoteKey(quote)) ?? 0;
    if (left > 0) known.set(quoteKey(quote), left - 1);
    else fresh.push(index);
  });
  return fresh;
}
