// ASR_ENGINE=whisper: a Whisper ONNX export run on onnxruntime-node. Per 30 s window: log-mel
// features, the encoder, then greedy decoding with the key/value cache from the prompt
// <|startoftranscript|> <|lang|> <|transcribe|> (language forced, or detected from the first
// step's logits over the language tokens). Timestamp tokens cut the text into timed segments,
// reported as `words` (Whisper times segments, not single words). Confidence is the mean
// probability of the chosen text tokens.
import type { AsrEngine, AsrOptions, AsrResult, AsrWord } from '../engine.js';
import { WhisperError } from './errors.js';
import { WHISPER_CHUNK_SAMPLES, WHISPER_SAMPLE_RATE, WhisperFrontEnd } from './mel.js';
import { DecoderPass, encode, loadWhisperModel, releaseWhisperModel, type WhisperModel } from './model.js';
import { applyRules, pickGreedy } from './rules.js';

/** Seconds per timestamp token. */
export const TIMESTAMP_STEP = 0.02;
export const DEFAULT_MAX_AUDIO_SECONDS = 600;

export interface WhisperEngineOptions {
  modelDir: string;
  /** Language used when a call names none; absent: detected per call. */
  language?: string;
  /** onnxruntime intra-op threads per session. */
  threads?: number;
  /** Longer audio is refused (audio_too_long); up to it, 30 s windows are decoded in turn. */
  maxAudioSeconds?: number;
  /** Timestamp tokens (segments in `words`); off: <|notimestamps|> and text only. */
  timestamps?: boolean;
}

export async function createWhisperEngine(options: WhisperEngineOptions): Promise<AsrEngine> {
  const model = await loadWhisperModel(options.modelDir, options.threads === undefined ? {} : { threads: options.threads });
  try {
    return new WhisperEngine(model, options);
  } catch (error) {
    await releaseWhisperModel(model);
    throw error;
  }
}

interface Segment {
  start: number;
  end: number;
  tokens: number[];
}

interface WindowResult {
  textTokens: number[];
  probabilities: number[];
  segments: Segment[];
  /** Samples of this window consumed; the next window starts there. */
  consumed: number;
}

export class WhisperEngine implements AsrEngine {
  readonly name = 'whisper';
  readonly languages: readonly string[];
  private readonly frontEnd: WhisperFrontEnd;
  private readonly defaultLanguage: string | undefined;
  private readonly maxSamples: number;
  private readonly timestamps: boolean;

  constructor(private readonly model: WhisperModel, options: Omit<WhisperEngineOptions, 'modelDir'> = {}) {
    const languages = model.spec.tokens.languages;
    this.languages = languages.size > 0 ? [...languages.keys()] : ['en'];
    this.frontEnd = new WhisperFrontEnd(model.spec.nMels);
    this.defaultLanguage = options.language === undefined ? undefined : this.checkLanguage(options.language);
    const maxSeconds = options.maxAudioSeconds ?? DEFAULT_MAX_AUDIO_SECONDS;
    if (!(maxSeconds > 0)) throw new WhisperError('audio_invalid', `maxAudioSeconds must be positive, got ${maxSeconds}`);
    this.maxSamples = Math.round(maxSeconds * WHISPER_SAMPLE_RATE);
    this.timestamps = options.timestamps ?? true;
  }

  async transcribe(samples: Float32Array, options: AsrOptions = {}): Promise<AsrResult> {
    const requested = options.language ?? this.defaultLanguage;
    const forced = requested === undefined ? undefined : this.checkLanguage(requested);
    if (samples.length > this.maxSamples) {
      throw new WhisperError('audio_too_long', `audio is ${(samples.length / WHISPER_SAMPLE_RATE).toFixed(1)} s; this engine takes at most ${this.maxSamples / WHISPER_SAMPLE_RATE} s per call`);
    }
    for (const value of samples) {
      if (!Number.isFinite(value)) throw new WhisperError('audio_invalid', 'audio contains NaN or infinite samples');
    }
    if (samples.length === 0) return { text: '', confidence: null, language: forced ?? null, words: [] };

    let language = forced;
    const textTokens: number[] = [];
    const probabilities: number[] = [];
    const words: AsrWord[] = [];
    for (let seek = 0; seek < samples.length;) {
      options.signal?.throwIfAborted();
      const window = samples.subarray(seek, Math.min(samples.length, seek + WHISPER_CHUNK_SAMPLES));
      const offset = seek / WHISPER_SAMPLE_RATE;
      const hidden = await encode(this.model, this.frontEnd.compute(window).data);
      const pass = new DecoderPass(this.model, hidden);
      const prompt: number[] = [this.model.spec.tokens.startOfTranscript];
      if (this.model.spec.tokens.languages.size > 0) {
        // Detection continues the same pass: <|startoftranscript|> is the prompt's first token either way.
        language ??= await this.detectLanguage(pass);
        prompt.push(this.model.spec.tokens.languages.get(language) as number, this.model.spec.tokens.transcribe as number);
      }
      const result = await this.decodeWindow(pass, prompt, window.length, seek + window.length < samples.length, options.signal);
      textTokens.push(...result.textTokens);
      probabilities.push(...result.probabilities);
      for (const segment of result.segments) {
        const text = this.model.spec.tokenizer.decode(segment.tokens).trim();
        if (text) words.push({ text, start: round(offset + segment.start), end: round(offset + segment.end) });
      }
      seek += result.consumed;
    }
    const text = this.model.spec.tokenizer.decode(textTokens).trim();
    const confidence = probabilities.length > 0 ? probabilities.reduce((a, b) => a + b, 0) / probabilities.length : null;
    return { text, confidence, language: language ?? (this.languages.length === 1 ? (this.languages[0] as string) : null), ...(this.timestamps ? { words } : {}) };
  }

  async close(): Promise<void> {
    await releaseWhisperModel(this.model);
  }

  private checkLanguage(requested: string): string {
    const primary = requested.toLowerCase().split(/[-_]/)[0] ?? '';
    if (!this.languages.includes(primary)) {
      throw new WhisperError('language_unsupported', `language ${JSON.stringify(requested)} is not one this Whisper model knows (${this.languages.join(', ')})`);
    }
    return primary;
  }

  /** Whisper's language detection: the likeliest language token after <|startoftranscript|>. */
  private async detectLanguage(pass: DecoderPass): Promise<string> {
    const logits = await pass.step([this.model.spec.tokens.startOfTranscript]);
    let best: string | undefined;
    let bestLogit = -Infinity;
    for (const [code, id] of this.model.spec.tokens.languages) {
      const logit = logits[id] ?? -Infinity;
      if (best === undefined || logit > bestLogit) {
        best = code;
        bestLogit = logit;
      }
    }
    return best as string;
  }

  private async decodeWindow(pass: DecoderPass, prompt: number[], windowSamples: number, more: boolean, signal: AbortSignal | undefined): Promise<WindowResult> {
    const { spec } = this.model;
    const { tokens } = spec;
    if (!this.timestamps) prompt.push(tokens.noTimestamps);
    const generated: number[] = [];
    const probabilities: number[] = [];
    // The pass may already hold <|startoftranscript|> from language detection.
    let pending = prompt.slice(pass.length);
    for (;;) {
      signal?.throwIfAborted();
      const logits = await pass.step(pending);
      applyRules(logits, { tokens, generated, timestamps: this.timestamps, maxInitialTimestampIndex: spec.maxInitialTimestampIndex });
      const pick = pickGreedy(logits);
      if (pick === null || pick.id === tokens.endOfText) break;
      generated.push(pick.id);
      if (pick.id < tokens.endOfText) probabilities.push(pick.probability);
      // The sequence is what the decoder has seen plus the token just picked.
      if (pass.length + 1 >= spec.maxLength) break;
      pending = [pick.id];
    }
    const duration = windowSamples / WHISPER_SAMPLE_RATE;
    const textTokens = generated.filter((id) => id < tokens.endOfText);
    if (!this.timestamps) {
      return { textTokens, probabilities: probabilities, segments: [], consumed: windowSamples };
    }
    const { segments, complete, lastTimestamp } = segment(generated, tokens.timestampBegin, tokens.endOfText, duration);
    // Whisper's seek: when more audio follows and the window ended inside an unfinished
    // segment, the next window starts at the last timestamp so the cut-off words are heard again.
    if (more && !complete && lastTimestamp > 0) {
      const kept = segments.filter((s) => s.end <= lastTimestamp);
      const keptTokens = kept.flatMap((s) => s.tokens);
      const keptProbabilities = probabilities.slice(0, keptTokens.length);
      return { textTokens: keptTokens, probabilities: keptProbabilities, segments: kept, consumed: Math.round(lastTimestamp * WHISPER_SAMPLE_RATE) };
    }
    return { textTokens, probabilities: probabilities, segments, consumed: windowSamples };
  }
}

/** Cuts generated tokens into segments at timestamp tokens; text after the last timestamp ends at `duration`. */
export function segment(generated: readonly number[], timestampBegin: number, endOfText: number, duration: number): { segments: Segment[]; complete: boolean; lastTimestamp: number } {
  const segments: Segment[] = [];
  let start: number | null = null;
  let lastTimestamp = 0;
  let open: number[] = [];
  for (const id of generated) {
    if (id >= timestampBegin) {
      const time = (id - timestampBegin) * TIMESTAMP_STEP;
      if (open.length > 0) {
        segments.push({ start: start ?? lastTimestamp, end: time, tokens: open });
        open = [];
        start = null;
      } else start = time;
      lastTimestamp = time;
    } else if (id < endOfText) {
      open.push(id);
    }
  }
  const complete = open.length === 0;
  if (!complete) segments.push({ start: start ?? lastTimestamp, end: Math.max(duration, start ?? 0), tokens: open });
  return { segments, complete, lastTimestamp };
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
