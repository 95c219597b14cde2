// Access and refresh tokens are JWTs signed with ONE pinned algorithm (HS256 by default,
// ES256 when a key pair is configured; jsonwebtoken has no EdDSA). The kind is in the
// protected header (`typ`), so a refresh token can never pass as an access token, and
// issuer/audience/exp/nbf are checked.
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError, type ErrorCode } from '../errors.js';

export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'rt+jwt';

export type SigningKeys =
  | { alg: 'HS256'; secret: Uint8Array }
  | { alg: 'ES256'; privateKey: KeyObject; publicKey: KeyObject };

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  keys: SigningKeys;
  /** Milliseconds since the epoch; Date.now by default. Signing and verifying both use it. */
  now?: () => number;
}

export interface AccessClaims {
  userId: number;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface RefreshClaims extends AccessClaims {
  tokenId: string;
}

/** What a valid token of ours carries, after the checks in TokenService.verify. */
interface TokenPayload {
  sub: string;
  sid: string;
  jti?: string;
  iat: number;
  exp: number;
}

const CLOCK_TOLERANCE_SECONDS = 5;

// jsonwebtoken reports claim failures only by message; these prefixes are pinned by
// test/unit/tokens.test.ts so an upgrade that rewords them fails there, not in production.
const BY_MESSAGE: Array<[string, ErrorCode, string]> = [
  ['invalid signature', 'token_signature_invalid', 'Token signature is invalid'],
  ['invalid algorithm', 'token_algorithm_invalid', 'Token algorithm is not accepted'],
  ['jwt audience invalid', 'token_audience_invalid', 'Token audience is not accepted'],
  ['jwt issuer invalid', 'token_issuer_invalid', 'Token issuer is not accepted'],
];

/** Maps every way verification can fail to one stable 401 code. */
export function tokenError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof jwt.TokenExpiredError) return new AppError('token_expired', 'Token has expired');
  if (err instanceof jwt.NotBeforeError) return new AppError('token_not_yet_valid', 'Token is not valid yet');
  if (err instanceof jwt.JsonWebTokenError) {
    const known = BY_MESSAGE.find(([prefix]) => err.message.startsWith(prefix));
    if (known) return new AppError(known[1], known[2]);
  }
  return new AppError('token_malformed', 'Token is malformed');
}

/** The protected header, read before any verification only to pin the algorithm. */
function unverifiedAlg(token: string): unknown {
  const dot = token.indexOf('.');
  if (dot <= 0) throw new AppError('token_malformed', 'Token is malformed');
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header ? header.alg : undefined;
  } catch {
    throw new AppError('token_malformed', 'Token is malformed');
  }
}

function isTokenPayload(payload: unknown): payload is TokenPayload {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.sub === 'string' && typeof p.sid === 'string' && typeof p.iat === 'number' && typeof p.exp === 'number';
}

export class TokenService {
  private readonly verifyKey: KeyObject;
  private readonly signKey: KeyObject;
  private readonly alg: SigningKeys['alg'];
  private readonly now: () => number;

  constructor(private readonly settings: TokenSettings) {
    const { keys } = settings;
    this.alg = keys.alg;
    // Key objects made once: jsonwebtoken would otherwise parse raw key material on every call.
    this.verifyKey = keys.alg === 'HS256' ? createSecretKey(keys.secret) : keys.publicKey;
    this.signKey = keys.alg === 'HS256' ? this.verifyKey : keys.privateKey;
    this.now = settings.now ?? Date.now;
  }

  get accessTtlSeconds(): number {
    return this.settings.accessTtlSeconds;
  }

  get refreshTtlSeconds(): number {
    return this.settings.refreshTtlSeconds;
  }

  async signAccess(userId: number, sessionId: string): Promise<string> {
    return this.sign(ACCESS_TYP, { sid: sessionId }, userId, (now) => now + this.settings.accessTtlSeconds);
  }

  /** `expiresAt` is the session's absolute end: rotation never extends it. */
  async signRefresh(userId: number, sessionId: string, tokenId: string, expiresAt: Date): Promise<string> {
    // The session's absolute end, to the second, whatever second this token is signed in: every
    // rotation of a session carries the same exp.
    const end = Math.floor(expiresAt.getTime() / 1000);
    return this.sign(REFRESH_TYP, { sid: sessionId, jti: tokenId }, userId, (now) => Math.max(now + 1, end));
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    return this.claims(this.verify(token, ACCESS_TYP));
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = this.verify(token, REFRESH_TYP);
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) {
      throw new AppError('token_malformed', 'Refresh token has no id');
    }
    return { ...this.claims(payload), tokenId: payload.jti };
  }

  newTokenId(): string {
    return randomUUID();
  }

  /** `expiry` gives the token's exp from the signing second. */
  private sign(typ: string, claims: { sid: string; jti?: string }, userId: number, expiry: (nowSeconds: number) => number): string {
    const now = Math.floor(this.now() / 1000);
    const payload = { ...claims, sub: String(userId), iss: this.settings.issuer, aud: this.settings.audience, iat: now, nbf: now, exp: expiry(now) };
    return jwt.sign(payload, this.signKey, { algorithm: this.alg, header: { alg: this.alg, typ } });
  }

  private verify(token: string, typ: string): TokenPayload {
    // Checked here first: jsonwebtoken answers an unsigned (`none`) token with "signature
    // required" before it looks at the algorithm, and we want one code for every wrong alg.
    if (unverifiedAlg(token) !== this.alg) throw new AppError('token_algorithm_invalid', 'Token algorithm is not accepted');
    let verified: jwt.Jwt;
    try {
      verified = jwt.verify(token, this.verifyKey, {
        algorithms: [this.alg],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        clockTimestamp: Math.floor(this.now() / 1000),
        complete: true,
      });
    } catch (err) {
      throw tokenError(err);
    }
    if (verified.header.typ !== typ) throw new AppError('token_type_invalid', 'Wrong kind of token');
    if (!isTokenPayload(verified.payload)) throw new AppError('token_malformed', 'Token lacks a required claim');
    return verified.payload;
  }

  private claims(payload: TokenPayload): AccessClaims {
    const userId = Number(payload.sub);
    if (!Number.isSafeInteger(userId) || userId <= 0 || payload.sid.length === 0) {
      throw new AppError('token_malformed', 'Token subject or session is invalid');
    }
    return { userId, sessionId: payload.sid, issuedAt: payload.iat, expiresAt: payload.exp };
  }
}
