// The last stop of every request: known errors keep their code, body-parser errors get
// stable codes, anything else is logged with its stack and answered without one.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../shared/errors.js';
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

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const known = err instanceof AppError ? err : fromParser(err as HttpParserError);
  const error = known ?? new AppError('internal_error', 'Internal server error');
  if (!known) locals(res).log?.error({ err }, 'unhandled error');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.set(error.headers).status(error.status).json(error.toBody());
}
