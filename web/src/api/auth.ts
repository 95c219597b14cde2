// Logging in and out: the calls that start and end the session in every tab.
import { logoutSchema, tokenCreateSchema, tokenPairSchema, type TokenCreateBody } from '../../../shared/protocol/auth.js';
import { act, send } from './http.js';
import { endSession, session, startSession } from './session.js';

export async function login(body: TokenCreateBody): Promise<void> {
  const pair = await send('post', '/auth/jwt/create', tokenCreateSchema, body, tokenPairSchema, { auth: false });
  startSession(pair);
}

/** Ends this session (or every session of the account); the browser forgets it even if the server cannot be reached. */
export async function logout(everywhere = false): Promise<void> {
  const current = session.value;
  try {
    if (current && everywhere) await act('post', '/auth/logout-all');
    else if (current) await send('post', '/auth/logout', logoutSchema, { refresh: current.refresh });
  } finally {
    endSession(null);
  }
}
