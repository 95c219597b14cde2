// pino JSON logs. Anything that can carry a credential is redacted by key, at any of
// the depths we log, so a careless `log.info({body})` still cannot leak a password.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'password',
  'new_password',
  'current_password',
  'token',
  'access',
  'refresh',
  'ticket',
  'secret',
  'jwtSecret',
  'authorization',
  'cookie',
  'set-cookie',
  'smtpUrl',
  'databaseUrl',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const sep = k.startsWith('[') ? '' : '.';
    paths.push(k, `*${sep}${k}`, `*.*${sep}${k}`, `*.*.*${sep}${k}`);
  }
  return paths;
}

export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const SECRET_QUERY_PARAMS = /([?&](?:token|ticket|access|refresh|code|password)=)[^&#]*/gi;

/** A URL fit for a log line: credential-like query parameters are masked. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}
