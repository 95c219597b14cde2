// The Notebook tab reads the club notebook through its plain-text export: quotes (as the quote
// endpoint writes them: a blockquote, then the source in italics) come back as quotes with their
// source, everything else as paragraphs, in document order.
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { exportNotes } from '../../../server/notes/export.js';
import { appendBlocks, text, type Block } from '../../../shared/notes-schema.js';
import { notebookBlocks } from '../../../web/src/features/photos/notebook-text.js';

function quote(lines: string[], source: string): Block[] {
  const content = lines.flatMap((line, i) => (i === 0 ? [text(line)] : [{ break: true as const }, text(line)]));
  return [{ type: 'blockquote', content: [{ type: 'paragraph', content }] }, { type: 'paragraph', content: [text(`— ${source}`, { em: true })] }];
}

describe('notebook text for the Notebook tab', () => {
  it('finds the quotes with their sources among the paragraphs, in order', () => {
    const doc = new Y.Doc();
    appendBlocks(doc, [
      { type: 'paragraph', content: [text('Agenda for Thursday')] },
      { type: 'paragraph', content: [text('— a dash that is not a source')] },
      ...quote(['It is a truth universally acknowledged,', 'that a single man'], 'Pride and Prejudice, p. 3'),
      { type: 'paragraph', content: [text('We argued about this line.')] },
      ...quote(['Emma Woodhouse, handsome, clever, and rich'], 'Emma, chapter 1'),
    ]);
    assert.deepEqual(notebookBlocks(exportNotes(doc, 'txt', () => '')), [
      { kind: 'paragraph', text: 'Agenda for Thursday' },
      { kind: 'paragraph', text: '— a dash that is not a source' },
      { kind: 'quote', text: 'It is a truth universally acknowledged,\nthat a single man', source: 'Pride and Prejudice, p. 3' },
      { kind: 'paragraph', text: 'We argued about this line.' },
      { kind: 'quote', text: 'Emma Woodhouse, handsome, clever, and rich', source: 'Emma, chapter 1' },
    ]);
  });

  it('reads an empty notebook as no blocks', () => {
    assert.deepEqual(notebookBlocks(exportNotes(new Y.Doc(), 'txt', () => '')), []);
  });
});
