// The sentence-embedding engine on a tiny BERT-shaped model built here with onnx-proto: token
// and segment embeddings looked up by input_ids and token_type_ids, an attention_mask input,
// last_hidden_state out. The [PAD] row is huge, so pooling that counted padding would show.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { EmbeddingEngine } from '../../../server/inference/embed/engine.js';
import { EmbeddingReranker } from '../../../server/inference/embed/reranker.js';
import { WordPiece } from '../../../server/inference/embed/wordpiece.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'winter', 'cold', '##s', 'ice', 'book', 'read', '##ing', '영혜', '##의'];
// Two directions of meaning: weather (winter, cold, ice) and reading (book, read, ##ing).
const ROWS: Record<string, number[]> = {
  '[PAD]': [100, -100, 100, -100],
  winter: [1, 0, 0.2, 0],
  cold: [0.9, 0.1, 0, 0],
  ice: [1, 0, 0, 0.1],
  book: [0, 1, 0, 0.2],
  read: [0.1, 0.9, 0, 0],
  '##ing': [0, 0.5, 0.1, 0],
  '영혜': [0, 0, 1, 0],
  '##의': [0, 0, 0.1, 0],
};

function writeTinyBert(dir: string): void {
  const hidden = 4;
  const words = new Float32Array(VOCAB.length * hidden);
  VOCAB.forEach((token, id) => (ROWS[token] ?? [0, 0, 0, 0]).forEach((v, h) => (words[id * hidden + h] = v)));
  const types = new Float32Array(2 * hidden); // zeros: one segment
  const tensor = (name: string, dims: number[], values: Float32Array) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer) });
  const io = (name: string, elemType: number, dims: Array<number | string>) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'roundtable-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-bert',
      node: [
        { opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['words'], name: 'words' },
        { opType: 'Gather', input: ['type_embeddings', 'token_type_ids'], output: ['types'], name: 'types' },
        { opType: 'Add', input: ['words', 'types'], output: ['last_hidden_state'], name: 'sum' },
        // The mask reaches an output of its own, as in exports that also return it.
        { opType: 'Identity', input: ['attention_mask'], output: ['mask_out'], name: 'mask' },
      ],
      input: [io('input_ids', INT64, ['batch', 'tokens']), io('attention_mask', INT64, ['batch', 'tokens']), io('token_type_ids', INT64, ['batch', 'tokens'])],
      output: [io('last_hidden_state', FLOAT, ['batch', 'tokens', hidden]), io('mask_out', INT64, ['batch', 'tokens'])],
      initializer: [tensor('word_embeddings', [VOCAB.length, hidden], words), tensor('type_embeddings', [2, hidden], types)],
    },
  });
  fs.writeFileSync(path.join(dir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  fs.writeFileSync(path.join(dir, 'vocab.txt'), `${VOCAB.join('\n')}\n`);
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('sentence embeddings (BERT-style ONNX, mean pooling)', () => {
  let dir: string;
  let engine: EmbeddingEngine;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-embed-'));
    writeTinyBert(dir);
    engine = await EmbeddingEngine.load(dir);
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tokenizes with WordPiece: longest pieces first, ## inside words, punctuation apart, Hangul composed', () => {
    const wp = new WordPiece(VOCAB.join('\n'));
    const ids = (text: string) => wp.encode(text, 32).ids.map((id) => VOCAB[id]);
    assert.deepEqual(ids('Reading COLDS!'), ['[CLS]', 'read', '##ing', 'cold', '##s', '[UNK]', '[SEP]']);
    assert.deepEqual(ids('영혜의 winter'), ['[CLS]', '영혜', '##의', 'winter', '[SEP]']);
    assert.deepEqual(ids('unknownword'), ['[CLS]', '[UNK]', '[SEP]']);
    assert.equal(wp.encode('cold '.repeat(100), 8).ids.length, 8, 'truncated to the limit, [SEP] kept');
  });

  it('gives unit vectors whose cosine follows meaning', async () => {
    const [weather, cold, books] = await engine.embed(['winter ice', 'cold', 'book reading']);
    for (const v of [weather!, cold!, books!]) assert.ok(Math.abs(cosine(v, v) - 1) < 1e-5);
    assert.ok(cosine(weather!, cold!) > 0.9);
    assert.ok(cosine(weather!, books!) < 0.3);
  });

  it('pools over the attention mask only: padding in a batch changes nothing', async () => {
    const [alone] = await engine.embed(['cold']);
    const [padded] = await engine.embed(['cold', 'winter ice cold book reading winter']);
    for (let h = 0; h < alone!.length; h++) assert.ok(Math.abs(alone![h]! - padded![h]!) < 1e-6, `dimension ${h}`);
  });

  it('re-ranks search candidates by meaning', async () => {
    const reranker = new EmbeddingReranker(engine);
    const scores = await reranker.rerank('cold winter', ['a book worth reading', 'ice and cold', '영혜의']);
    assert.ok(scores[1]! > scores[0]! && scores[1]! > scores[2]!);
  });
});
