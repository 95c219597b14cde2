import type { NextFunction, Request, Response } from 'express';
import type { TokenService } from '../../shared/auth/tokens.js';
import { AppError } from '../../shared/errors.js';
import type { SessionService } from '../auth/sessions.js';
import { locals, type RequestAuth } from './context.js';

/** The bearer token of a request ("Bearer" or djoser's "JWT" scheme). */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^(?:Bearer|JWT)\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new AppError('token_malformed', 'Authorization header must be "Bearer <token>"');
  return match[1];
}

export function authenticate(tokens: TokenService, sessions: SessionService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req);
    if (!token) throw new AppError('token_missing', 'Authentication is required');
    const claims = await tokens.verifyAccess(token);
    await sessions.assertLive(claims);
    locals(res).auth = { userId: claims.userId, sessionId: claims.sessionId };
    next();
  };
}

/** The caller of a route behind authenticate(). */
export function authOf(res: Response): RequestAuth {
  const auth = locals(res).auth;
  if (!auth) throw new AppError('token_missing', 'Authentication is required');
  return auth;
}
