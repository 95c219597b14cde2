// One error type for everything the client calls: the server's {code, message, details} for
// REST and socket acks alike, plus the three ways a call can fail before the server answers.
import type { ErrorCode } from '../../../shared/errors.js';
import { fieldProblemWords, type FieldProblemLike } from '../ui/field-problem-words.js';

export type ClientErrorCode = ErrorCode | 'network' | 'timeout' | 'unexpected';

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status = 0,
    readonly details?: unknown,
    /** Seconds to wait before trying again (a 429's Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The field problems of a validation_failed error in the page's language, keyed by field path. */
  fieldProblems(): Map<string, string> {
    const problems = new Map<string, string>();
    if (this.code !== 'validation_failed' || !Array.isArray(this.details)) return problems;
    for (const item of this.details as unknown[]) {
      if (isFieldProblem(item) && !problems.has(item.path)) problems.set(item.path, fieldProblemWords(item));
    }
    return problems;
  }
}

function isFieldProblem(value: unknown): value is FieldProblemLike {
  return typeof value === 'object' && value !== null && typeof (value as FieldProblemLike).path === 'string' && typeof (value as FieldProblemLike).message === 'string';
}

/** Token errors after which only a new login helps (a refresh cannot). */
export const SESSION_ENDING_CODES: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>(['token_revoked', 'token_reused', 'invalid_token']);

export function isAuthError(code: ClientErrorCode): boolean {
  return code === 'token_missing' || code.startsWith('token_');
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DOMException && err.name === 'AbortError') return new ApiError('timeout', err.message);
  if (err instanceof TypeError) return new ApiError('network', err.message);
  return new ApiError('unexpected', err instanceof Error ? err.message : String(err));
}
