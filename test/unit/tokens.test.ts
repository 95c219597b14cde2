// TokenService on jsonwebtoken: each way a token can be wrong has its own code (jsonwebtoken
// reports most of them only by message, so these tests pin that mapping), the service's clock
// decides expiry, and the key pair is checked at startup.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { TokenService, type SigningKeys } from '../../shared/auth/tokens.js';
import { ConfigError } from '../../shared/config.js';
import { loadKeyPair } from '../../server/auth/keys.js';

const secret = randomBytes(32).toString('hex');
const hs256: SigningKeys = { alg: 'HS256', secret: new TextEncoder().encode(secret) };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function service(keys: SigningKeys = hs256, now: () => number = Date.now): TokenService {
  return new TokenService({ issuer: 'rt-issuer', audience: 'rt-audience', accessTtlSeconds: 900, refreshTtlSeconds: 3600, keys, now });
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
}

/** A token like the service's, with chosen changes. */
function forge(changes: { payload?: jwt.JwtPayload; typ?: string; key?: jwt.Secret; alg?: jwt.Algorithm } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const all = { sid: randomUUID(), sub: '7', iss: 'rt-issuer', aud: 'rt-audience', iat: now, nbf: now, exp: now + 600, ...changes.payload };
  const payload = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)); // undefined: left out
  const alg = changes.alg ?? 'HS256';
  return jwt.sign(payload, changes.key ?? secret, { algorithm: alg, header: { alg, typ: changes.typ ?? 'at+jwt' } });
}

function pemPair(type: 'ec' | 'ed25519', namedCurve = 'P-256'): { dir: string; privateFile: string; publicFile: string; privateKey: KeyObject } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-keys-'));
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve }) : generateKeyPairSync('ed25519');
  const privateFile = path.join(dir, 'private.pem');
  const publicFile = path.join(dir, 'public.pem');
  fs.writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { dir, privateFile, publicFile, privateKey: pair.privateKey };
}

describe('token service', () => {
  it('accepts its own tokens and a forged copy of them, so each refusal below is due to one change', async () => {
    const tokens = service();
    const signed = await tokens.signAccess(7, 'session-1');
    const claims = await tokens.verifyAccess(signed);
    assert.equal(claims.userId, 7);
    assert.equal(claims.sessionId, 'session-1');
    assert.equal((await tokens.verifyAccess(forge())).userId, 7);
    const payload = jwt.decode(signed, { json: true });
    assert.deepEqual(Object.keys(payload ?? {}), ['sid', 'sub', 'iss', 'aud', 'iat', 'nbf', 'exp']);
  });

  it('gives each wrong token its own code', async () => {
    const tokens = service();
    const valid = forge();
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const past = Math.floor(Date.now() / 1000) - 3600;
    const cases: Array<[string, string, string]> = [
      ['alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, 'token_algorithm_invalid'],
      ['alg none with the original signature', `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.${signature}`, 'token_algorithm_invalid'],
      ['HS384', forge({ alg: 'HS384' }), 'token_algorithm_invalid'],
      ['another key', forge({ key: randomBytes(32).toString('hex') }), 'token_signature_invalid'],
      ['tampered payload', `${header}.${b64({ ...claims, sub: '8' })}.${signature}`, 'token_signature_invalid'],
      ['tampered signature', `${header}.${payload}.${Buffer.from(signature, 'base64url').reverse().toString('base64url')}`, 'token_signature_invalid'],
      ['expired', forge({ payload: { iat: past - 900, nbf: past - 900, exp: past } }), 'token_expired'],
      ['not valid yet', forge({ payload: { nbf: past + 7200 } }), 'token_not_yet_valid'],
      ['wrong audience', forge({ payload: { aud: 'another-service' } }), 'token_audience_invalid'],
      ['wrong issuer', forge({ payload: { iss: 'https://evil.example' } }), 'token_issuer_invalid'],
      ['refresh type', forge({ typ: 'rt+jwt' }), 'token_type_invalid'],
      ['no type', forge({ typ: '' }), 'token_type_invalid'],
      ['no exp', forge({ payload: { exp: undefined } }), 'token_malformed'],
      ['no session', forge({ payload: { sid: undefined } }), 'token_malformed'],
      ['subject not a user id', forge({ payload: { sub: 'admin' } }), 'token_malformed'],
      ['not a JWT', 'not.a.jwt', 'token_malformed'],
      ['header not JSON', `${Buffer.from('{').toString('base64url')}.${payload}.${signature}`, 'token_malformed'],
    ];
    for (const [name, token, expected] of cases) assert.equal(await code(tokens.verifyAccess(token)), expected, name);
  });

  it('refuses an access token as a refresh token, and a refresh token without an id', async () => {
    const tokens = service();
    assert.equal(await code(tokens.verifyRefresh(await tokens.signAccess(7, 's'))), 'token_type_invalid');
    assert.equal(await code(tokens.verifyRefresh(forge({ typ: 'rt+jwt' }))), 'token_malformed');
    const refresh = await tokens.signRefresh(7, 's', 'token-1', new Date(Date.now() + 60_000));
    assert.equal((await tokens.verifyRefresh(refresh)).tokenId, 'token-1');
    assert.equal(await code(tokens.verifyAccess(refresh)), 'token_type_invalid');
  });

  it("gives every refresh token of a session the session's end as exp, whatever millisecond it is signed in", async () => {
    let now = 1_000_000_900; // 0.9 s into a second
    const tokens = service(hs256, () => now);
    const end = new Date(2_000_000_500);
    const first = jwt.decode(await tokens.signRefresh(7, randomUUID(), randomUUID(), end), { json: true });
    now = 1_500_000_200; // a rotation, 0.2 s into another second
    const rotated = jwt.decode(await tokens.signRefresh(7, randomUUID(), randomUUID(), end), { json: true });
    assert.equal(first?.exp, 2_000_000);
    assert.equal(rotated?.exp, 2_000_000);
    now = 2_000_000_900; // past the end: still a token that expires, at once
    const late = jwt.decode(await tokens.signRefresh(7, randomUUID(), randomUUID(), end), { json: true });
    assert.equal(late?.exp, 2_000_001);
  });

  it('decides expiry by its own clock, with 5 s of tolerance', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const tokens = service(hs256, () => now);
    const token = await tokens.signAccess(7, 's'); // expires 900 s after `now`
    assert.equal(jwt.decode(token, { json: true })?.iat, now / 1000, 'signed by the injected clock');
    now += 904_000;
    assert.equal(await code(tokens.verifyAccess(token)), 'accepted');
    const fresh = service(hs256, () => now + 2_000); // a new service: nothing remembered
    assert.equal(await code(fresh.verifyAccess(token)), 'token_expired');
    const early = service(hs256, () => Date.parse('2030-01-01T00:00:00Z') - 10_000);
    assert.equal(await code(early.verifyAccess(token)), 'token_not_yet_valid');
  });

  it('with a P-256 key pair signs ES256 and refuses HS256, also when keyed with the public key', async () => {
    const pair = pemPair('ec');
    const keys = loadKeyPair(pair.privateFile, pair.publicFile);
    const tokens = service(keys);
    const token = await tokens.signAccess(7, 's');
    assert.equal(jwt.decode(token, { complete: true })?.header.alg, 'ES256');
    assert.equal((await tokens.verifyAccess(token)).userId, 7);
    assert.equal(await code(tokens.verifyAccess(forge())), 'token_algorithm_invalid');
    assert.equal(await code(tokens.verifyAccess(forge({ key: fs.readFileSync(pair.publicFile, 'utf8') }))), 'token_algorithm_invalid');
    const other = pemPair('ec');
    assert.equal(await code(tokens.verifyAccess(forge({ alg: 'ES256', key: other.privateKey }))), 'token_signature_invalid');
    for (const p of [pair, other]) fs.rmSync(p.dir, { recursive: true, force: true });
  });
});

describe('signing key pair at startup', () => {
  function refusal(privateFile: string, publicFile: string): string {
    try {
      loadKeyPair(privateFile, publicFile);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.message;
    }
    return assert.fail('expected a ConfigError');
  }

  it('refuses an Ed25519 key pair: EdDSA is not supported, P-256 is what to use', () => {
    const pair = pemPair('ed25519');
    const message = refusal(pair.privateFile, pair.publicFile);
    assert.match(message, /JWT_PRIVATE_KEY_FILE: holds an ed25519 key, but EdDSA is not supported; .*P-256/);
    assert.match(message, /JWT_PUBLIC_KEY_FILE: holds an ed25519 key/);
    fs.rmSync(pair.dir, { recursive: true, force: true });
  });

  it('refuses another curve, a public key that does not match, and a file that is no key', () => {
    const p384 = pemPair('ec', 'P-384');
    assert.match(refusal(p384.privateFile, p384.publicFile), /JWT_PRIVATE_KEY_FILE: holds an ec \(secp384r1\) key/);
    const [a, b] = [pemPair('ec'), pemPair('ec')];
    assert.match(refusal(a.privateFile, b.publicFile), /JWT_PUBLIC_KEY_FILE: is not the public half of JWT_PRIVATE_KEY_FILE/);
    fs.writeFileSync(b.publicFile, 'not a key');
    assert.match(refusal(a.privateFile, b.publicFile), /JWT_PUBLIC_KEY_FILE: cannot read a PEM key from /);
    for (const p of [p384, a, b]) fs.rmSync(p.dir, { recursive: true, force: true });
  });
});
