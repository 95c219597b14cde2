// Writes a tiny Whisper-shaped export (the Hugging Face ONNX layout) whose decoder emits a known
// token sequence: its logits are a table row chosen by the last input token (Gather on a
// row map, then on the table), so greedy decoding under Whisper's rules walks a designed path.
// The graphs have the real input and output names and shapes: the encoder maps input_features
// [1, n_mels, 3000] to last_hidden_state [1, 1500, d_model] (a strided averaging Conv), and the
// decoder grows present.{i}.decoder.* from past_key_values.{i}.decoder.* by the new tokens.
// Language detection depends on the audio: the <|en|> logit after <|startoftranscript|> rises
// with the mean of the encoder output, so silence reads as Korean and a loud tone as English.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { WhisperError } from '../../server/inference/asr/whisper/errors.js';
import { byteToUnicodeTable } from '../../server/inference/asr/whisper/tokenizer.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;
const ENCODER_FRAMES = 1500;
const LANGUAGES = ['en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja'];
const TIMESTAMPS = 1501;

export interface TinyWhisperOptions {
  layout?: 'merged' | 'split';
  nMels?: 80 | 128;
  layers?: number;
  heads?: number;
  dModel?: number;
  /** tokenizer.json merges as "a b" strings (older exports) or [a, b] pairs (newer). */
  mergeFormat?: 'string' | 'pair';
}

export interface TinyWhisper {
  dir: string;
  vocabSize: number;
  ids: {
    sot: number; eot: number; transcribe: number; noTimestamps: number; timestampBegin: number;
    languages: Record<string, number>;
    /** A text token the table prefers in places but generation_config.json suppresses. */
    suppressed: number;
  };
  /** Byte-level pieces the designed merges cut each text into, and their ids. */
  english: { text: string; pieces: string[]; ids: number[] };
  korean: { text: string; pieces: string[]; ids: number[] };
  /** The tokens generated with timestamps on (after the prompt), ending with <|endoftext|>. */
  timestampedSequence: number[];
  segments: Array<{ text: string; start: number; end: number }>;
  text: string;
  layers: number;
  heads: number;
  headDim: number;
}

const BYTE_CHARS = byteToUnicodeTable();
const bytesOf = (text: string): string[] => [...new TextEncoder().encode(text)].map((b) => BYTE_CHARS[b] as string);

/** The byte-level characters of `text` cut after the given byte counts. */
function cut(text: string, byteLengths: number[]): string[] {
  const chars = bytesOf(text);
  const pieces: string[] = [];
  let at = 0;
  for (const length of byteLengths) {
    pieces.push(chars.slice(at, at + length).join(''));
    at += length;
  }
  if (at !== chars.length) throw new Error(`cut of ${JSON.stringify(text)} covers ${at} of ${chars.length} bytes`);
  return pieces;
}

function tensor(name: string, dims: number[], values: Float32Array | BigInt64Array): ITensor {
  return {
    name,
    dims,
    dataType: values instanceof Float32Array ? FLOAT : INT64,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): IValueInfo {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function node(opType: string, inputs: string[], outputs: string[], attributes: onnxProto.onnx.IAttributeProto[] = []): INode {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute: attributes };
}
const ints = (name: string, values: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

function writeModel(file: string, graph: { nodes: INode[]; inputs: IValueInfo[]; outputs: IValueInfo[]; initializers: ITensor[] }): void {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'roundtable-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: path.basename(file, '.onnx'), node: graph.nodes, input: graph.inputs, output: graph.outputs, initializer: graph.initializers },
  });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

export function writeTinyWhisper(dir: string, options: TinyWhisperOptions = {}): TinyWhisper {
  const layout = options.layout ?? 'merged';
  const nMels = options.nMels ?? 80;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 2;
  const dModel = options.dModel ?? 8;
  const headDim = dModel / heads;

  // Vocabulary: the 256 byte characters (id = byte value), the designed merges, then Whisper's
  // special tokens in Whisper's order, then 1501 timestamps.
  const english = { text: ' hello world', pieces: [...cut(' hello', [4, 2]), ...cut(' world', [6])] };
  // 안(3) 녕(3) 하(3) 세(3) 요(3) after the space: "세" is split across two tokens on purpose.
  const korean = { text: ' 안녕하세요', pieces: cut(' 안녕하세요', [4, 6, 2, 4]) };
  const vocab = new Map<string, number>();
  BYTE_CHARS.forEach((char, byte) => vocab.set(char, byte));
  const merges: Array<[string, string]> = [];
  for (const piece of [...english.pieces, ...korean.pieces]) {
    const chars = [...piece];
    let left = chars[0] as string;
    for (const right of chars.slice(1)) {
      if (!vocab.has(left + right)) {
        merges.push([left, right]);
        vocab.set(left + right, vocab.size);
      }
      left += right;
    }
  }
  const added: Array<{ id: number; content: string }> = [];
  const addSpecial = (content: string): number => {
    const id = vocab.size + added.length;
    added.push({ id, content });
    return id;
  };
  const eot = addSpecial('<|endoftext|>');
  const sot = addSpecial('<|startoftranscript|>');
  const languages: Record<string, number> = {};
  for (const code of LANGUAGES) languages[code] = addSpecial(`<|${code}|>`);
  const translate = addSpecial('<|translate|>');
  const transcribe = addSpecial('<|transcribe|>');
  addSpecial('<|startoflm|>');
  addSpecial('<|startofprev|>');
  addSpecial('<|nospeech|>');
  const noTimestamps = addSpecial('<|notimestamps|>');
  const timestampBegin = noTimestamps + 1;
  for (let i = 0; i < TIMESTAMPS; i += 1) addSpecial(`<|${(i * 0.02).toFixed(2)}|>`);
  const vocabSize = vocab.size + added.length;
  const ts = (seconds: number): number => timestampBegin + Math.round(seconds / 0.02);
  const idOf = (piece: string): number => vocab.get(piece) as number;
  const englishIds = english.pieces.map(idOf);
  const koreanIds = korean.pieces.map(idOf);
  const suppressed = idOf('#');

  // The designed path (timestamps on): <|0.00|> hello world <|1.00|><|1.20|> 안녕하세요 <|2.50|> <|endoftext|>.
  const textIds = [...englishIds, ...koreanIds];
  const timestampedSequence = [ts(0), ...englishIds, ts(1), ts(1.2), ...koreanIds, ts(2.5), eot];
  if (new Set(timestampedSequence).size !== timestampedSequence.length) throw new Error('the designed sequence repeats a token; the next-token table needs distinct tokens');

  // Table rows: row 0 is the default (mild preference for the end), then one row per token with a successor.
  const rows: Array<Map<number, number>> = [new Map([[eot, 1]])];
  const rowMap = new BigInt64Array(vocabSize);
  const setRow = (token: number, scores: Array<[number, number]>): void => {
    rowMap[token] = BigInt(rows.length);
    rows.push(new Map(scores));
  };
  // After <|startoftranscript|>: a text token scores highest (detection must look only at
  // language tokens), then Korean above English (English gains with the encoder output below).
  setRow(sot, [[englishIds[1] as number, 20], [languages.ko as number, 10], [languages.en as number, 8]]);
  setRow(transcribe, [[ts(0), 10], [englishIds[0] as number, 5]]);
  setRow(noTimestamps, [[englishIds[0] as number, 10]]);
  // Successors with timestamps on score 10; where that successor is a timestamp, the next text
  // token (or the end) scores 5, which is what decoding without timestamps follows.
  for (let i = 0; i < timestampedSequence.length - 1; i += 1) {
    const token = timestampedSequence[i] as number;
    if (token === ts(0)) {
      setRow(token, [[timestampedSequence[i + 1] as number, 10]]);
      continue;
    }
    const next = timestampedSequence[i + 1] as number;
    const scores: Array<[number, number]> = [[next, 10]];
    if (token < eot && next >= timestampBegin) {
      const nextText = textIds[textIds.indexOf(token) + 1] ?? eot;
      scores.push([nextText, 5]);
    }
    // The suppressed token outranks the true successor once, in text: suppress_tokens must hold it back.
    if (token === englishIds[0]) scores.push([suppressed, 15]);
    setRow(token, scores);
  }
  const table = new Float32Array(rows.length * vocabSize);
  rows.forEach((row, r) => row.forEach((score, id) => (table[r * vocabSize + id] = score)));

  const onnxDir = path.join(dir, 'onnx');
  fs.mkdirSync(onnxDir, { recursive: true });

  // Encoder: Conv with kernel 2, stride 2, every weight 1/(2·n_mels): each output is a local mean.
  writeModel(path.join(onnxDir, 'encoder_model.onnx'), {
    inputs: [valueInfo('input_features', FLOAT, ['batch_size', nMels, 3000])],
    outputs: [valueInfo('last_hidden_state', FLOAT, ['batch_size', ENCODER_FRAMES, dModel])],
    initializers: [tensor('conv_weight', [dModel, nMels, 2], new Float32Array(dModel * nMels * 2).fill(1 / (2 * nMels)))],
    nodes: [
      node('Conv', ['input_features', 'conv_weight'], ['conv_out'], [ints('kernel_shape', [2]), ints('strides', [2])]),
      node('Transpose', ['conv_out'], ['last_hidden_state'], [ints('perm', [0, 2, 1])]),
    ],
  });

  const embedding = new Float32Array(vocabSize * dModel);
  for (let i = 0; i < embedding.length; i += 1) embedding[i] = ((i * 7919) % 997) / 997 - 0.5;
  const enBias = new Float32Array(vocabSize);
  enBias[languages.en as number] = 4;

  function decoderGraph(kind: 'merged' | 'first' | 'withPast') {
    const withPastInputs = kind !== 'first';
    const withEncoderInput = kind !== 'withPast';
    const nodes: INode[] = [
      node('Gather', ['row_map', 'input_ids'], ['row_index']),
      node('Gather', ['table', 'row_index'], ['table_logits']),
      node('Gather', ['embedding', 'input_ids'], ['embedded']),
      node('Reshape', ['embedded', 'kv_shape'], ['embedded_heads']),
      node('Transpose', ['embedded_heads'], ['new_kv'], [ints('perm', [0, 2, 1, 3])]),
    ];
    const inputs: IValueInfo[] = [valueInfo('input_ids', INT64, ['batch_size', 'decoder_sequence_length'])];
    const outputs: IValueInfo[] = [valueInfo('logits', FLOAT, ['batch_size', 'decoder_sequence_length', vocabSize])];
    const initializers: ITensor[] = [
      tensor('row_map', [vocabSize], rowMap),
      tensor('table', [rows.length, vocabSize], table),
      tensor('embedding', [vocabSize, dModel], embedding),
      tensor('kv_shape', [4], BigInt64Array.from([0n, 0n, BigInt(heads), BigInt(headDim)])),
    ];
    let logits = 'table_logits';
    if (withEncoderInput) {
      inputs.push(valueInfo('encoder_hidden_states', FLOAT, ['batch_size', 'encoder_sequence_length', dModel]));
      initializers.push(tensor('en_bias', [vocabSize], enBias), tensor('silence_offset', [], Float32Array.from([1.5])));
      nodes.push(
        node('ReduceMean', ['encoder_hidden_states'], ['encoder_mean'], [int('keepdims', 0)]),
        node('Add', ['encoder_mean', 'silence_offset'], ['loudness']),
        node('Mul', ['loudness', 'en_bias'], ['language_bias']),
        node('Add', ['table_logits', 'language_bias'], ['biased_logits']),
        node('Reshape', ['encoder_hidden_states', 'kv_shape'], ['encoder_heads']),
        node('Transpose', ['encoder_heads'], ['encoder_kv'], [ints('perm', [0, 2, 1, 3])]),
      );
      logits = 'biased_logits';
    }
    if (kind === 'merged') {
      // use_cache_branch only selects placeholder outputs in real exports; here it is multiplied by zero.
      inputs.push(valueInfo('use_cache_branch', BOOL, [1]));
      initializers.push(tensor('zero', [], Float32Array.from([0])));
      nodes.push(
        node('Cast', ['use_cache_branch'], ['branch_float'], [int('to', FLOAT)]),
        node('Mul', ['branch_float', 'zero'], ['branch_zero']),
        node('Add', [logits, 'branch_zero'], ['logits']),
      );
    } else nodes.push(node('Identity', [logits], ['logits']));
    for (let i = 0; i < layers; i += 1) {
      for (const part of ['decoder', 'encoder'] as const) {
        for (const kv of ['key', 'value']) {
          const past = `past_key_values.${i}.${part}.${kv}`;
          const present = `present.${i}.${part}.${kv}`;
          const length = part === 'decoder' ? 'past_decoder_sequence_length' : 'encoder_sequence_length_out';
          if (withPastInputs) inputs.push(valueInfo(past, FLOAT, ['batch_size', heads, length, headDim]));
          if (part === 'decoder') {
            outputs.push(valueInfo(present, FLOAT, ['batch_size', heads, 'present_length', headDim]));
            nodes.push(withPastInputs ? node('Concat', [past, 'new_kv'], [present], [int('axis', 2)]) : node('Identity', ['new_kv'], [present]));
          } else if (withEncoderInput) {
            outputs.push(valueInfo(present, FLOAT, ['batch_size', heads, 'encoder_sequence_length_out', headDim]));
            nodes.push(node('Identity', ['encoder_kv'], [present]));
          }
        }
      }
    }
    return { nodes, inputs, outputs, initializers };
  }
  if (layout === 'merged') writeModel(path.join(onnxDir, 'decoder_model_merged.onnx'), decoderGraph('merged'));
  else {
    writeModel(path.join(onnxDir, 'decoder_model.onnx'), decoderGraph('first'));
    writeModel(path.join(onnxDir, 'decoder_with_past_model.onnx'), decoderGraph('withPast'));
  }

  const json = (file: string, value: unknown) => fs.writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));
  json('config.json', {
    model_type: 'whisper', d_model: dModel, decoder_layers: layers, decoder_attention_heads: heads, encoder_layers: layers,
    encoder_attention_heads: heads, num_mel_bins: nMels, max_source_positions: ENCODER_FRAMES, max_target_positions: 448, vocab_size: vocabSize,
  });
  json('generation_config.json', {
    decoder_start_token_id: sot, eos_token_id: eot, pad_token_id: eot, bos_token_id: eot, no_timestamps_token_id: noTimestamps,
    max_length: 448, max_initial_timestamp_index: 50, is_multilingual: true,
    suppress_tokens: [suppressed], begin_suppress_tokens: [idOf('Ġ'), eot],
    lang_to_id: Object.fromEntries(LANGUAGES.map((code) => [`<|${code}|>`, languages[code]])),
    task_to_id: { translate, transcribe },
  });
  json('preprocessor_config.json', {
    feature_extractor_type: 'WhisperFeatureExtractor', feature_size: nMels, sampling_rate: 16000, n_fft: 400, hop_length: 160,
    chunk_length: 30, n_samples: 480000, nb_max_frames: 3000, padding_side: 'right', padding_value: 0, return_attention_mask: false,
  });
  json('tokenizer.json', {
    version: '1.0',
    added_tokens: added.map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false,
      vocab: Object.fromEntries(vocab),
      merges: (options.mergeFormat ?? 'string') === 'string' ? merges.map(([a, b]) => `${a} ${b}`) : merges,
    },
  });

  return {
    dir,
    vocabSize,
    ids: { sot, eot, transcribe, noTimestamps, timestampBegin, languages, suppressed },
    english: { ...english, ids: englishIds },
    korean: { ...korean, ids: koreanIds },
    timestampedSequence,
    segments: [
      { text: 'hello world', start: 0, end: 1 },
      { text: '안녕하세요', start: 1.2, end: 2.5 },
    ],
    text: 'hello world 안녕하세요',
    layers,
    heads,
    headDim,
  };
}

/** Asserts that `promise` fails with a WhisperError of `code` whose message matches. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WhisperError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}
