// mediasoup refuses bad client input with TypeError (malformed parameters) or UnsupportedError
// (codecs or capabilities it cannot match): those are the client's mistakes, not ours.
import { AppError } from '../shared/errors.js';

export async function clientMedia<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TypeError || (err instanceof Error && err.name === 'UnsupportedError')) {
      throw new AppError('bad_request', err.message);
    }
    throw err;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
