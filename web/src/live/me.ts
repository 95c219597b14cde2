// The signed-in person's own profile, loaded once per session and shared by every screen.
import { signal } from '@preact/signals';
import type { z } from 'zod';
import { meResponseSchema } from '../../../shared/protocol/users.js';
import { get } from '../api/http.js';
import { session } from '../api/session.js';

export type Me = z.output<typeof meResponseSchema>;
export const me = signal<Me | null>(null);

let loadedFor: number | null = null;

export async function loadMe(): Promise<Me | null> {
  const current = session.value;
  if (!current) return null;
  const profile = await get('/api/me', meResponseSchema);
  if (session.value?.userId === current.userId) me.value = profile;
  return profile;
}

/** A person's display name: nickname, else username. */
export function displayName(person: { nickname?: string | null; username: string }): string {
  return person.nickname?.trim() || person.username;
}

session.subscribe((current) => {
  if (!current) {
    me.value = null;
    loadedFor = null;
  } else if (loadedFor !== current.userId) {
    loadedFor = current.userId;
    loadMe().catch(() => {
      loadedFor = null;
    });
  }
});
