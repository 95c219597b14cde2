// Speech recognition with Debian's pocketsphinx (English), one child process per utterance.
// Why a process per utterance: the recogniser keeps no useful state between utterances we
// have already cut, a crash or a hang costs one utterance and not the engine, and the model
// loads in about 0.3 s, small beside recognition itself (about half of real time on one core).
// The audio goes through a private temporary file, deleted when the utterance is done: the
// recogniser opens its input by name, and Node's stdio pipes are sockets it cannot open.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ASR_SAMPLE_RATE, type AsrEngine, type AsrOptions, type AsrResult, type AsrWord } from './engine.js';

export const POCKETSPHINX_BINARY = 'pocketsphinx_continuous';
const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** The recogniser's binary, found on PATH by default. */
  binary?: string;
  /** Directory holding en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict. */
  modelDir?: string;
  /** An utterance taking longer than this is abandoned (the process is killed). */
  timeoutMs?: number;
}

/** Why pocketsphinx cannot run here, or null when it can. */
export function pocketsphinxUnavailable(options: PocketsphinxOptions = {}): string | null {
  const binary = options.binary ?? findOnPath(POCKETSPHINX_BINARY);
  if (!binary) return `${POCKETSPHINX_BINARY} is not installed (Debian: apt-get install pocketsphinx pocketsphinx-en-us)`;
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const missing = ['en-us', 'en-us.lm.bin', 'cmudict-en-us.dict'].filter((file) => !fs.existsSync(path.join(modelDir, file)));
  if (missing.length > 0) return `the English model is missing from ${modelDir} (${missing.join(', ')}; Debian: apt-get install pocketsphinx-en-us)`;
  return null;
}

function findOnPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** 16-bit little-endian PCM of floats in [-1, 1], as the recogniser reads raw input. */
export function toPcm16(samples: Float32Array): Buffer {
  const pcm = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i += 1) {
    const clamped = Math.max(-1, Math.min(1, samples[i] ?? 0));
    pcm.writeInt16LE(Math.round(clamped * 32767), i * 2);
  }
  return pcm;
}

// `word start end posterior`, as printed with `-time yes`; fillers and sentence marks are skipped.
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
const NOT_WORDS = new Set(['<s>', '</s>', '<sil>']);

export function parsePocketsphinxOutput(stdout: string): Pick<AsrResult, 'text' | 'confidence' | 'words'> {
  const words: AsrWord[] = [];
  const posteriors: number[] = [];
  for (const line of stdout.split('\n')) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) continue;
    const [, raw = '', start = '0', end = '0', posterior = '0'] = match;
    if (NOT_WORDS.has(raw) || raw.startsWith('[') || raw.startsWith('+')) continue;
    words.push({ text: raw.replace(/\(\d+\)$/, ''), start: Number(start), end: Number(end) });
    posteriors.push(Number(posterior));
  }
  const confidence = posteriors.length === 0 ? null : posteriors.reduce((a, b) => a + b, 0) / posteriors.length;
  return { text: words.map((w) => w.text).join(' '), confidence, words };
}

export class PocketsphinxEngine implements AsrEngine {
  readonly name = 'pocketsphinx';
  readonly languages = ['en'] as const;
  private readonly binary: string;
  private readonly modelDir: string;
  private readonly timeoutMs: number;

  constructor(options: PocketsphinxOptions = {}) {
    const reason = pocketsphinxUnavailable(options);
    if (reason) throw new Error(reason);
    this.binary = options.binary ?? findOnPath(POCKETSPHINX_BINARY) ?? POCKETSPHINX_BINARY;
    this.modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async transcribe(samples: Float32Array, options: AsrOptions = {}): Promise<AsrResult> {
    if (options.language && options.language !== 'en') {
      throw new Error(`pocketsphinx transcribes English only, not '${options.language}'`);
    }
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'roundtable-asr-'));
    const input = path.join(dir, `${randomUUID()}.raw`);
    try {
      await fs.promises.writeFile(input, toPcm16(samples), { mode: 0o600 });
      const stdout = await this.run(input, options.signal);
      return { ...parsePocketsphinxOutput(stdout), language: 'en' };
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }

  private run(input: string, signal: AbortSignal | undefined): Promise<string> {
    const args = [
      '-infile', input,
      '-samprate', String(ASR_SAMPLE_RATE),
      '-hmm', path.join(this.modelDir, 'en-us'),
      '-lm', path.join(this.modelDir, 'en-us.lm.bin'),
      '-dict', path.join(this.modelDir, 'cmudict-en-us.dict'),
      '-time', 'yes',
      '-logfn', '/dev/null',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, timeout: this.timeoutMs, killSignal: 'SIGKILL' });
      const out: Buffer[] = [];
      let errText = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        if (errText.length < 2000) errText += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code, stoppedBy) => {
        if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
        reject(new Error(stoppedBy ? `${POCKETSPHINX_BINARY} was stopped (${stoppedBy})` : `${POCKETSPHINX_BINARY} exited with ${code}: ${errText.trim().slice(0, 300)}`));
      });
    });
  }

  async close(): Promise<void> {}
}
