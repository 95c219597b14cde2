// The last stop of every request: known errors keep their code, body-parser errors get
// stable codes, database errors the client caused get 4xx, anything else is logged with its
// stack and answered without one.
import type { NextFunction, Request, Response } from 'express';
import { AppError, validationError } from '../../shared/errors.js';
import { locals } from './context.js';

interface HttpParserError {
  type?: string;
  status?: number;
}

function fromParser(err: HttpParserError): AppError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Unsupported request body encoding');
    default:
      // Other client errors raised by Express or its parsers (a malformed URL escape, …).
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return new AppError('bad_request', 'Malformed request');
      }
      return null;
  }
}

/** What pg and PGlite both put on a server error: the SQLSTATE, its severity, the constraint. */
interface DatabaseErrorLike {
  code: string;
  severity: string;
  constraint?: string;
}

function isDatabaseError(err: unknown): err is DatabaseErrorLike {
  if (typeof err !== 'object' || err === null) return false;
  const { code, severity } = err as { code?: unknown; severity?: unknown };
  // Node's own errors have codes too (EPIPE), but no severity.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/**
 * A safety net behind validation: input the schemas let through but the database refused.
 * Messages are fixed text; the database's own (with SQL and values) never reaches the client.
 */
function fromDatabase(err: DatabaseErrorLike): AppError | null {
  switch (err.code) {
    case '22021': // invalid byte sequence (NUL in text)
    case '22P05': // untranslatable character (\u0000 in JSON)
      return validationError([{ path: '', message: 'text contains a NUL character', code: 'custom', rule: 'no_nul' }]);
    case '22003':
      return validationError([{ path: '', message: 'a number is out of range' }]);
    case '23503':
      return validationError([{ path: '', message: 'refers to something that does not exist' }]);
    case '23505':
      return new AppError('conflict', 'This conflicts with something that already exists');
    default:
      return null;
  }
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const dbError = isDatabaseError(err) ? err : null;
  const fromDb = dbError ? fromDatabase(dbError) : null;
  // Still worth a look (validation let it through); the code only, as PGlite errors carry the query's values.
  if (dbError && fromDb) locals(res).log?.warn({ sqlstate: dbError.code, constraint: dbError.constraint }, 'database refused client input');
  const known = err instanceof AppError ? err : (fromDb ?? fromParser(err as HttpParserError));
  const error = known ?? new AppError('internal_error', 'Internal server error');
  if (!known) locals(res).log?.error({ err }, 'unhandled error');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.set(error.headers).status(error.status).json(error.toBody());
}
