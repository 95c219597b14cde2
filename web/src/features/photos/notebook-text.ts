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

/** How many quotes a newer load of the notebook has beyond an earlier count (none on the first load). */
export function quotesAdded(before: number | null, after: number): number {
  return before === null ? 0 : Math.max(0, after - before);
}
