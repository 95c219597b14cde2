// Signing keys: an EdDSA key pair from files when configured, else an HS256 secret from
// JWT_SECRET, else one generated on first start and kept in DATA_DIR (mode 0600).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { importPKCS8, importSPKI } from 'jose';
import type { JwtKeyConfig } from '../../shared/config.js';
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

export async function loadSigningKeys(key: JwtKeyConfig, dataDir: string, logger: Logger): Promise<SigningKeys> {
  if (key.alg === 'EdDSA') {
    const [privatePem, publicPem] = [fs.readFileSync(key.privateKeyFile, 'utf8'), fs.readFileSync(key.publicKeyFile, 'utf8')];
    return {
      alg: 'EdDSA',
      privateKey: await importPKCS8(privatePem, 'EdDSA'),
      publicKey: await importSPKI(publicPem, 'EdDSA'),
    };
  }
  const secret = key.secret ?? storedSecret(dataDir, logger);
  return { alg: 'HS256', secret: new TextEncoder().encode(secret) };
}
