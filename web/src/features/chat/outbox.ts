// Messages typed but not yet confirmed, kept in sessionStorage per person and club: a reload or a
// dropped connection does not lose them, and they are resent with the same client_id (which
// the server stores once), so nothing is lost and nothing is doubled.
import { z } from 'zod';
import type { PendingMessage } from './model.js';

const pendingSchema = z.array(
  z.object({
    client_id: z.string().min(1).max(64),
    body: z.string(),
    created_at: z.string(),
    state: z.enum(['sending', 'failed']),
    error: z.string().optional(),
  }),
);

function key(userId: number, clubId: number): string {
  return `roundtable.chat.outbox.${userId}.${clubId}`;
}

export function loadOutbox(userId: number, clubId: number): PendingMessage[] {
  try {
    const raw = sessionStorage.getItem(key(userId, clubId));
    if (!raw) return [];
    const parsed = pendingSchema.safeParse(JSON.parse(raw));
    // A message that failed before a reload is tried again: the reason may be gone.
    return parsed.success ? parsed.data.map((p) => ({ client_id: p.client_id, body: p.body, created_at: p.created_at, state: 'sending' })) : [];
  } catch {
    return [];
  }
}

export function saveOutbox(userId: number, clubId: number, pending: readonly PendingMessage[]): void {
  try {
    if (pending.length === 0) sessionStorage.removeItem(key(userId, clubId));
    else sessionStorage.setItem(key(userId, clubId), JSON.stringify(pending));
  } catch {
    // Storage full or blocked: the messages stay in memory for this page.
  }
}
