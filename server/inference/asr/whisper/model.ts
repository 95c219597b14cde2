// A Whisper export on disk (ASR_MODEL_DIR, the Hugging Face Optimum / transformers.js layout):
//   config.json, generation_config.json, preprocessor_config.json, tokenizer.json
//   onnx/encoder_model.onnx                      input_features → last_hidden_state
//   onnx/decoder_model_merged.onnx               one decoder, with and without past (use_cache_branch)
//     or onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx
// Sessions are checked at load for every input and output decoding uses, so a wrong or partial
// export fails at start with the names it lacks rather than at the first utterance.
import fs from 'node:fs';
import path from 'node:path';
import { loadOnnxModel, ort, type OnnxSession } from '../../onnx.js';
import { readWhisperSpec, type WhisperSpec } from './config.js';
import { WhisperError } from './errors.js';
import { WHISPER_FRAMES } from './mel.js';

export const JSON_FILES = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json'] as const;
export const ENCODER_FILE = 'onnx/encoder_model.onnx';
export const MERGED_DECODER_FILE = 'onnx/decoder_model_merged.onnx';
export const SPLIT_DECODER_FILES = ['onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx'] as const;

/** The slice of an onnxruntime session decoding uses (tests wrap it to watch the calls). */
export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.OnnxValue>>;
  release(): Promise<void>;
}

export interface WhisperModel {
  readonly dir: string;
  readonly spec: WhisperSpec;
  readonly encoder: SessionLike;
  readonly decoder: { kind: 'merged'; session: SessionLike } | { kind: 'split'; first: SessionLike; withPast: SessionLike };
}

function readJson(dir: string, file: string): unknown {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WhisperError('model_invalid', `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function exists(dir: string, file: string): boolean {
  return fs.existsSync(path.join(dir, file));
}

export function pastNames(layers: number, prefix: 'past_key_values' | 'present', parts: ReadonlyArray<'decoder' | 'encoder'>): string[] {
  const names: string[] = [];
  for (let i = 0; i < layers; i += 1) for (const part of parts) for (const kind of ['key', 'value']) names.push(`${prefix}.${i}.${part}.${kind}`);
  return names;
}

function requireNames(session: SessionLike, file: string, inputs: readonly string[], outputs: readonly string[], layers: number): void {
  const missingIn = inputs.filter((name) => !session.inputNames.includes(name));
  const missingOut = outputs.filter((name) => !session.outputNames.includes(name));
  if (missingIn.length > 0 || missingOut.length > 0) {
    const parts = [missingIn.length > 0 ? `inputs ${missingIn.join(', ')}` : '', missingOut.length > 0 ? `outputs ${missingOut.join(', ')}` : ''].filter(Boolean);
    throw new WhisperError('model_invalid', `${file} lacks ${parts.join(' and ')} (config.json says ${layers} decoder layers)`);
  }
  // Inputs we would not feed (more layers than config.json says, an attention mask) make every run fail.
  const unknown = session.inputNames.filter((name) => !inputs.includes(name) && name !== 'encoder_hidden_states');
  if (unknown.length > 0) throw new WhisperError('model_invalid', `${file} has inputs this engine does not provide: ${unknown.join(', ')} (config.json says ${layers} decoder layers)`);
}

function requireFloat32(session: OnnxSession, file: string): void {
  for (const meta of session.inputMetadata) {
    if (meta.isTensor && meta.type !== 'float32' && meta.type !== 'int64' && meta.type !== 'bool') {
      throw new WhisperError('model_invalid', `${file}: input ${meta.name} is ${meta.type}; only float32 exports (including int8-quantized weights) are supported`);
    }
  }
}

async function open(dir: string, file: string, threads: number): Promise<OnnxSession> {
  try {
    const session = await loadOnnxModel(path.join(dir, file), { intraOpThreads: threads });
    requireFloat32(session, file);
    return session;
  } catch (error) {
    if (error instanceof WhisperError) throw error;
    throw new WhisperError('model_invalid', `${file} could not be loaded: ${(error as Error).message}`);
  }
}

/** Lists what a model directory lacks; empty when the layout is complete. */
export function missingFiles(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [dir];
  const missing: string[] = JSON_FILES.filter((file) => !exists(dir, file));
  if (!exists(dir, ENCODER_FILE)) missing.push(ENCODER_FILE);
  const split = SPLIT_DECODER_FILES.every((file) => exists(dir, file));
  if (!exists(dir, MERGED_DECODER_FILE) && !split) missing.push(`${MERGED_DECODER_FILE} (or ${SPLIT_DECODER_FILES.join(' + ')})`);
  return missing;
}

export async function loadWhisperModel(dir: string, options: { threads?: number } = {}): Promise<WhisperModel> {
  const missing = missingFiles(dir);
  if (missing.length > 0) {
    const what = missing.length === 1 && missing[0] === dir ? `${dir} is not a directory` : `${dir} lacks ${missing.join(', ')}`;
    throw new WhisperError('model_incomplete', `Whisper model incomplete: ${what}. Fetch one with: node scripts/whisper-download.mjs --dir ${dir}`);
  }
  const spec = readWhisperSpec({
    config: readJson(dir, 'config.json'),
    generationConfig: readJson(dir, 'generation_config.json'),
    preprocessorConfig: readJson(dir, 'preprocessor_config.json'),
    tokenizer: readJson(dir, 'tokenizer.json'),
  });
  const threads = options.threads ?? 1;
  const sessions: OnnxSession[] = [];
  try {
    const encoder = await open(dir, ENCODER_FILE, threads);
    sessions.push(encoder);
    requireNames(encoder, ENCODER_FILE, ['input_features'], ['last_hidden_state'], spec.layers);
    const logits = ['logits'];
    let decoder: WhisperModel['decoder'];
    if (exists(dir, MERGED_DECODER_FILE)) {
      const session = await open(dir, MERGED_DECODER_FILE, threads);
      sessions.push(session);
      requireNames(session, MERGED_DECODER_FILE,
        ['input_ids', 'encoder_hidden_states', 'use_cache_branch', ...pastNames(spec.layers, 'past_key_values', ['decoder', 'encoder'])],
        [...logits, ...pastNames(spec.layers, 'present', ['decoder', 'encoder'])], spec.layers);
      decoder = { kind: 'merged', session };
    } else {
      const [firstFile, withPastFile] = SPLIT_DECODER_FILES;
      const first = await open(dir, firstFile, threads);
      sessions.push(first);
      requireNames(first, firstFile, ['input_ids', 'encoder_hidden_states'], [...logits, ...pastNames(spec.layers, 'present', ['decoder', 'encoder'])], spec.layers);
      const withPast = await open(dir, withPastFile, threads);
      sessions.push(withPast);
      requireNames(withPast, withPastFile, ['input_ids', ...pastNames(spec.layers, 'past_key_values', ['decoder', 'encoder'])],
        [...logits, ...pastNames(spec.layers, 'present', ['decoder'])], spec.layers);
      decoder = { kind: 'split', first, withPast };
    }
    return { dir, spec, encoder, decoder };
  } catch (error) {
    await Promise.all(sessions.map((session) => session.release()));
    throw error;
  }
}

export async function releaseWhisperModel(model: WhisperModel): Promise<void> {
  const sessions = model.decoder.kind === 'merged' ? [model.decoder.session] : [model.decoder.first, model.decoder.withPast];
  await Promise.all([model.encoder, ...sessions].map((session) => session.release()));
}

/** Runs the encoder over one window of log-mel features ([nMels, 3000], row-major). */
export async function encode(model: WhisperModel, features: Float32Array): Promise<ort.Tensor> {
  const input = new ort.Tensor('float32', features, [1, model.spec.nMels, WHISPER_FRAMES]);
  const outputs = await model.encoder.run({ input_features: input });
  const hidden = outputs.last_hidden_state;
  if (!(hidden instanceof ort.Tensor)) throw new WhisperError('model_invalid', `${ENCODER_FILE} returned no last_hidden_state tensor`);
  return hidden;
}

/**
 * One decoding pass over an encoded window: the key/value cache lives here, so each step feeds
 * only the new tokens. Returns the logits of the last position.
 */
export class DecoderPass {
  private past = new Map<string, ort.Tensor>();
  private pastLength = 0;

  constructor(private readonly model: WhisperModel, private readonly encoderHiddenStates: ort.Tensor) {}

  get length(): number {
    return this.pastLength;
  }

  async step(inputIds: readonly number[]): Promise<Float32Array> {
    const { spec, decoder } = this.model;
    const first = this.pastLength === 0;
    const ids = new ort.Tensor('int64', BigInt64Array.from(inputIds.map((id) => BigInt(id))), [1, inputIds.length]);
    const feeds: Record<string, ort.Tensor> = { input_ids: ids, encoder_hidden_states: this.encoderHiddenStates };
    let session: SessionLike;
    if (decoder.kind === 'merged') {
      session = decoder.session;
      feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.from([first ? 0 : 1]), [1]);
      for (const name of pastNames(spec.layers, 'past_key_values', ['decoder', 'encoder'])) {
        feeds[name] = this.past.get(name) ?? new ort.Tensor('float32', new Float32Array(0), [1, spec.heads, 0, spec.headDim]);
      }
    } else {
      session = first ? decoder.first : decoder.withPast;
      if (!first) for (const [name, tensor] of this.past) feeds[name] = tensor;
    }
    const wanted = Object.fromEntries(Object.entries(feeds).filter(([name]) => session.inputNames.includes(name)));
    const outputs = await session.run(wanted);
    const logits = outputs.logits;
    if (!(logits instanceof ort.Tensor) || !(logits.data instanceof Float32Array) || logits.dims.length !== 3) {
      throw new WhisperError('model_invalid', 'the decoder returned no float32 logits [batch, tokens, vocab]');
    }
    const vocab = logits.dims[2] as number;
    for (let i = 0; i < spec.layers; i += 1) {
      for (const kind of ['key', 'value']) {
        const decoderPresent = outputs[`present.${i}.decoder.${kind}`];
        if (!(decoderPresent instanceof ort.Tensor)) throw new WhisperError('model_invalid', `the decoder returned no present.${i}.decoder.${kind}`);
        this.past.set(`past_key_values.${i}.decoder.${kind}`, decoderPresent);
        // Cross-attention keys and values depend only on the audio: taken from the first step
        // and kept (later steps of a merged decoder return placeholders for them).
        if (first) {
          const encoderPresent = outputs[`present.${i}.encoder.${kind}`];
          if (!(encoderPresent instanceof ort.Tensor)) throw new WhisperError('model_invalid', `the decoder returned no present.${i}.encoder.${kind}`);
          this.past.set(`past_key_values.${i}.encoder.${kind}`, encoderPresent);
        }
      }
    }
    this.pastLength += inputIds.length;
    const grown = this.past.get('past_key_values.0.decoder.key')?.dims[2];
    if (grown !== this.pastLength) throw new WhisperError('model_invalid', `the decoder's cache holds ${grown} positions after ${this.pastLength} tokens`);
    const last = logits.dims[1] as number;
    return logits.data.slice((last - 1) * vocab, last * vocab);
  }
}
