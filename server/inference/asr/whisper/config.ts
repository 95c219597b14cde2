// Reads a Whisper export's JSON files (config.json, generation_config.json,
// preprocessor_config.json, tokenizer.json) into what decoding needs: model shape, the
// special token ids, suppression lists and the tokenizer. Fields are looked up where Hugging
// Face exports put them, with the tokenizer's added tokens as the fallback for token ids.
import { z } from 'zod';
import { WhisperError } from './errors.js';
import { WHISPER_CHUNK_SECONDS, WHISPER_HOP, WHISPER_N_FFT, WHISPER_SAMPLE_RATE } from './mel.js';
import { ByteLevelBpe } from './tokenizer.js';

const positiveInt = z.number().int().positive();

const modelConfigSchema = z.looseObject({
  d_model: positiveInt,
  decoder_layers: positiveInt,
  decoder_attention_heads: positiveInt,
  num_mel_bins: positiveInt.optional(),
  max_target_positions: positiveInt.optional(),
});

const generationConfigSchema = z.looseObject({
  decoder_start_token_id: z.number().int().nonnegative().optional(),
  eos_token_id: z.number().int().nonnegative().optional(),
  no_timestamps_token_id: z.number().int().nonnegative().optional(),
  max_length: positiveInt.optional(),
  max_initial_timestamp_index: z.number().int().nonnegative().optional(),
  suppress_tokens: z.array(z.number().int()).optional(),
  begin_suppress_tokens: z.array(z.number().int()).optional(),
  lang_to_id: z.record(z.string(), z.number().int().nonnegative()).optional(),
  task_to_id: z.record(z.string(), z.number().int().nonnegative()).optional(),
  is_multilingual: z.boolean().optional(),
});

const preprocessorSchema = z.looseObject({
  feature_size: positiveInt.optional(),
  sampling_rate: positiveInt.optional(),
  n_fft: positiveInt.optional(),
  hop_length: positiveInt.optional(),
  chunk_length: positiveInt.optional(),
});

const tokenizerSchema = z.looseObject({
  model: z.looseObject({
    type: z.literal('BPE'),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
    // tokenizers writes merges as "a b" strings (older) or [a, b] pairs (newer).
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
  }),
  added_tokens: z.array(z.looseObject({ id: z.number().int().nonnegative(), content: z.string(), special: z.boolean().optional() })).default([]),
});

export interface WhisperTokens {
  startOfTranscript: number;
  endOfText: number;
  noTimestamps: number;
  /** The first timestamp token (<|0.00|>); timestamp i is `timestampBegin + i`, 0.02 s apart. */
  timestampBegin: number;
  transcribe: number | null;
  /** Language code ('en', 'ko') → token id; empty for English-only models. */
  languages: ReadonlyMap<string, number>;
  suppress: readonly number[];
  beginSuppress: readonly number[];
}

export interface WhisperSpec {
  layers: number;
  heads: number;
  headDim: number;
  nMels: number;
  /** Longest token sequence (prompt included) the decoder accepts. */
  maxLength: number;
  maxInitialTimestampIndex: number;
  tokens: WhisperTokens;
  tokenizer: ByteLevelBpe;
}

export interface WhisperJsonFiles {
  config: unknown;
  generationConfig: unknown;
  preprocessorConfig: unknown;
  tokenizer: unknown;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new WhisperError('model_invalid', `${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}

const LANGUAGE_TOKEN = /^<\|([a-z]{2,3})\|>$/;

export function readWhisperSpec(files: WhisperJsonFiles): WhisperSpec {
  const config = parse(modelConfigSchema, files.config, 'config.json');
  const generation = parse(generationConfigSchema, files.generationConfig, 'generation_config.json');
  const preprocessor = parse(preprocessorSchema, files.preprocessorConfig, 'preprocessor_config.json');
  const tokenizerJson = parse(tokenizerSchema, files.tokenizer, 'tokenizer.json');

  // The front end implements Whisper's fixed parameters; an export that differs is not Whisper.
  const expected: Array<[string, number | undefined, number]> = [
    ['sampling_rate', preprocessor.sampling_rate, WHISPER_SAMPLE_RATE],
    ['n_fft', preprocessor.n_fft, WHISPER_N_FFT],
    ['hop_length', preprocessor.hop_length, WHISPER_HOP],
    ['chunk_length', preprocessor.chunk_length, WHISPER_CHUNK_SECONDS],
  ];
  for (const [name, actual, want] of expected) {
    if (actual !== undefined && actual !== want) throw new WhisperError('model_invalid', `preprocessor_config.json: ${name} is ${actual}, Whisper's front end uses ${want}`);
  }
  const nMels = preprocessor.feature_size ?? config.num_mel_bins;
  if (nMels === undefined) throw new WhisperError('model_invalid', 'preprocessor_config.json: feature_size (the number of mel bins) is missing');
  if (config.num_mel_bins !== undefined && config.num_mel_bins !== nMels) {
    throw new WhisperError('model_invalid', `config.json num_mel_bins (${config.num_mel_bins}) differs from preprocessor_config.json feature_size (${nMels})`);
  }
  if (config.d_model % config.decoder_attention_heads !== 0) {
    throw new WhisperError('model_invalid', `config.json: d_model ${config.d_model} is not a multiple of decoder_attention_heads ${config.decoder_attention_heads}`);
  }

  const added = new Map<number, { content: string; special: boolean }>();
  for (const token of tokenizerJson.added_tokens) added.set(token.id, { content: token.content, special: token.special ?? true });
  const merges = tokenizerJson.model.merges.map((merge): [string, string] => {
    if (Array.isArray(merge)) return merge;
    const space = merge.indexOf(' ');
    if (space <= 0) throw new WhisperError('model_invalid', `tokenizer.json: malformed merge ${JSON.stringify(merge)}`);
    return [merge.slice(0, space), merge.slice(space + 1)];
  });
  const tokenizer = new ByteLevelBpe({ vocab: new Map(Object.entries(tokenizerJson.model.vocab)), merges, added });

  const byContent = (content: string): number | undefined => tokenizer.tokenId(content);
  const need = (value: number | undefined, what: string): number => {
    if (value === undefined) throw new WhisperError('model_invalid', `neither generation_config.json nor tokenizer.json names ${what}`);
    return value;
  };
  const startOfTranscript = need(generation.decoder_start_token_id ?? byContent('<|startoftranscript|>'), 'the <|startoftranscript|> token');
  const endOfText = need(generation.eos_token_id ?? byContent('<|endoftext|>'), 'the <|endoftext|> token');
  const noTimestamps = need(generation.no_timestamps_token_id ?? byContent('<|notimestamps|>'), 'the <|notimestamps|> token');
  const transcribe = generation.task_to_id?.transcribe ?? byContent('<|transcribe|>') ?? null;

  const languages = new Map<string, number>();
  if (generation.lang_to_id) {
    for (const [token, id] of Object.entries(generation.lang_to_id)) {
      const code = LANGUAGE_TOKEN.exec(token)?.[1];
      if (code) languages.set(code, id);
    }
  } else if (generation.is_multilingual !== false) {
    // Older exports: language tokens are the added tokens between <|startoftranscript|> and the tasks.
    for (const [id, token] of added) {
      const code = LANGUAGE_TOKEN.exec(token.content)?.[1];
      if (code && id > startOfTranscript && id < noTimestamps) languages.set(code, id);
    }
  }
  if (languages.size > 0 && transcribe === null) throw new WhisperError('model_invalid', 'a multilingual model must name the <|transcribe|> token');

  const maxLength = Math.min(generation.max_length ?? 448, config.max_target_positions ?? 448);
  return {
    layers: config.decoder_layers,
    heads: config.decoder_attention_heads,
    headDim: config.d_model / config.decoder_attention_heads,
    nMels,
    maxLength,
    maxInitialTimestampIndex: generation.max_initial_timestamp_index ?? 50,
    tokens: {
      startOfTranscript,
      endOfText,
      noTimestamps,
      timestampBegin: noTimestamps + 1,
      transcribe,
      languages,
      suppress: generation.suppress_tokens ?? [],
      beginSuppress: generation.begin_suppress_tokens ?? [],
    },
    tokenizer,
  };
}
