// A sentence-embedding model in the BERT layout: input_ids, attention_mask (and token_type_ids
// when the graph has it) in, last_hidden_state out; the sentence vector is the mean of the
// token vectors where the mask is 1, scaled to unit length, so a dot product is the cosine.
import fs from 'node:fs';
import path from 'node:path';
import { loadOnnxModel, ort, type OnnxSession } from '../onnx.js';
import { WordPiece } from './wordpiece.js';

export interface EmbeddingEngineOptions {
  maxLength?: number;
  lowercase?: boolean;
}

export class EmbeddingEngine {
  private constructor(
    private readonly session: OnnxSession,
    private readonly tokenizer: WordPiece,
    private readonly maxLength: number,
  ) {}

  /** `dir` holds model.onnx (or onnx/model.onnx) and vocab.txt. */
  static async load(dir: string, options: EmbeddingEngineOptions = {}): Promise<EmbeddingEngine> {
    const model = [path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')].find((p) => fs.existsSync(p));
    if (!model) throw new Error(`EMBED_MODEL_DIR ${dir} has no model.onnx`);
    const vocabPath = path.join(dir, 'vocab.txt');
    if (!fs.existsSync(vocabPath)) throw new Error(`EMBED_MODEL_DIR ${dir} has no vocab.txt`);
    const session = await loadOnnxModel(model);
    for (const name of ['input_ids', 'attention_mask']) if (!session.inputNames.includes(name)) throw new Error(`embedding model has no ${name} input`);
    return new EmbeddingEngine(session, new WordPiece(fs.readFileSync(vocabPath, 'utf8'), options.lowercase ?? true), options.maxLength ?? 128);
  }

  /** One unit vector per text. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const encoded = texts.map((t) => this.tokenizer.encode(t, this.maxLength).ids);
    const batch = encoded.length;
    const length = Math.max(...encoded.map((ids) => ids.length));
    const ids = new BigInt64Array(batch * length).fill(BigInt(this.tokenizer.pad));
    const mask = new BigInt64Array(batch * length);
    encoded.forEach((row, b) =>
      row.forEach((id, i) => {
        ids[b * length + i] = BigInt(id);
        mask[b * length + i] = 1n;
      }),
    );
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [batch, length]),
      attention_mask: new ort.Tensor('int64', mask, [batch, length]),
    };
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(batch * length), [batch, length]);
    const outputs = await this.session.run(feeds);
    const hidden = outputs.last_hidden_state ?? outputs[this.session.outputNames[0]!];
    if (!hidden || hidden.dims.length !== 3) throw new Error('embedding model must output last_hidden_state [batch, tokens, hidden]');
    const size = Number(hidden.dims[2]);
    const data = hidden.data as Float32Array;
    return encoded.map((row, b) => meanPool(data, b, length, size, row.length));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Mean over the first `tokens` positions (the mask's ones: padding comes after), then L2-normalised. */
export function meanPool(data: Float32Array, b: number, length: number, size: number, tokens: number): Float32Array {
  const out = new Float32Array(size);
  for (let t = 0; t < tokens; t++) {
    const base = (b * length + t) * size;
    for (let h = 0; h < size; h++) out[h]! += data[base + h]!;
  }
  let norm = 0;
  for (let h = 0; h < size; h++) {
    out[h]! /= tokens;
    norm += out[h]! * out[h]!;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let h = 0; h < size; h++) out[h]! /= norm;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
