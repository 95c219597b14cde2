// The chat's list, as plain data: merging what arrives from history pages, live events, acks
// and reconnect refetches by message id (so nothing is doubled and the newest state of a
// message wins), and laying the list out in days and author runs. No DOM, no signals.
import type { ChatMessage } from '../../../../shared/protocol/signaling.js';

/** A message typed here that the server has not confirmed yet (kept in sessionStorage). */
export interface PendingMessage {
  client_id: string;
  body: string;
  created_at: string;
  /** `failed`: the server refused it (not a network problem); it waits for Retry or Discard. */
  state: 'sending' | 'failed';
  error?: string;
}

/** How far along a message is: deleted beats edited beats plain; a later edit beats an earlier one. */
function stage(message: ChatMessage): number {
  if (message.deleted_at) return Number.MAX_SAFE_INTEGER;
  return message.edited_at ? Date.parse(message.edited_at) : 0;
}

/** The newer of two copies of the same message. */
export function newer(a: ChatMessage, b: ChatMessage): ChatMessage {
  return stage(b) >= stage(a) ? b : a;
}

/** `list` (ascending ids) with `incoming` merged in by id: ascending, each id once, newest state kept. */
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return list as ChatMessage[];
  const byId = new Map<number, ChatMessage>();
  for (const message of list) byId.set(message.id, message);
  for (const message of incoming) {
    const known = byId.get(message.id);
    byId.set(message.id, known ? newer(known, message) : message);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Pending messages the server has already stored (seen in `messages`, by the author's client_id) are done. */
export function stillPending(pending: readonly PendingMessage[], messages: readonly ChatMessage[], myId: number): PendingMessage[] {
  if (pending.length === 0) return pending as PendingMessage[];
  const stored = new Set(messages.filter((m) => m.author_id === myId).map((m) => m.client_id));
  return pending.filter((p) => !stored.has(p.client_id));
}

/** Others' messages after the read marker (deleted ones do not count). */
export function countUnread(messages: readonly ChatMessage[], marker: number | null, myId: number): number {
  let count = 0;
  for (const m of messages) if (m.id > (marker ?? 0) && m.author_id !== myId && !m.deleted_at) count += 1;
  return count;
}

/** A calendar day in the viewer's zone, as a sortable key. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Messages by the same author within this long of each other share one heading. */
export const RUN_GAP_MS = 5 * 60_000;

export type Row =
  | { kind: 'day'; key: string; iso: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: ChatMessage; head: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; head: boolean };

interface Slot {
  author: number;
  at: number;
  iso: string;
}

/**
 * The rows to draw, oldest first: a day separator where the day changes, the "New" line before
 * the first message of someone else after `unreadAfter`, and a heading (`head`) where a run of
 * one author's messages starts. Pending messages come last, in the order they were typed.
 */
export function layoutRows(messages: readonly ChatMessage[], pending: readonly PendingMessage[], myId: number, unreadAfter: number | null): Row[] {
  const rows: Row[] = [];
  let last: Slot | null = null;
  let unreadPlaced = unreadAfter === null;
  /** Pushes a day separator if `slot` starts a new day; answers whether it starts a run. */
  const place = (slot: Slot, beforeRow?: Row): boolean => {
    const day = dayKey(slot.iso);
    const newDay = !last || dayKey(last.iso) !== day;
    if (newDay) rows.push({ kind: 'day', key: `day-${day}`, iso: slot.iso });
    if (beforeRow) rows.push(beforeRow);
    const head = newDay || beforeRow !== undefined || !last || last.author !== slot.author || slot.at - last.at > RUN_GAP_MS;
    last = slot;
    return head;
  };
  for (const message of messages) {
    let line: Row | undefined;
    if (!unreadPlaced && unreadAfter !== null && message.id > unreadAfter && message.author_id !== myId) {
      unreadPlaced = true;
      line = { kind: 'unread', key: 'unread' };
    }
    const head = place({ author: message.author_id, at: Date.parse(message.created_at), iso: message.created_at }, line);
    rows.push({ kind: 'message', key: `m-${message.id}`, message, head });
  }
  for (const item of pending) {
    const head = place({ author: myId, at: Date.parse(item.created_at), iso: item.created_at });
    rows.push({ kind: 'pending', key: `p-${item.client_id}`, pending: item, head });
  }
  return rows;
}

/** A client_id the server accepts (letters, digits, "-"), unique enough to never repeat. */
export function newClientId(): string {
  return crypto.randomUUID();
}
