// Per-request context: a request id (taken from X-Request-Id when it looks safe), a child
// logger carrying it, and one access-log line when the response is done.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { loggableUrl, type Logger } from '../../shared/logger.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestAuth {
  userId: number;
  sessionId: string;
}

export interface RequestLocals {
  requestId: string;
  /** A logger tagged with the request id, made on first use (most requests never log). */
  readonly log: Logger;
  auth?: RequestAuth;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

function defineRequestLogger(res: Response, logger: Logger, requestId: string): void {
  let child: Logger | undefined;
  Object.defineProperty(res.locals, 'log', {
    get: () => (child ??= logger.child({ reqId: requestId })),
    enumerable: true,
  });
}

export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    defineRequestLogger(res, logger, requestId);
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      logger[level](
        {
          reqId: requestId,
          method: req.method,
          url: loggableUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          userId: locals(res).auth?.userId,
          ip: req.ip,
        },
        'request',
      );
    });
    next();
  };
}

/** Conservative headers for a JSON API. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-site');
  next();
}

/** CORS for the configured browser origins only; credentials travel in headers, not cookies. */
export function cors(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
