// The speech-recognition task: one interface every engine implements (pocketsphinx as a child
// process, Whisper on onnxruntime-node, or none), chosen by ASR_ENGINE in the composition root.
// Audio arrives as one utterance already cut by voice activity detection: 16 kHz mono floats.

export const ASR_SAMPLE_RATE = 16_000;

export interface AsrOptions {
  /** BCP 47 primary language ('en', 'ko'); absent: the engine detects it, when it can. */
  language?: string;
  signal?: AbortSignal;
}

export interface AsrWord {
  text: string;
  /** Seconds from the start of the utterance. */
  start: number;
  end: number;
}

export interface AsrResult {
  text: string;
  /** 0..1; engines without a measure report null. */
  confidence: number | null;
  /** The language the text is in (forced or detected); null when the engine cannot tell. */
  language: string | null;
  words?: AsrWord[];
}

export interface AsrEngine {
  /** A stable name stored with every transcript segment ('pocketsphinx', 'whisper', 'none'). */
  readonly name: string;
  /** Languages it can transcribe; empty for `none`. */
  readonly languages: readonly string[];
  transcribe(samples: Float32Array, options?: AsrOptions): Promise<AsrResult>;
  close(): Promise<void>;
}
