// The key calendar addresses are sealed under. It belongs to the addresses alone, not to the
// signing key, so rotating JWT_SECRET or the ES256 pair leaves every address as it was. It is
// made once, on first use, and kept in the database, the one place every node shares.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';

const KEY_NAME = 'calendar-feed-key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_PREFIX = 'v1.';

export class FeedKeyStore {
  private loading: Promise<Buffer> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  /** The key, made when there is none yet; read once per process. */
  key(): Promise<Buffer> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = null; // a failed read is tried again by the next caller
      throw err;
    });
    return this.loading;
  }

  private async load(): Promise<Buffer> {
    // Nodes asking first at the same time each offer a key; one insert wins and all read that one.
    await this.db
      .insertInto('server_secrets')
      .values({ name: KEY_NAME, secret: randomBytes(KEY_BYTES).toString('base64url') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('secret').where('name', '=', KEY_NAME).executeTakeFirstOrThrow();
    const key = Buffer.from(row.secret, 'base64url');
    if (key.length !== KEY_BYTES) throw new Error(`server_secrets '${KEY_NAME}' is not ${KEY_BYTES} bytes of base64url`);
    return key;
  }
}

/** The token encrypted and authenticated under the key (AES-256-GCM, a fresh IV each time). */
export function sealToken(key: Buffer, token: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${[iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')}`;
}

/** The sealed token, or null when it was sealed under another key or is damaged. */
export function unsealToken(key: Buffer, sealed: string): string | null {
  const parts = sealed.startsWith(SEALED_PREFIX) ? sealed.slice(SEALED_PREFIX.length).split('.') : [];
  if (parts.length !== 3) return null;
  const [iv, body, tag] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
