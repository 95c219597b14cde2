// An error in words: the server's code turned into the viewer's language, never a raw code.
import { ApiError, toApiError } from '../api/errors.js';
import { hasMessage, t } from '../i18n/index.js';

export function errorWords(err: unknown): string {
  const error = err instanceof ApiError ? err : toApiError(err);
  const key = `error.${error.code}`;
  let words = hasMessage(key) ? t(key) : t('error.unexpected');
  if (error.retryAfter && (error.code === 'rate_limited' || error.code === 'too_many_uploads')) {
    words = `${words} ${t('error.retry_after', { seconds: Math.ceil(error.retryAfter) })}`;
  }
  return words;
}
