// /auth: djoser-style account and token endpoints.
import { Router, type Request, type RequestHandler } from 'express';
import type { TokenService } from '../../shared/auth/tokens.js';
import {
  emailOnlySchema,
  logoutSchema,
  resetPasswordConfirmSchema,
  setPasswordSchema,
  signUpSchema,
  tokenCreateSchema,
  tokenRefreshSchema,
  tokenVerifySchema,
  uidTokenSchema,
} from '../../shared/protocol/auth.js';
import { authOf } from '../http/authenticate.js';
import { locals } from '../http/context.js';
import { clientKey, type RateLimiter } from '../http/rate-limit.js';
import { parse } from '../http/validate.js';
import type { AccountService } from './accounts.js';
import type { SessionService } from './sessions.js';

export interface AuthRateLimits {
  perIp: RateLimiter;
  perAccount: RateLimiter;
}

export interface AuthRouteDeps {
  accounts: AccountService;
  sessions: SessionService;
  tokens: TokenService;
  limits: AuthRateLimits;
  requireAuth: RequestHandler;
}

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function ipBucket(req: Request): string {
  return clientKey(clientIp(req));
}

export function authRoutes({ accounts, sessions, tokens, limits, requireAuth }: AuthRouteDeps): Router {
  const router = Router();
  const limitIp = (action: string, req: Request) => limits.perIp.consume(`${action}:ip:${ipBucket(req)}`);
  const limitAccount = (action: string, account: string) => limits.perAccount.consume(`${action}:acct:${account.toLowerCase()}`);

  router.post('/users', async (req, res) => {
    await limitIp('signup', req);
    const body = parse(signUpSchema, req.body);
    await limitAccount('signup', body.email);
    res.status(201).json(await accounts.signUp(body));
  });

  router.post('/jwt/create', async (req, res) => {
    await limitIp('login', req);
    const body = parse(tokenCreateSchema, req.body);
    const identifier = (body.username ?? body.email) as string;
    // One budget per account, however it is named (username or email).
    const account = (await accounts.accountKey(identifier)) ?? identifier.toLowerCase();
    await limitAccount('login', account);
    const pair = await accounts.login(identifier, body.password, { ip: clientIp(req), userAgent: req.get('user-agent') });
    // A successful login clears the account's failure budget; the IP budget stays.
    await limits.perAccount.reset(`login:acct:${account}`);
    res.json(pair);
  });

  router.post('/jwt/refresh', async (req, res) => {
    const { refresh } = parse(tokenRefreshSchema, req.body);
    res.json(await sessions.rotate(refresh));
  });

  router.post('/jwt/verify', async (req, res) => {
    const { token } = parse(tokenVerifySchema, req.body);
    const claims = await tokens.verifyAccess(token);
    await sessions.assertLive(claims);
    res.json({});
  });

  router.post('/logout', requireAuth, async (req, res) => {
    parse(logoutSchema, req.body);
    const { userId, sessionId } = authOf(res);
    await sessions.revoke(userId, sessionId, 'logout');
    res.status(204).end();
  });

  router.post('/logout-all', requireAuth, async (_req, res) => {
    await sessions.revokeAll(authOf(res).userId, 'logout_all');
    res.status(204).end();
  });

  router.post('/users/activation', async (req, res) => {
    await limitIp('activation', req);
    const { uid, token } = parse(uidTokenSchema, req.body);
    await accounts.activate(uid, token);
    res.status(204).end();
  });

  router.post('/users/resend_activation', async (req, res) => {
    await limitIp('mail', req);
    const { email } = parse(emailOnlySchema, req.body);
    await limitAccount('mail', email);
    accounts.requestMail('activation', email, (err) => locals(res).log.error({ err: err.message }, 'activation mail request failed'));
    res.status(204).end();
  });

  router.post('/users/reset_password', async (req, res) => {
    await limitIp('mail', req);
    const { email } = parse(emailOnlySchema, req.body);
    await limitAccount('mail', email);
    accounts.requestMail('password_reset', email, (err) => locals(res).log.error({ err: err.message }, 'password reset request failed'));
    res.status(204).end();
  });

  router.post('/users/reset_password_confirm', async (req, res) => {
    await limitIp('activation', req);
    const body = parse(resetPasswordConfirmSchema, req.body);
    await accounts.confirmPasswordReset(body.uid, body.token, body.new_password);
    res.status(204).end();
  });

  router.post('/users/set_password', requireAuth, async (req, res) => {
    const body = parse(setPasswordSchema, req.body);
    const { userId, sessionId } = authOf(res);
    await limitAccount('set_password', String(userId));
    await accounts.setPassword(userId, sessionId, body.current_password, body.new_password);
    res.status(204).end();
  });

  return router;
}
