// Byte-level BPE (GPT-2 style), as Whisper's tokenizer.json describes it: text is UTF-8 bytes,
// each byte shown as one printable character (the GPT-2 byte-to-unicode table), and merges
// join adjacent symbols by rank. Decoding maps token strings back to bytes and decodes UTF-8
// once over the whole run, so a character split across tokens (common in Korean) survives.

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards. */
export function byteToUnicodeTable(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b += 1) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b += 1) printable.push(b);
  for (let b = 0xae; b <= 0xff; b += 1) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let next = 0;
  for (let b = 0; b < 256; b += 1) {
    if (table[b] === undefined) {
      table[b] = String.fromCodePoint(256 + next);
      next += 1;
    }
  }
  return table;
}

const BYTE_TO_UNICODE = byteToUnicodeTable();
const UNICODE_TO_BYTE = new Map(BYTE_TO_UNICODE.map((char, byte) => [char, byte]));

// GPT-2's pre-tokenizer pattern: contractions, letters, numbers, other symbols, whitespace.
const PRE_TOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface BpeVocabulary {
  /** Token string (byte-level characters) → id, for ordinary tokens. */
  vocab: ReadonlyMap<string, number>;
  /** Merge pairs in rank order. */
  merges: ReadonlyArray<readonly [string, string]>;
  /** Added tokens (special or not) by id: their content is literal text, not byte-level. */
  added: ReadonlyMap<number, { content: string; special: boolean }>;
}

export class ByteLevelBpe {
  private readonly idToToken = new Map<number, string>();
  private readonly ranks = new Map<string, number>();

  constructor(private readonly source: BpeVocabulary) {
    for (const [token, id] of source.vocab) this.idToToken.set(id, token);
    source.merges.forEach(([a, b], rank) => this.ranks.set(`${a} ${b}`, rank));
  }

  tokenId(token: string): number | undefined {
    const id = this.source.vocab.get(token);
    if (id !== undefined) return id;
    for (const [addedId, added] of this.source.added) if (added.content === token) return addedId;
    return undefined;
  }

  isSpecial(id: number): boolean {
    return this.source.added.get(id)?.special ?? false;
  }

  /** Ordinary text to token ids (no special tokens are recognised in `text`). */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of text.matchAll(PRE_TOKENIZE)) {
      const word = [...new TextEncoder().encode(match[0])].map((b) => BYTE_TO_UNICODE[b] as string);
      for (const symbol of this.merge(word)) {
        const id = this.source.vocab.get(symbol);
        if (id === undefined) throw new Error(`byte-level symbol ${JSON.stringify(symbol)} is not in the vocabulary`);
        ids.push(id);
      }
    }
    return ids;
  }

  /** Token ids to text; special tokens are skipped. Unknown ids throw. */
  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    const flush = (parts: string[]): void => {
      for (const char of parts) {
        const byte = UNICODE_TO_BYTE.get(char);
        if (byte !== undefined) bytes.push(byte);
        else bytes.push(...new TextEncoder().encode(char));
      }
    };
    for (const id of ids) {
      const added = this.source.added.get(id);
      if (added) {
        if (!added.special) bytes.push(...new TextEncoder().encode(added.content));
        continue;
      }
      const token = this.idToToken.get(id);
      if (token === undefined) throw new Error(`token id ${id} is not in the vocabulary`);
      flush([...token]);
    }
    return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
  }

  private merge(symbols: string[]): string[] {
    let parts = symbols;
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i += 1) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right, as the reference BPE does.
      const a = parts[best] as string;
      const b = parts[best + 1] as string;
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i += 1) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i += 1;
        } else merged.push(parts[i] as string);
      }
      parts = merged;
    }
    return parts;
  }
}
