// Real speech for tests: Debian's flite (English, the slt voice) or espeak-ng (Korean), made
// 16 kHz mono by sox. Suites that need these tools skip, saying so, where they are missing,
// unless ROUNDTABLE_REQUIRE_SERVICES=1 (set by .ci/run), which turns the skip into a failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from 'mocha';
import { readOggOpus } from '../../server/inference/audio/ogg-opus.js';

export type SpeechTool = 'flite' | 'espeak-ng' | 'sox' | 'pocketsphinx_continuous' | 'opusenc';

function installed(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Call in before(): skips the suite with a clear reason when a tool is missing. */
export function requireTools(ctx: Context, ...tools: SpeechTool[]): void {
  const missing = tools.filter((tool) => !installed(tool));
  if (missing.length === 0) return;
  const reason = `needs ${missing.join(', ')} (Debian packages; .ci/run installs them)`;
  if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and ROUNDTABLE_REQUIRE_SERVICES=1 forbids skipping`);
  console.log(`      [skipped: ${ctx.test?.parent?.fullTitle() ?? 'suite'} ${reason}]`);
  ctx.skip();
}

export interface SpeechOptions {
  /** 'en' uses flite's slt voice; 'ko' uses espeak-ng's Korean voice. */
  language?: 'en' | 'ko';
  /** Seconds of silence before and after. */
  padBefore?: number;
  padAfter?: number;
  rate?: number;
}

/** A WAV file of the sentence, 16 kHz mono 16-bit, in a fresh temporary directory. */
export function speechWav(text: string, options: SpeechOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-speech-'));
  const raw = path.join(dir, 'raw.wav');
  if (options.language === 'ko') execFileSync('espeak-ng', ['-v', 'ko', '-w', raw, text]);
  else execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', raw]);
  const out = path.join(dir, 'speech.wav');
  execFileSync('sox', [raw, '-r', String(options.rate ?? 16_000), '-c', '1', '-b', '16', out, 'pad', String(options.padBefore ?? 0), String(options.padAfter ?? 0)]);
  return out;
}

/** The samples of an audio file as floats in [-1, 1], resampled by sox to `rate`, mono. */
export function readSamples(file: string, rate = 16_000): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-r', String(rate), '-c', '1', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** Speech as 16 kHz floats. */
export function speech(text: string, options: SpeechOptions = {}): Float32Array {
  return readSamples(speechWav(text, options));
}

/** Word error rate of a hypothesis against a reference: word-level edit distance / reference words. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = words(reference);
  const hyp = words(hypothesis);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= hyp.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return ref.length === 0 ? 0 : (previous[hyp.length] ?? 0) / ref.length;
}

function words(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, ' ').split(/\s+/).filter(Boolean);
}

/** The sentence as 20 ms Opus frames (opusenc), as a browser's microphone would send them. */
export function opusFrames(text: string, options: SpeechOptions = {}): Buffer[] {
  const wav = speechWav(text, { ...options, rate: 48_000 });
  const ogg = path.join(path.dirname(wav), 'speech.opus');
  execFileSync('opusenc', ['--quiet', '--framesize', '20', wav, ogg]);
  return readOggOpus(fs.readFileSync(ogg)).packets;
}
