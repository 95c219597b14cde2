// `npm run mail:outbox`: prints the mail waiting in the outbox (a server without SMTP_URL
// keeps it there instead of sending it), for the operator to pass on.
//   npm run mail:outbox                      list pending mail (oldest first)
//   npm run mail:outbox -- --limit 200       list more
//   npm run mail:outbox -- --done 12,13      mark mail 12 and 13 as handed over (drops its text)
//   npm run mail:outbox -- --done all        mark all pending mail as handed over
// With the embedded PGlite database, stop the server first: only one process may open it.
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/open.js';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { readEnvironment } from '../../shared/environment.js';
import { formatMail, markHandedOver, pendingMail } from './operator.js';

class UsageError extends Error {}

function parseIds(value: string): number[] | 'all' {
  if (value === 'all') return 'all';
  const ids = value.split(',').map((part) => Number(part.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id <= 0 || id > 2 ** 31 - 1)) throw new UsageError(`--done: expected "all" or mail ids like 12,13 (got "${value}")`);
  return ids;
}

try {
  const { values } = parseArgs({ options: { done: { type: 'string' }, limit: { type: 'string', default: '50' } }, strict: true });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit: expected a whole number from 1 to 10000');
  const done = values.done === undefined ? undefined : parseIds(values.done);
  const config = loadConfig(readEnvironment());
  const handle = await openDatabase(config.database);
  try {
    if (done !== undefined) {
      console.log(`Marked ${await markHandedOver(handle.db, done)} mail as handed over.`);
    } else {
      const mail = await pendingMail(handle.db, limit);
      for (const m of mail) console.log(formatMail(m));
      console.log(mail.length === 0 ? 'No mail waiting.' : `${mail.length} mail waiting${mail.length === limit ? ` (the first ${limit}; --limit shows more)` : ''}. Mark it handed over with --done <ids|all>.`);
    }
  } finally {
    await handle.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (err as Error).message : `mail:outbox failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
