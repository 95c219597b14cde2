// The Notebook tab tells and marks the quotes a reload brings. The export has no ids, so a quote
// is known by its words and source: a count would miss a quote sent while an editor deleted another.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newQuotes, type NotebookQuote } from '../../../web/src/features/photos/notebook-text.js';

function quote(source: string | null = `Book ${randomBytes(8).toString('hex')}, p. 12`): NotebookQuote {
  return { kind: 'quote', text: `Line ${randomBytes(16).toString('hex')}`, source };
}

describe('new quotes in a reload of the Notebook tab', () => {
  it('finds a quote sent while another was deleted, though the count is the same', () => {
    const [kept, deleted, sent] = [quote(), quote(), quote()];
    assert.deepEqual(newQuotes([kept, deleted], [kept, sent]), [1]);
  });

  it('finds nothing on the first load, nor when quotes are only deleted', () => {
    const [a, b] = [quote(), quote()];
    assert.deepEqual(newQuotes(null, [a, b]), []);
    assert.deepEqual(newQuotes([a, b], [b]), []);
    assert.deepEqual(newQuotes([a, b], [a, b]), []);
  });

  it('tells quotes apart by source as well as words, and a repeat by its later copy', () => {
    const first = quote('Emma, chapter 1');
    const elsewhere: NotebookQuote = { ...first, source: 'Emma, chapter 2' };
    const bare: NotebookQuote = { ...first, source: null };
    assert.deepEqual(newQuotes([first], [first, elsewhere, bare]), [1, 2]);
    assert.deepEqual(newQuotes([first], [first, { ...first }]), [1]);
  });

  it('reads the quotes of the new load as new objects, as every reload makes them', () => {
    const [a, b] = [quote(), quote()];
    assert.deepEqual(newQuotes([a, b], [{ ...a }, { ...b }, quote()]), [2]);
  });
});
