// The logit rules Whisper's greedy decoder applies before each pick (openai/whisper decoding.py:
// SuppressTokens, SuppressBlank, ApplyTimestampRules), as pure functions over one logits row.
import type { WhisperTokens } from './config.js';

export interface RuleContext {
  tokens: WhisperTokens;
  /** Tokens generated so far in this window, prompt excluded. */
  generated: readonly number[];
  timestamps: boolean;
  maxInitialTimestampIndex: number;
}

function suppressRange(logits: Float32Array, from: number, to: number): void {
  logits.fill(-Infinity, Math.max(0, from), Math.min(logits.length, to));
}

/** Mutates `logits` in place. */
export function applyRules(logits: Float32Array, context: RuleContext): void {
  const { tokens, generated } = context;
  for (const id of tokens.suppress) if (id >= 0 && id < logits.length) logits[id] = -Infinity;
  // Control tokens (start, languages, tasks, <|notimestamps|>) never appear in the text.
  suppressRange(logits, tokens.endOfText + 1, tokens.timestampBegin);
  if (generated.length === 0) {
    // No blank or empty transcript at the start (begin_suppress_tokens: " " and <|endoftext|>).
    for (const id of tokens.beginSuppress) if (id >= 0 && id < logits.length) logits[id] = -Infinity;
  }
  if (!context.timestamps) {
    suppressRange(logits, tokens.timestampBegin, logits.length);
    return;
  }
  applyTimestampRules(logits, context);
}

function applyTimestampRules(logits: Float32Array, { tokens, generated, maxInitialTimestampIndex }: RuleContext): void {
  const begin = tokens.timestampBegin;
  const isTimestamp = (id: number | undefined): boolean => id !== undefined && id >= begin;
  const count = generated.length;
  const lastWasTimestamp = count >= 1 && isTimestamp(generated[count - 1]);
  const penultimateWasTimestamp = count < 2 || isTimestamp(generated[count - 2]);
  if (lastWasTimestamp) {
    // Timestamps come in pairs around text: after a pair, text; after one closing a segment,
    // another timestamp (the next segment's start) or the end.
    if (penultimateWasTimestamp) suppressRange(logits, begin, logits.length);
    else suppressRange(logits, 0, tokens.endOfText);
  }
  // Timestamps never go back, and a segment that opened must not close at its own start.
  let lastTimestamp = -1;
  for (const id of generated) if (isTimestamp(id)) lastTimestamp = id;
  if (lastTimestamp >= 0) {
    const lowest = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
    suppressRange(logits, begin, lowest);
  }
  if (count === 0) {
    // The first token is a timestamp, no later than max_initial_timestamp (1 s by default).
    suppressRange(logits, 0, begin);
    suppressRange(logits, begin + maxInitialTimestampIndex + 1, logits.length);
  }
  // When the timestamps together are likelier than any single text token, pick a timestamp.
  const logProbs = logSoftmax(logits);
  let timestampMass = -Infinity;
  for (let i = begin; i < logProbs.length; i += 1) timestampMass = logAddExp(timestampMass, logProbs[i] as number);
  let bestText = -Infinity;
  for (let i = 0; i < begin; i += 1) bestText = Math.max(bestText, logProbs[i] as number);
  if (timestampMass > bestText) suppressRange(logits, 0, begin);
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  const out = new Float64Array(logits.length);
  if (max === -Infinity) return out.fill(-Infinity);
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  for (let i = 0; i < logits.length; i += 1) out[i] = (logits[i] as number) - logSum;
  return out;
}

/** The best token and its probability under the (already filtered) logits; null when all are suppressed. */
export function pickGreedy(logits: Float32Array): { id: number; probability: number } | null {
  let best = 0;
  for (let i = 1; i < logits.length; i += 1) if ((logits[i] as number) > (logits[best] as number)) best = i;
  if (logits[best] === -Infinity || Number.isNaN(logits[best])) return null;
  let sum = 0;
  const top = logits[best] as number;
  for (const value of logits) if (value !== -Infinity) sum += Math.exp(value - top);
  return { id: best, probability: 1 / sum };
}
