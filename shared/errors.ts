// One error shape for every edge: {error: {code, message, details?}}.
// Codes are stable API: clients branch on them, so they are listed here and never renamed.
import { withProblemCodes, type FieldProblemInput } from './field-problems.js';

export const ERROR_CODES = {
  validation_failed: 400,
  bad_request: 400,
  invalid_json: 400,
  invalid_token: 400,
  token_missing: 401,
  token_malformed: 401,
  token_signature_invalid: 401,
  token_algorithm_invalid: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  token_audience_invalid: 401,
  token_issuer_invalid: 401,
  token_type_invalid: 401,
  token_revoked: 401,
  token_reused: 401,
  invalid_credentials: 401,
  email_not_verified: 403,
  forbidden: 403,
  join_password_invalid: 403,
  banned: 403,
  not_found: 404,
  username_taken: 409,
  email_taken: 409,
  conflict: 409,
  club_full: 409,
  already_member: 409,
  /** A recording names a speaker who opted out of transcription: nothing of it is processed. */
  speaker_opted_out: 409,
  /** The meeting's media lives on another node: `details.url` says where to connect. */
  meeting_elsewhere: 421,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Media parameters the meeting cannot handle (a codec or extension it does not offer, no codec in common). */
  unsupported_media: 400,
  rate_limited: 429,
  /** The user already has UPLOAD_CONCURRENCY_PER_USER uploads in progress. */
  too_many_uploads: 429,
  internal_error: 500,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly status: number;
  readonly details?: unknown;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
    // Field problems listed by hand (a service's own check) get their code here, so every one has it.
    this.details = code === 'validation_failed' ? withProblemCodes(details) : details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export type { FieldProblem, FieldProblemCode } from './field-problems.js';

/** A 400 listing each field problem in `details`; one without a code is `custom`. */
export function validationError(problems: FieldProblemInput[]): AppError {
  const summary = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  return new AppError('validation_failed', `Invalid request: ${summary}`, problems);
}

export function rateLimited(retryAfterSeconds: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError('rate_limited', `Too many attempts; try again in ${seconds} s`, { retry_after: seconds }, {
    'Retry-After': String(seconds),
  });
}
