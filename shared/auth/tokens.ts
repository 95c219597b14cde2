// Access and refresh tokens are JWTs signed with ONE pinned algorithm (HS256 by default,
// EdDSA when a key pair is configured). The kind is in the protected header (`typ`), so a
// refresh token can never pass as an access token, and issuer/audience/exp/nbf are checked.
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import { AppError, type ErrorCode } from '../errors.js';

export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'rt+jwt';

export type SigningKeys =
  | { alg: 'HS256'; secret: Uint8Array }
  | { alg: 'EdDSA'; privateKey: CryptoKey | KeyObject; publicKey: CryptoKey | KeyObject };

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  keys: SigningKeys;
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

function claimError(err: joseErrors.JWTClaimValidationFailed): AppError {
  const byClaim: Record<string, [ErrorCode, string]> = {
    aud: ['token_audience_invalid', 'Token audience is not accepted'],
    iss: ['token_issuer_invalid', 'Token issuer is not accepted'],
    nbf: ['token_not_yet_valid', 'Token is not valid yet'],
    typ: ['token_type_invalid', 'Wrong kind of token'],
  };
  const [code, message] = byClaim[err.claim] ?? ['token_malformed', `Token claim "${err.claim}" is invalid`];
  return new AppError(code, message);
}

/** Maps every way verification can fail to one stable 401 code. */
export function tokenError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof joseErrors.JWTExpired) return new AppError('token_expired', 'Token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return claimError(err);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new AppError('token_algorithm_invalid', 'Token algorithm is not accepted');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new AppError('token_signature_invalid', 'Token signature is invalid');
  return new AppError('token_malformed', 'Token is malformed');
}

// Verified access tokens are remembered until they expire, so the signature of a token a
// client presents on every request is checked once, not every time. Only the signature and
// claims are cached: whether the session still stands is checked on each request elsewhere.
const VERIFIED_CACHE_MAX = 20_000;

export class TokenService {
  private readonly verifyKey: Uint8Array | CryptoKey | KeyObject;
  private readonly signKey: Uint8Array | CryptoKey | KeyObject;
  private readonly verified = new Map<string, AccessClaims>();

  constructor(private readonly settings: TokenSettings) {
    const { keys } = settings;
    this.verifyKey = keys.alg === 'HS256' ? keys.secret : keys.publicKey;
    this.signKey = keys.alg === 'HS256' ? keys.secret : keys.privateKey;
  }

  get accessTtlSeconds(): number {
    return this.settings.accessTtlSeconds;
  }

  get refreshTtlSeconds(): number {
    return this.settings.refreshTtlSeconds;
  }

  async signAccess(userId: number, sessionId: string): Promise<string> {
    return this.sign(ACCESS_TYP, { sid: sessionId }, userId, this.settings.accessTtlSeconds);
  }

  /** `expiresAt` is the session's absolute end: rotation never extends it. */
  async signRefresh(userId: number, sessionId: string, tokenId: string, expiresAt: Date): Promise<string> {
    const ttl = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    return this.sign(REFRESH_TYP, { sid: sessionId, jti: tokenId }, userId, ttl);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt > Date.now() / 1000) return cached;
      this.verified.delete(token);
    }
    const claims = this.claims(await this.verify(token, ACCESS_TYP));
    if (this.verified.size >= VERIFIED_CACHE_MAX) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, claims);
    return claims;
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = await this.verify(token, REFRESH_TYP);
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) {
      throw new AppError('token_malformed', 'Refresh token has no id');
    }
    return { ...this.claims(payload), tokenId: payload.jti };
  }

  newTokenId(): string {
    return randomUUID();
  }

  private async sign(typ: string, claims: JWTPayload, userId: number, ttlSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.settings.keys.alg, typ })
      .setSubject(String(userId))
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(this.signKey);
  }

  private async verify(token: string, typ: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.verifyKey, {
        algorithms: [this.settings.keys.alg],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ,
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
        clockTolerance: 5,
      });
      return payload;
    } catch (err) {
      throw tokenError(err);
    }
  }

  private claims(payload: JWTPayload): AccessClaims {
    const userId = Number(payload.sub);
    const sessionId = payload.sid;
    if (!Number.isSafeInteger(userId) || userId <= 0 || typeof sessionId !== 'string') {
      throw new AppError('token_malformed', 'Token subject or session is invalid');
    }
    return { userId, sessionId, issuedAt: payload.iat ?? 0, expiresAt: payload.exp ?? 0 };
  }
}
