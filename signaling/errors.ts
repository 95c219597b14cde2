// Errors as clients see them: `{code, message, details?}` with the stable codes of
// shared/errors.ts, in acks, in `protocol:error` and in the handshake's connect_error.
import { type z } from 'zod';
import { AppError, validationError } from '../shared/errors.js';
import { fieldProblemsFromZod } from '../shared/field-problems.js';
import type { Logger } from '../shared/logger.js';
import type { SignalingError } from '../shared/protocol/signaling.js';

/** The refusal of a payload that failed its schema: the same field problems as REST's. */
export function invalidPayload(error: z.ZodError, payload: unknown): AppError {
  return validationError(fieldProblemsFromZod(error, payload));
}

/** Anything thrown by a handler, as a client may see it; unexpected errors are logged, not shown. */
export function toSignalingError(err: unknown, logger: Logger, context: Record<string, unknown>): SignalingError {
  if (err instanceof AppError) {
    const { error } = err.toBody();
    return error;
  }
  logger.error({ err, ...context }, 'signaling handler failed');
  return { code: 'internal_error', message: 'Something went wrong on the server' };
}

/** The Error a Socket.IO middleware hands to next(): the client gets `message` and `data`. */
export function handshakeError(error: SignalingError): Error & { data: SignalingError } {
  return Object.assign(new Error(error.message), { data: error });
}
