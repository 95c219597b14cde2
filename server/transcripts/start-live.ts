// Builds transcription from configuration: the speech recogniser ASR_ENGINE names (or, unset,
// pocketsphinx where it is installed and none elsewhere, said once at start) and the inference
// pool that runs voice activity detection and Whisper off the event loop, shared by live transcription and
// uploaded recordings; then the service that listens to the SFU's audio taps, and its metrics.
// Every engine is listed in the registry.
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { Gauge, Counter, type Registry } from 'prom-client';
import type { Database } from '../../db/types.js';
import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import type { AudioTaps } from '../../sfu/audio-taps.js';
import type { AsrEngine } from '../inference/asr/engine.js';
import { NoAsrEngine } from '../inference/asr/none.js';
import { PocketsphinxEngine, pocketsphinxUnavailable } from '../inference/asr/pocketsphinx.js';
import { createPooledWhisperEngine } from '../inference/asr/whisper/pooled.js';
import { InferencePool } from '../inference/pool/pool.js';
import type { ModelRegistry } from '../inference/registry.js';
import { PooledVad, type StreamVad } from '../inference/vad/pooled.js';
import { bundledSileroModelPath } from '../inference/vad/silero.js';
import { LiveTranscription } from './live.js';
import type { Clock } from './recognition-queue.js';
import type { TranscriptSink } from './sink.js';

/** The recogniser and voice activity detection, for live meetings and uploaded recordings alike. */
export interface Speech {
  asr: AsrEngine;
  /** A fresh VAD for one stream (its state is the stream's). */
  vad(): StreamVad;
  close(): Promise<void>;
}

export interface SpeechDeps {
  config: Config['transcription'];
  models: ModelRegistry;
  logger: Logger;
}

export async function startSpeech(deps: SpeechDeps): Promise<Speech> {
  // Worker threads start on the first request: a node that never transcribes pays nothing.
  const pool = new InferencePool({ size: deps.config.inferenceWorkers });
  let asr: AsrEngine;
  try {
    asr = await chooseAsr(deps.config, pool, deps.logger);
  } catch (err) {
    await pool.close();
    throw err;
  }
  listEngines(deps.models, deps.config, asr);
  return {
    asr,
    vad: () => new PooledVad(pool),
    async close() {
      await pool.close();
      await asr.close();
    },
  };
}

export interface TranscriptionDeps {
  config: Config['transcription'];
  speech: Speech;
  db: Kysely<Database>;
  taps: AudioTaps;
  sink: TranscriptSink;
  metrics: Registry;
  logger: Logger;
  clock?: Clock;
}

export interface Transcription {
  live: LiveTranscription;
  asr: AsrEngine;
  /** Stops listening; what was said is recognised for up to `graceMs` first (speech stays open). */
  close(graceMs?: number): Promise<void>;
}

/** The recogniser to run, and why when it is not the one asked for. */
async function chooseAsr(config: Config['transcription'], pool: InferencePool, logger: Logger): Promise<AsrEngine> {
  switch (config.asrEngine) {
    case 'whisper': {
      if (!config.asrModelDir) throw new Error('ASR_ENGINE=whisper needs ASR_MODEL_DIR: a directory holding a Whisper ONNX export (see README, "Speech recognition")');
      // Loads the model in one worker now, so an incomplete ASR_MODEL_DIR fails start-up with the loader's message.
      return createPooledWhisperEngine(pool, { modelDir: config.asrModelDir, ...(config.asrLanguage ? { language: config.asrLanguage } : {}) });
    }
    case 'pocketsphinx':
      return new PocketsphinxEngine();
    case 'none':
      return new NoAsrEngine();
    case undefined: {
      const reason = pocketsphinxUnavailable();
      if (reason === null) {
        logger.info('speech recognition: pocketsphinx (English); set ASR_ENGINE to choose another');
        return new PocketsphinxEngine();
      }
      logger.info({ reason }, 'speech recognition: none (who spoke when is still recorded); set ASR_ENGINE to choose one');
      return new NoAsrEngine();
    }
  }
}

function listEngines(models: ModelRegistry, config: Config['transcription'], chosen: AsrEngine): void {
  const silero = bundledSileroModelPath();
  models.registerEngine({
    id: 'silero-vad-v5',
    name: 'Voice activity (Silero VAD v5)',
    description: 'Finds speech in meeting audio, 32 ms windows at 16 kHz, on onnxruntime in worker threads',
    task: 'vad',
    ...(fs.existsSync(silero) ? { state: 'ready' as const } : { state: 'unavailable' as const, detail: `missing model file ${silero}` }),
  });
  const notChosen = `not selected (ASR_ENGINE=${chosen.name})`;
  const sphinxReason = pocketsphinxUnavailable();
  models.registerEngine({
    id: 'pocketsphinx',
    name: 'Speech recognition (pocketsphinx, English)',
    description: "Debian's pocketsphinx with its US English model, one process per utterance; English only",
    task: 'asr',
    ...(chosen.name === 'pocketsphinx' ? { state: 'ready' as const } : { state: 'unavailable' as const, detail: sphinxReason ?? notChosen }),
  });
  models.registerEngine({
    id: 'whisper',
    name: 'Speech recognition (Whisper, many languages)',
    description: 'A Whisper ONNX export from ASR_MODEL_DIR on onnxruntime in worker threads; the one engine here that transcribes Korean',
    task: 'asr',
    ...(chosen.name === 'whisper'
      ? { state: 'ready' as const }
      : { state: 'unavailable' as const, detail: config.asrModelDir ? notChosen : 'no model: set ASR_MODEL_DIR to a Whisper ONNX export and ASR_ENGINE=whisper' }),
  });
  models.registerEngine({
    id: 'asr-none',
    name: 'No speech recognition',
    description: 'Records who spoke when, without text',
    task: 'asr',
    ...(chosen.name === 'none' ? { state: 'ready' as const } : { state: 'unavailable' as const, detail: notChosen }),
  });
}

export function startTranscription(deps: TranscriptionDeps): Transcription {
  const { asr } = deps.speech;
  const live = new LiveTranscription({
    db: deps.db,
    taps: deps.taps,
    asr,
    vad: () => deps.speech.vad(),
    sink: deps.sink,
    clock: deps.clock ?? { now: () => Date.now() },
    logger: deps.logger,
    queue: { maxPending: deps.config.maxPending, concurrency: deps.config.concurrency },
  });
  const registers = [deps.metrics];
  new Gauge({ name: 'roundtable_transcription_pending_utterances', help: 'Utterances waiting for speech recognition', registers, collect() { this.set(live.queue.size); } });
  new Gauge({ name: 'roundtable_transcription_lag_seconds', help: 'How long the oldest utterance waiting for recognition has waited', registers, collect() { this.set(live.queue.lagSeconds()); } });
  new Gauge({ name: 'roundtable_transcription_streams', help: 'Microphones being transcribed on this node', registers, collect() { this.set(live.streamCount); } });
  new Counter({ name: 'roundtable_transcription_refused_total', help: 'Utterances recorded without text because recognition fell too far behind', registers, collect() { this.reset(); this.inc(live.queue.refused); } });
  new Counter({ name: 'roundtable_transcript_segments_total', help: 'Transcript segments recorded on this node', registers, collect() { this.reset(); this.inc(live.segments); } });
  return {
    live,
    asr,
    async close(graceMs) {
      await live.close(graceMs);
    },
  };
}
