import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { HttpClient } from './http.js';

export interface TestAccount {
  id: number;
  username: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

export function uniqueName(prefix = 'reader'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export async function signUp(http: HttpClient, overrides: Partial<{ username: string; email: string; password: string }> = {}) {
  const username = overrides.username ?? uniqueName();
  const email = overrides.email ?? `${username}@example.org`;
  const password = overrides.password ?? 'chapter-7-twist';
  const res = await http.post('/auth/users', { username, email, password });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id as number, username, email, password };
}

export async function signUpAndLogin(http: HttpClient, overrides: Partial<{ username: string; email: string; password: string }> = {}): Promise<TestAccount> {
  const user = await signUp(http, overrides);
  const res = await http.post('/auth/jwt/create', { username: user.username, password: user.password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ...user, access: res.body.access, refresh: res.body.refresh };
}
