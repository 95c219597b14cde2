// Signing keys: an ES256 (P-256) key pair from files when configured, else an HS256 secret
// from JWT_SECRET, else one generated on first start and kept in DATA_DIR (mode 0600).
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type JwtKeyConfig } from '../../shared/config.js';
import type { SigningKeys } from '../../shared/auth/tokens.js';
import type { Logger } from '../../shared/logger.js';

export const SECRET_FILE_NAME = 'jwt-secret';

function storedSecret(dataDir: string, logger: Logger): string {
  const file = path.join(dataDir, SECRET_FILE_NAME);
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(file, 0o600);
      logger.warn({ file }, 'JWT secret file was readable by others; its mode is now 0600');
    }
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters; delete it to generate a new one`);
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(48).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then use theirs.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    logger.info({ file }, 'generated a new JWT secret');
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
}

/** What kind of key a PEM file holds, for error messages: "ed25519", "ec (secp384r1)", … */
function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} (${curve})` : String(key.asymmetricKeyType);
}

function readKey(file: string, variable: string, make: (pem: string) => KeyObject): KeyObject {
  try {
    return make(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read a PEM key from ${file} (${(err as Error).message})`]);
  }
}

const ES256_HINT = 'jsonwebtoken signs with ES256, which needs a P-256 key pair (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)';

/** The configured key pair, refused at startup unless it is one matching P-256 pair. */
export function loadKeyPair(privateKeyFile: string, publicKeyFile: string): SigningKeys {
  const privateKey = readKey(privateKeyFile, 'JWT_PRIVATE_KEY_FILE', createPrivateKey);
  const publicKey = readKey(publicKeyFile, 'JWT_PUBLIC_KEY_FILE', createPublicKey);
  const problems: string[] = [];
  for (const [variable, k] of [['JWT_PRIVATE_KEY_FILE', privateKey], ['JWT_PUBLIC_KEY_FILE', publicKey]] as const) {
    if (k.asymmetricKeyType === 'ed25519' || k.asymmetricKeyType === 'ed448') {
      problems.push(`${variable}: holds an ${k.asymmetricKeyType} key, but EdDSA is not supported; ${ES256_HINT}`);
    } else if (k.asymmetricKeyType !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      problems.push(`${variable}: holds an ${describe(k)} key; ${ES256_HINT}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new ConfigError(['JWT_PUBLIC_KEY_FILE: is not the public half of JWT_PRIVATE_KEY_FILE']);
  }
  return { alg: 'ES256', privateKey, publicKey };
}

export async function loadSigningKeys(key: JwtKeyConfig, dataDir: string, logger: Logger): Promise<SigningKeys> {
  if (key.alg === 'ES256') return loadKeyPair(key.privateKeyFile, key.publicKeyFile);
  const secret = key.secret ?? storedSecret(dataDir, logger);
  return { alg: 'HS256', secret: new TextEncoder().encode(secret) };
}
