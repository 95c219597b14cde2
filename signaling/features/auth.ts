// auth:refresh — a client that refreshed its access token over REST hands the new one in,
// and the socket lives on until the new token's expiry.
import { AppError } from '../../shared/errors.js';
import type { SignalingFeature } from '../hub.js';
import type { AccessTokens, SessionLiveness } from '../ports.js';

export function authFeature(tokens: AccessTokens, sessions: SessionLiveness): SignalingFeature {
  return (hub) => {
    hub.on('auth:refresh', async ({ token }, client) => {
      const claims = await tokens.verifyAccess(token);
      await sessions.assertLive(claims);
      if (claims.userId !== client.userId) throw new AppError('forbidden', 'That token belongs to another user');
      client.reauthenticate(claims, () => hub.expire(client));
      return { expires_at: new Date(claims.expiresAt * 1000).toISOString() };
    });
  };
}
