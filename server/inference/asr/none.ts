// ASR_ENGINE=none: no text, but every utterance is still recorded with its speaker, start and
// end, so a meeting keeps who spoke when even where no recogniser is installed.
import type { AsrEngine, AsrResult } from './engine.js';

export class NoAsrEngine implements AsrEngine {
  readonly name = 'none';
  readonly languages = [] as const;

  async transcribe(): Promise<AsrResult> {
    return { text: '', confidence: null, language: null };
  }

  async close(): Promise<void> {}
}
