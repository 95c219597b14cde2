// pino JSON logs. Any key that can carry a credential is redacted at any depth, so a
// careless `log.info({body})` still cannot leak a password. A key-set walk is used rather
// than pino's path-based redaction: it covers every depth and costs a few Set lookups on
// the flat objects that make up nearly all log lines.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

// Key names that can carry a credential, however they are spelled (accessToken,
// refresh_token, passwordHash, x-api-key, …). Exact names catch the short ones.
const SECRET_KEY_PATTERN = /pass(word|wd)?|secret|token|ticket|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|credential|smtp[-_]?url|database[-_]?url|redis[-_]?url/i;
const SECRET_KEYS = new Set(['access', 'refresh', 'jwt']);

const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase()) || SECRET_KEY_PATTERN.test(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with secret-named keys censored at any depth; the same reference when
 * nothing is. Errors become plain objects (type, message, stack and their own fields,
 * censored too). Past MAX_DEPTH everything is censored rather than trusted.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return CENSOR as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    (value as unknown[]).forEach((item, i) => {
      const redacted = redactSecrets(item, depth + 1);
      if (redacted !== item) (copy ??= [...(value as unknown[])])[i] = redacted;
    });
    return (copy ?? value) as T;
  }
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { type: value.name, message: value.message, stack: value.stack };
    for (const key of Object.keys(value)) plain[key] = (value as unknown as Record<string, unknown>)[key];
    return redactSecrets(plain, depth) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key in value) {
    const item = value[key];
    const redacted = isSecretKey(key) ? (item === undefined ? item : CENSOR) : redactSecrets(item, depth + 1);
    if (redacted !== item) (copy ??= { ...value })[key] = redacted;
  }
  return (copy ?? value) as T;
}

export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object),
      },
    },
    // Asynchronous writes coalesce under load; pino flushes them when the process exits.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const SECRET_QUERY_PARAMS = /([?&](?:[^=&#]*(?:token|ticket|pass|secret|key|code|auth)[^=&#]*|access|refresh)=)[^&#]*/gi;

/** Paths whose next segment is a credential: a calendar subscription address carries its token. */
const SECRET_PATH_SEGMENTS = /(\/calendar\/feeds\/)[^/?#.]+/gi;

/** A URL fit for a log line: credential-like query parameters and secret path segments are masked. */
export function loggableUrl(url: string): string {
  const path = url.replace(SECRET_PATH_SEGMENTS, '$1[redacted]');
  return path.includes('=') ? path.replace(SECRET_QUERY_PARAMS, '$1[redacted]') : path;
}
