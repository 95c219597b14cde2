// BERT's WordPiece tokenizer from a vocab.txt (one token per line, its line number its id):
// lower-case, split on whitespace and punctuation, CJK ideographs on their own, then the longest
// vocabulary pieces first ("##" marks a piece inside a word). Hangul stays composed: NFD would
// split syllables into jamo, which a multilingual vocabulary holds only in part.

export interface Encoded {
  ids: number[];
}

const MAX_WORD_CHARS = 100;

const isPunctuation = (ch: string): boolean => /[\p{P}\p{S}]/u.test(ch);
const isCjk = (ch: string): boolean => /[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]/u.test(ch);

export class WordPiece {
  private readonly vocab: Map<string, number>;
  readonly cls: number;
  readonly sep: number;
  readonly pad: number;
  private readonly unk: number;

  constructor(vocabText: string, private readonly lowercase = true) {
    this.vocab = new Map();
    vocabText.split(/\r?\n/).forEach((token, id) => {
      if (token !== '' && !this.vocab.has(token)) this.vocab.set(token, id);
    });
    const special = (name: string): number => {
      const id = this.vocab.get(name);
      if (id === undefined) throw new Error(`vocab.txt has no ${name} token`);
      return id;
    };
    this.cls = special('[CLS]');
    this.sep = special('[SEP]');
    this.pad = special('[PAD]');
    this.unk = special('[UNK]');
  }

  /** Whitespace, punctuation and CJK split a text into words. */
  words(text: string): string[] {
    // eslint-disable-next-line no-control-regex -- control characters split words, as BERT's tokenizer does
    let normal = text.normalize('NFC').replace(/[\u0000\ufffd]|\p{Cc}/gu, ' ');
    if (this.lowercase) normal = normal.toLowerCase();
    const out: string[] = [];
    let word = '';
    for (const ch of normal) {
      if (/\s/u.test(ch) || isPunctuation(ch) || isCjk(ch)) {
        if (word) out.push(word);
        word = '';
        if (!/\s/u.test(ch)) out.push(ch);
      } else word += ch;
    }
    if (word) out.push(word);
    return out;
  }

  private pieces(word: string): number[] {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS) return [this.unk];
    const out: number[] = [];
    for (let start = 0; start < chars.length; ) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unk];
      out.push(found);
      start = end;
    }
    return out;
  }

  /** [CLS] pieces [SEP], at most maxLength ids. */
  encode(text: string, maxLength: number): Encoded {
    const ids = [this.cls];
    for (const word of this.words(text)) {
      for (const id of this.pieces(word)) {
        if (ids.length >= maxLength - 1) break;
        ids.push(id);
      }
    }
    ids.push(this.sep);
    return { ids };
  }
}
