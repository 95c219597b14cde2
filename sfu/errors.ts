// mediasoup refuses bad client input with TypeError (malformed parameters) or UnsupportedError
// (codecs or capabilities it cannot match): those are the client's mistakes, not ours. Their
// texts are mediasoup's internals (`Cannot read properties of undefined …`, worker method
// names) and change between versions, so the client gets a stable code and fixed words per
// operation, and the detail goes to the server log.
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** What each client-driven media call says when mediasoup refuses its input. */
const REFUSALS = {
  'transport:connect': { invalid: 'invalid DTLS parameters', unsupported: 'unsupported DTLS parameters' },
  'plain-transport:connect': { invalid: 'invalid remote address', unsupported: 'unsupported remote address' },
  produce: { invalid: 'invalid RTP parameters', unsupported: 'unsupported RTP parameters: a codec or header extension this meeting does not offer' },
  consume: { invalid: 'invalid RTP capabilities', unsupported: 'your device cannot receive this producer (no codec in common)' },
  'consumer:set-layers': { invalid: 'invalid layers or priority', unsupported: 'unsupported layers or priority' },
} as const;

export type MediaOperation = keyof typeof REFUSALS;

/** Who asked for what: the log line of a refusal names them. */
export interface MediaCall {
  operation: MediaOperation;
  logger: Logger;
  meetingId: number;
  userId: number;
}

/** The refusal a client sees for a capability mismatch of `operation` (also used before calling mediasoup). */
export function unsupportedMedia(operation: MediaOperation): AppError {
  return new AppError('unsupported_media', REFUSALS[operation].unsupported);
}

function refusalOf(err: unknown, operation: MediaOperation): AppError | null {
  if (err instanceof TypeError) return new AppError('bad_request', REFUSALS[operation].invalid);
  if (err instanceof Error && err.name === 'UnsupportedError') return unsupportedMedia(operation);
  return null;
}

/**
 * Runs a mediasoup call on client input. Its refusals become stable errors; anything else
 * (a dead worker, a closed transport) goes on as it is, to be logged and answered as internal.
 */
export async function clientMedia<T>(call: MediaCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const refusal = refusalOf(err, call.operation);
    if (!refusal) throw err;
    const { name, message } = err as Error;
    call.logger.info({ operation: call.operation, meetingId: call.meetingId, userId: call.userId, refused: { name, message } }, 'media request refused');
    throw refusal;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
