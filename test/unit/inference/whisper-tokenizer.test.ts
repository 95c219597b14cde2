// Byte-level BPE as Whisper's tokenizer.json defines it, over the tiny test vocabulary.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWhisperSpec } from '../../../server/inference/asr/whisper/config.js';
import { byteToUnicodeTable } from '../../../server/inference/asr/whisper/tokenizer.js';
import { writeTinyWhisper, type TinyWhisper } from '../../helpers/whisper-model.js';

function tokenizerOf(dir: string) {
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  return readWhisperSpec({
    config: read('config.json'),
    generationConfig: read('generation_config.json'),
    preprocessorConfig: read('preprocessor_config.json'),
    tokenizer: read('tokenizer.json'),
  }).tokenizer;
}

describe('Whisper byte-level BPE', () => {
  let root: string;
  let tiny: TinyWhisper;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'whisper-bpe-'));
    tiny = writeTinyWhisper(path.join(root, 'strings'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('uses GPT-2\'s byte-to-unicode table', () => {
    const table = byteToUnicodeTable();
    assert.equal(new Set(table).size, 256);
    assert.equal(table[0x41], 'A');
    assert.equal(table[0x20], 'Ġ'); // U+0120, the space every word-initial token starts with
    assert.equal(table[0x0a], 'Ċ');
    assert.equal(table[0x00], 'Ā');
    assert.equal(table[0xad], 'Ń');
    assert.equal(table[0xff], 'ÿ');
  });

  it('encodes with the merges by rank and decodes back, English and Korean', () => {
    const tokenizer = tokenizerOf(tiny.dir);
    assert.deepEqual(tokenizer.encode(tiny.english.text), tiny.english.ids);
    assert.deepEqual(tokenizer.encode(tiny.korean.text), tiny.korean.ids);
    assert.equal(tokenizer.decode(tiny.english.ids), ' hello world');
    assert.equal(tokenizer.decode(tiny.korean.ids), ' 안녕하세요');
  });

  it('decodes a character split across tokens from the joined bytes, not token by token', () => {
    const tokenizer = tokenizerOf(tiny.dir);
    // The third and fourth Korean tokens hold 세's bytes EC 84 | B8 (and then 요).
    const [, , head, tail] = tiny.korean.ids as [number, number, number, number];
    assert.equal(tokenizer.decode([head]), '\uFFFD');
    assert.equal(tokenizer.decode([head, tail]), '세요');
  });

  it('skips special tokens and round-trips text the designed merges barely cover', () => {
    const tokenizer = tokenizerOf(tiny.dir);
    const text = ' 책 읽기 club, 2024\n';
    const ids = tokenizer.encode(text);
    assert.ok(ids.length >= new TextEncoder().encode(text).length - 4); // nearly one token per byte
    assert.equal(tokenizer.decode([tiny.ids.sot, ...ids, tiny.ids.timestampBegin + 7, tiny.ids.eot]), text);
  });

  it('reads merges written as [a, b] pairs the same as "a b" strings', () => {
    const pairs = writeTinyWhisper(path.join(root, 'pairs'), { mergeFormat: 'pair' });
    const tokenizer = tokenizerOf(pairs.dir);
    assert.deepEqual(tokenizer.encode(pairs.korean.text), pairs.korean.ids);
    assert.equal(tokenizer.decode(pairs.korean.ids), ' 안녕하세요');
  });
});
