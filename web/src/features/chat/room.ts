// One club's chat while its tab is open: the messages (history pages, live events, acks), the
// messages on their way out, who is typing, and the read marker. After every (re)connect it
// follows the documented client step: fetch the newest history page and merge it by id
// (following older pages until it meets what it had, so a long absence leaves no gap), then
// resend what is still unconfirmed with the same client_id.
import { batch, signal } from '@preact/signals';
import type { z } from 'zod';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { chatMessageSchema, readMarkerSchema, type ChatMessage } from '../../../../shared/protocol/signaling.js';
import { toApiError, type ApiError } from '../../api/errors.js';
import { get } from '../../api/http.js';
import { call, connectCount, getSocket } from '../../api/socket.js';
import { errorWords } from '../../ui/errors.js';
import { mergeMessages, newClientId, stillPending, type PendingMessage } from './model.js';
import { loadOutbox, saveOutbox } from './outbox.js';
import { noteChatRead } from './unread.js';

const PAGE = 50;
/** Pages followed back after a reconnect before giving up on closing the gap (older ones load on scroll). */
const MAX_CATCH_UP_PAGES = 10;
/** The server asks clients to repeat `typing: true` while typing; others forget a typer after this long. */
export const TYPING_REPEAT_MS = 3_000;
const TYPING_FORGET_MS = 7_000;
const NETWORK_CODES = new Set(['network', 'timeout', 'rate_limited']);

const historySchema = pageSchema(chatMessageSchema);
type ChatPage = z.output<typeof historySchema>;

export type LoadState = { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; error: ApiError };

export class ChatRoom {
  readonly messages = signal<ChatMessage[]>([]);
  readonly pending = signal<PendingMessage[]>([]);
  readonly load = signal<LoadState>({ kind: 'loading' });
  /** The cursor for older history; null when the start of the chat is loaded. */
  readonly olderCursor = signal<string | null>(null);
  readonly loadingOlder = signal(false);
  readonly olderError = signal<ApiError | null>(null);
  /** The read marker when the tab opened: the "New" line goes after it and stays put. */
  readonly unreadAfter = signal<number | null>(null);
  /** User id → when to forget that they are typing. */
  readonly typers = signal<ReadonlyMap<number, number>>(new Map());

  private readMarker: number | null = null;
  private readonly inFlight = new Set<string>();
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    readonly clubId: number,
    readonly myId: number,
  ) {
    this.pending.value = loadOutbox(myId, clubId);
  }

  /** Subscribes to the live events and loads; answers the cleanup. */
  start(): () => void {
    const socket = getSocket();
    const mine = (m: { club_id: number }): boolean => m.club_id === this.clubId;
    const onMessage = (m: ChatMessage): void => {
      if (!mine(m)) return;
      this.merge([m]);
      this.forgetTyper(m.author_id);
    };
    const onChanged = (m: ChatMessage): void => {
      // A change to a message older than the loaded history shows when its page loads.
      const oldest = this.messages.value[0];
      if (mine(m) && oldest && m.id >= oldest.id) this.merge([m]);
    };
    const onTyping = (e: { club_id: number; user_id: number; typing: boolean }): void => {
      if (mine(e) && e.user_id !== this.myId) this.setTyper(e.user_id, e.typing);
    };
    socket.on('chat:message', onMessage);
    socket.on('chat:edited', onChanged);
    socket.on('chat:deleted', onChanged);
    socket.on('chat:typing', onTyping);
    void this.loadFirst();
    // Fires now and after every (re)connect: whatever the order of events, the tab catches up.
    const unsubscribe = connectCount.subscribe(() => {
      if (getSocket().connected) void this.afterConnect();
    });
    return () => {
      this.stopped = true;
      socket.off('chat:message', onMessage);
      socket.off('chat:edited', onChanged);
      socket.off('chat:deleted', onChanged);
      socket.off('chat:typing', onTyping);
      unsubscribe();
      if (this.typingTimer) clearInterval(this.typingTimer);
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.typing(false);
    };
  }

  private async loadFirst(): Promise<void> {
    this.load.value = { kind: 'loading' };
    try {
      const [page, marker] = await Promise.all([
        get(`/api/clubs/${this.clubId}/messages`, historySchema, { query: { limit: PAGE } }),
        get(`/api/clubs/${this.clubId}/messages/read`, readMarkerSchema),
      ]);
      batch(() => {
        this.readMarker = marker.message_id;
        this.unreadAfter.value = marker.message_id;
        this.olderCursor.value = page.next_cursor;
        this.merge(page.items);
        this.load.value = { kind: 'ready' };
      });
    } catch (err) {
      this.load.value = { kind: 'error', error: toApiError(err) };
    }
  }

  retryLoad(): void {
    void this.loadFirst();
  }

  private async afterConnect(): Promise<void> {
    // Members are in their clubs' rooms from connect on; watching again is harmless and makes
    // the tab independent of who else re-watches, and when.
    await call('club:watch', { club_id: this.clubId }).catch(() => undefined);
    if (this.stopped) return;
    await Promise.all([this.flushOutbox(), this.catchUp()]);
  }

  /** The newest page, merged by id; older pages too until they meet what is already here. */
  private async catchUp(): Promise<void> {
    if (this.load.value.kind !== 'ready') return;
    const newestKnown = this.messages.value.at(-1)?.id ?? 0;
    let before: string | null = null;
    try {
      for (let pageNo = 0; pageNo < MAX_CATCH_UP_PAGES; pageNo++) {
        const page: ChatPage = await get(`/api/clubs/${this.clubId}/messages`, historySchema, { query: { limit: PAGE, before: before ?? undefined } });
        if (this.stopped) return;
        this.merge(page.items);
        const oldest = page.items.at(-1);
        if (!page.next_cursor || !oldest || oldest.id <= newestKnown) return;
        before = page.next_cursor;
      }
    } catch {
      // Dropped again: the next connect catches up.
    }
  }

  async loadOlder(): Promise<void> {
    const cursor = this.olderCursor.value;
    if (!cursor || this.loadingOlder.value) return;
    this.loadingOlder.value = true;
    this.olderError.value = null;
    try {
      const page = await get(`/api/clubs/${this.clubId}/messages`, historySchema, { query: { limit: PAGE, before: cursor } });
      batch(() => {
        this.olderCursor.value = page.next_cursor;
        this.merge(page.items);
      });
    } catch (err) {
      this.olderError.value = toApiError(err);
    } finally {
      this.loadingOlder.value = false;
    }
  }

  private merge(incoming: readonly ChatMessage[]): void {
    if (incoming.length === 0) return;
    batch(() => {
      this.messages.value = mergeMessages(this.messages.value, incoming);
      this.setPending(stillPending(this.pending.value, this.messages.value, this.myId));
    });
  }

  private setPending(next: PendingMessage[]): void {
    if (next === this.pending.value) return;
    this.pending.value = next;
    saveOutbox(this.myId, this.clubId, next);
  }

  // Sending

  send(body: string): void {
    const text = body.trim();
    if (!text) return;
    const item: PendingMessage = { client_id: newClientId(), body: text, created_at: new Date().toISOString(), state: 'sending' };
    this.setPending([...this.pending.value, item]);
    this.typing(false);
    if (getSocket().connected) void this.sendOne(item);
  }

  retry(clientId: string): void {
    const item = this.pending.value.find((p) => p.client_id === clientId);
    if (!item) return;
    const again: PendingMessage = { client_id: item.client_id, body: item.body, created_at: item.created_at, state: 'sending' };
    this.setPending(this.pending.value.map((p) => (p.client_id === clientId ? again : p)));
    if (getSocket().connected) void this.sendOne(again);
  }

  discard(clientId: string): void {
    this.setPending(this.pending.value.filter((p) => p.client_id !== clientId));
  }

  private async flushOutbox(): Promise<void> {
    // In the order they were typed, so the server stores them in that order.
    for (const item of this.pending.value) {
      if (this.stopped || !getSocket().connected) return;
      if (item.state === 'sending') await this.sendOne(item);
    }
  }

  private async sendOne(item: PendingMessage): Promise<void> {
    if (this.inFlight.has(item.client_id)) return;
    this.inFlight.add(item.client_id);
    try {
      // The same client_id every time: a resend after a lost ack gets the stored message back.
      const reply = await call('chat:send', { club_id: this.clubId, client_id: item.client_id, body: item.body });
      this.merge([reply.message]);
    } catch (err) {
      const error = toApiError(err);
      if (NETWORK_CODES.has(error.code)) {
        // Still "sending": the next connect resends it; if the socket stayed up, try again soon.
        if (getSocket().connected && !this.stopped) this.scheduleRetry((error.retryAfter ?? 3) * 1000);
      } else {
        this.setPending(this.pending.value.map((p) => (p.client_id === item.client_id ? { ...p, state: 'failed', error: errorWords(error) } : p)));
      }
    } finally {
      this.inFlight.delete(item.client_id);
    }
  }

  private scheduleRetry(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flushOutbox();
    }, ms);
  }

  // Editing (acks carry the changed message; others get chat:edited / chat:deleted)

  async edit(messageId: number, body: string): Promise<void> {
    const reply = await call('chat:edit', { club_id: this.clubId, message_id: messageId, body: body.trim() });
    this.merge([reply.message]);
  }

  async remove(messageId: number): Promise<void> {
    const reply = await call('chat:delete', { club_id: this.clubId, message_id: messageId });
    this.merge([reply.message]);
  }

  // Read marker

  /** The newest message is on screen: move the marker there. */
  markRead(messageId: number): void {
    if (this.readMarker !== null && messageId <= this.readMarker) return;
    this.readMarker = messageId;
    noteChatRead(this.clubId, messageId);
    call('chat:read', { club_id: this.clubId, message_id: messageId }).catch(() => {
      // Not moved on the server; the next visible message tries again.
      if (this.readMarker === messageId) this.readMarker = null;
    });
  }

  // Typing

  /** `true` on every keystroke (sent at most every few seconds), `false` on send, blur or empty. */
  typing(on: boolean): void {
    const now = Date.now();
    if (on) {
      if (now - this.typingSentAt < TYPING_REPEAT_MS) return;
      this.typingSentAt = now;
    } else {
      if (this.typingSentAt === 0) return;
      this.typingSentAt = 0;
    }
    if (getSocket().connected) call('chat:typing', { club_id: this.clubId, typing: on }).catch(() => undefined);
  }

  private setTyper(userId: number, on: boolean): void {
    const next = new Map(this.typers.value);
    if (on) next.set(userId, Date.now() + TYPING_FORGET_MS);
    else next.delete(userId);
    this.typers.value = next;
    if (next.size > 0 && !this.typingTimer) {
      // Volatile events can be lost, "stopped" included: forget typers who went quiet.
      this.typingTimer = setInterval(() => this.pruneTypers(), 1_000);
    }
  }

  private forgetTyper(userId: number): void {
    if (this.typers.value.has(userId)) this.setTyper(userId, false);
  }

  private pruneTypers(): void {
    const now = Date.now();
    const next = new Map([...this.typers.value].filter(([, until]) => until > now));
    if (next.size !== this.typers.value.size) this.typers.value = next;
    if (next.size === 0 && this.typingTimer) {
      clearInterval(this.typingTimer);
      this.typingTimer = null;
    }
  }
}
