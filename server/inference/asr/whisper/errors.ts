// Errors the Whisper engine raises, with stable codes the pipeline can branch on and report.
export type WhisperErrorCode =
  /** ASR_MODEL_DIR is missing files the export layout needs (the message lists them). */
  | 'model_incomplete'
  /** A file is there but not what a Whisper export holds (bad JSON, missing inputs or outputs). */
  | 'model_invalid'
  | 'language_unsupported'
  | 'audio_invalid'
  | 'audio_too_long';

export class WhisperError extends Error {
  constructor(readonly code: WhisperErrorCode, message: string) {
    super(message);
    this.name = 'WhisperError';
  }
}
