// /auth: djoser-style account and token endpoints, declared like every other endpoint.
import type { Request } from 'express';
import type { TokenService } from '../../shared/auth/tokens.js';
import {
  emailOnlySchema,
  logoutSchema,
  resetPasswordConfirmSchema,
  setPasswordSchema,
  signUpSchema,
  createdUserSchema,
  tokenCreateSchema,
  tokenPairSchema,
  tokenRefreshSchema,
  tokenVerifySchema,
  uidTokenSchema,
  verifiedSchema,
} from '../../shared/protocol/auth.js';
import { Api, type ApiDeps } from '../http/api.js';
import { locals } from '../http/context.js';
import { clientKey, type RateLimiter } from '../http/rate-limit.js';
import type { AccountService } from './accounts.js';
import type { SessionService } from './sessions.js';

export interface AuthRateLimits {
  perIp: RateLimiter;
  perAccount: RateLimiter;
}

export interface AuthRouteDeps extends ApiDeps {
  accounts: AccountService;
  sessions: SessionService;
  tokens: TokenService;
  limits: AuthRateLimits;
}

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function authRoutes(deps: AuthRouteDeps): Api {
  const { accounts, sessions, tokens, limits } = deps;
  const api = new Api(deps, '/auth', 'Auth');
  // The client's budget is spent before the body is read, so malformed attempts count too.
  const perIp = (action: string) => (req: Request) => limits.perIp.consume(`${action}:ip:${clientKey(clientIp(req))}`);
  const limitAccount = (action: string, account: string) => limits.perAccount.consume(`${action}:acct:${account.toLowerCase()}`);

  api.open('post', '/users', { summary: 'Sign up (an activation mail follows when addresses must be verified)', body: signUpSchema, response: createdUserSchema, before: perIp('signup'), rateLimited: true }, async ({ body }) => {
    await limitAccount('signup', body.email);
    return accounts.signUp(body);
  });

  api.open('post', '/jwt/create', { summary: 'Log in with username or email: an access and a refresh token', body: tokenCreateSchema, response: tokenPairSchema, status: 200, before: perIp('login'), rateLimited: true }, async ({ body, req }) => {
    const identifier = (body.username ?? body.email) as string;
    // One budget per account, however it is named (username or email).
    const account = (await accounts.accountKey(identifier)) ?? identifier.toLowerCase();
    await limitAccount('login', account);
    const pair = await accounts.login(identifier, body.password, { ip: clientIp(req), userAgent: req.get('user-agent') });
    // A successful login clears the account's failure budget; the IP budget stays.
    await limits.perAccount.reset(`login:acct:${account}`);
    return pair;
  });

  api.open('post', '/jwt/refresh', { summary: 'Trade a refresh token for a new pair (the old one is spent)', body: tokenRefreshSchema, response: tokenPairSchema, status: 200 }, ({ body }) =>
    sessions.rotate(body.refresh),
  );

  api.open('post', '/jwt/verify', { summary: 'Check an access token (valid, live session)', body: tokenVerifySchema, response: verifiedSchema, status: 200 }, async ({ body }) => {
    const claims = await tokens.verifyAccess(body.token);
    await sessions.assertLive(claims);
    return {};
  });

  api.authed('post', '/logout', { access: 'self', summary: "End this token's session", body: logoutSchema, status: 204 }, async ({ userId, sessionId }) => {
    await sessions.revoke(userId, sessionId, 'logout');
  });

  api.authed('post', '/logout-all', { access: 'self', summary: 'End every session of the account', status: 204 }, async ({ userId }) => {
    await sessions.revokeAll(userId, 'logout_all');
  });

  api.open('post', '/users/activation', { summary: 'Activate an account with the uid and token from its mail', body: uidTokenSchema, status: 204, before: perIp('activation'), rateLimited: true }, async ({ body }) => {
    await accounts.activate(body.uid, body.token);
  });

  api.open('post', '/users/resend_activation', { summary: 'Mail the activation link again (answers the same whether or not the address is known)', body: emailOnlySchema, status: 204, before: perIp('mail'), rateLimited: true }, async ({ body, res }) => {
    await limitAccount('mail', body.email);
    accounts.requestMail('activation', body.email, (err) => locals(res).log.error({ err: err.message }, 'activation mail request failed'));
  });

  api.open('post', '/users/reset_password', { summary: 'Mail a password reset link (answers the same whether or not the address is known)', body: emailOnlySchema, status: 204, before: perIp('mail'), rateLimited: true }, async ({ body, res }) => {
    await limitAccount('mail', body.email);
    accounts.requestMail('password_reset', body.email, (err) => locals(res).log.error({ err: err.message }, 'password reset request failed'));
  });

  api.open('post', '/users/reset_password_confirm', { summary: 'Set a new password with the uid and token from the reset mail', body: resetPasswordConfirmSchema, status: 204, before: perIp('activation'), rateLimited: true }, async ({ body }) => {
    await accounts.confirmPasswordReset(body.uid, body.token, body.new_password);
  });

  api.authed('post', '/users/set_password', { access: 'self', summary: "Change the account's password (other sessions end)", body: setPasswordSchema, status: 204, rateLimited: true }, async ({ body, userId, sessionId }) => {
    await limitAccount('set_password', String(userId));
    await accounts.setPassword(userId, sessionId, body.current_password, body.new_password);
  });

  return api;
}
