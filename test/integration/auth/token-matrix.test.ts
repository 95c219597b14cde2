// The token matrix: every wrong token is refused the same way wherever a token is taken —
// REST (401 with the code), the Socket.IO handshake (connect_error with the code) and the notes
// WebSocket (401 before the upgrade) — on a server signing HS256 and on one signing ES256.
// Each server first accepts the genuine token and a forged copy of it on all three, so every
// refusal is due to the one thing the case changed.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { policy } from '../../helpers/notes.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../../helpers/server.js';
import { closeSockets, connect, refusal } from '../../helpers/sockets.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Signer {
  alg: 'HS256' | 'ES256';
  key: KeyObject | Buffer;
}

/** A token like the server's (same claims, same signer), with chosen changes. */
function forge(account: TestAccount, signer: Signer, changes: { payload?: jwt.JwtPayload; typ?: string; alg?: 'HS256' | 'ES256'; key?: KeyObject | Buffer } = {}): string {
  const real = jwt.decode(account.access, { json: true }) ?? assert.fail('not a JWT');
  const now = Math.floor(Date.now() / 1000);
  const payload = { sid: real.sid, sub: String(account.id), iss: 'roundtable', aud: 'roundtable', iat: now, nbf: now, exp: now + 600, ...changes.payload };
  const alg = changes.alg ?? signer.alg;
  return jwt.sign(payload, changes.key ?? signer.key, { algorithm: alg, header: { alg, typ: changes.typ ?? 'at+jwt' } });
}

/** The status of a notes WebSocket upgrade: 101 when it opened (then closed at once). */
function notesStatus(server: TestServer, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/collab/test.matrix?token=${encodeURIComponent(token)}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

async function accepted(server: TestServer, token: string, what: string): Promise<void> {
  assert.equal((await server.http.get('/api/me', token)).status, 200, `REST: ${what}`);
  closeSockets(await connect(server.url, token));
  assert.equal(await notesStatus(server, token), 101, `notes: ${what}`);
}

async function refused(server: TestServer, token: string, code: string, what: string): Promise<void> {
  const rest = await server.http.get('/api/me', token);
  assert.equal(rest.status, 401, `REST: ${what}`);
  assert.equal(rest.body.error.code, code, `REST: ${what}`);
  assert.equal((await refusal(server.url, token)).code, code, `Socket.IO: ${what}`);
  assert.equal(await notesStatus(server, token), 401, `notes: ${what}`);
}

function keyPairFiles(): { dir: string; env: Record<string, string>; privateKey: KeyObject; publicPem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-matrix-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  fs.writeFileSync(path.join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'public.pem'), publicPem);
  return { dir, env: { JWT_PRIVATE_KEY_FILE: path.join(dir, 'private.pem'), JWT_PUBLIC_KEY_FILE: path.join(dir, 'public.pem') }, privateKey, publicPem };
}

for (const alg of ['HS256', 'ES256'] as const) {
  describe(`token matrix, ${alg} server: REST, Socket.IO handshake, notes WebSocket`, function () {
    this.timeout(30_000);
    const roles = new Map<number, NotesAccess>();
    let server: TestServer;
    let account: TestAccount;
    let signer: Signer;
    let pair: ReturnType<typeof keyPairFiles> | undefined;

    before(async () => {
      pair = alg === 'ES256' ? keyPairFiles() : undefined;
      signer = pair ? { alg, key: pair.privateKey } : { alg, key: Buffer.from(TEST_JWT_SECRET) };
      server = await startTestServer({ env: pair?.env ?? {}, notesAuthorizer: policy(roles) });
      account = await signUpAndLogin(server.http);
      roles.set(account.id, 'write');
    });
    after(async () => {
      await server?.close();
      if (pair) fs.rmSync(pair.dir, { recursive: true, force: true });
    });

    it('accepts the genuine access token and a forged copy of it everywhere', async () => {
      await accepted(server, account.access, 'genuine');
      await accepted(server, forge(account, signer), 'forged copy');
    });

    it('refuses a wrong algorithm: alg "none", and the other of HS256/ES256 with a valid signature', async () => {
      const [, payload] = account.access.split('.') as [string, string];
      await refused(server, `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, 'token_algorithm_invalid', 'alg none');
      if (alg === 'ES256') {
        const hs = forge(account, signer, { alg: 'HS256', key: Buffer.from(TEST_JWT_SECRET) });
        await refused(server, hs, 'token_algorithm_invalid', 'HS256 keyed with JWT_SECRET');
        const confused = forge(account, signer, { alg: 'HS256', key: Buffer.from(pair?.publicPem ?? '') });
        await refused(server, confused, 'token_algorithm_invalid', 'HS256 keyed with the public key');
      } else {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        await refused(server, forge(account, signer, { alg: 'ES256', key: other }), 'token_algorithm_invalid', 'ES256');
      }
    });

    it('refuses a wrong audience and a wrong issuer', async () => {
      await refused(server, forge(account, signer, { payload: { aud: `other-${randomBytes(8).toString('hex')}` } }), 'token_audience_invalid', 'audience');
      await refused(server, forge(account, signer, { payload: { iss: `https://${randomBytes(8).toString('hex')}.example` } }), 'token_issuer_invalid', 'issuer');
    });

    it('refuses a refresh token used as an access token, and an access token typed as refresh', async () => {
      await refused(server, account.refresh, 'token_type_invalid', 'the real refresh token');
      await refused(server, forge(account, signer, { typ: 'rt+jwt' }), 'token_type_invalid', 'typ rt+jwt');
    });

    it('refuses an expired token', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      await refused(server, forge(account, signer, { payload: { iat: past - 900, nbf: past - 900, exp: past } }), 'token_expired', 'expired');
    });

    it('refuses a tampered signature and a tampered payload', async () => {
      const [header, payload, signature] = account.access.split('.') as [string, string, string];
      const flipped = Buffer.from(signature, 'base64url');
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
      await refused(server, `${header}.${payload}.${flipped.toString('base64url')}`, 'token_signature_invalid', 'signature');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      await refused(server, `${header}.${b64({ ...claims, sub: String(account.id + 1) })}.${signature}`, 'token_signature_invalid', 'payload');
      // The genuine token still works after all these refusals.
      await accepted(server, account.access, 'genuine, afterwards');
    });
  });
}
