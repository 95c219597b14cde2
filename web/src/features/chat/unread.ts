// Per-club unread counts that any screen can show (a badge on a club card, the chat tab's
// header): others' messages after the reader's marker, kept current by the live events.
// `useClubUnread(clubId)` tracks a club while some component shows it; the chat tab tells it
// when it moves the marker (the server tells only the reader's other sockets).
import { signal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { chatMessageSchema, readMarkerSchema, type ChatMessage } from '../../../../shared/protocol/signaling.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { get } from '../../api/http.js';
import { connectCount, getSocket } from '../../api/socket.js';
import { session } from '../../api/session.js';
import { countUnread } from './model.js';

export interface UnreadState {
  count: number;
  /** More unread than the newest page holds: show "99+"-style. */
  more: boolean;
}

const PAGE = 100;

class ClubUnread {
  readonly state: Signal<UnreadState> = signal({ count: 0, more: false });
  users = 0;
  private marker: number | null = null;
  private messages = new Map<number, ChatMessage>();
  private more = false;
  private stop: (() => void) | null = null;

  constructor(readonly clubId: number) {}

  start(): void {
    const socket = getSocket();
    const onMessage = (m: ChatMessage): void => {
      if (m.club_id !== this.clubId) return;
      this.messages.set(m.id, m);
      this.publish();
    };
    const onRead = (e: { club_id: number; message_id: number }): void => {
      if (e.club_id === this.clubId) this.noteRead(e.message_id);
    };
    socket.on('chat:message', onMessage);
    socket.on('chat:deleted', onMessage);
    socket.on('chat:read', onRead);
    const unsubscribe = connectCount.subscribe(() => void this.load());
    this.stop = () => {
      socket.off('chat:message', onMessage);
      socket.off('chat:deleted', onMessage);
      socket.off('chat:read', onRead);
      unsubscribe();
    };
  }

  end(): void {
    this.stop?.();
    this.stop = null;
  }

  noteRead(messageId: number): void {
    if (this.marker !== null && messageId <= this.marker) return;
    this.marker = messageId;
    this.publish();
  }

  private async load(): Promise<void> {
    try {
      const [marker, page] = await Promise.all([
        get(`/api/clubs/${this.clubId}/messages/read`, readMarkerSchema),
        get(`/api/clubs/${this.clubId}/messages`, pageSchema(chatMessageSchema), { query: { limit: PAGE } }),
      ]);
      if (marker.message_id !== null) this.noteRead(marker.message_id);
      for (const m of page.items) this.messages.set(m.id, m);
      const oldest = page.items.at(-1);
      this.more = page.next_cursor !== null && oldest !== undefined && oldest.id > (this.marker ?? 0);
      this.publish();
    } catch {
      // Offline or not a member: the count stays as it was; the next connect tries again.
    }
  }

  private publish(): void {
    const myId = session.value?.userId ?? 0;
    // Only what is unread is worth keeping.
    for (const id of this.messages.keys()) if (id <= (this.marker ?? 0)) this.messages.delete(id);
    const count = countUnread([...this.messages.values()], this.marker, myId);
    this.state.value = { count, more: this.more && count > 0 };
  }
}

const clubs = new Map<number, ClubUnread>();

function tracker(clubId: number): ClubUnread {
  let found = clubs.get(clubId);
  if (!found) {
    found = new ClubUnread(clubId);
    clubs.set(clubId, found);
  }
  return found;
}

/** The club's unread count, kept live while the calling component is mounted. */
export function useClubUnread(clubId: number): UnreadState {
  const club = tracker(clubId);
  useEffect(() => {
    if (club.users++ === 0) club.start();
    return () => {
      if (--club.users === 0) club.end();
    };
  }, [club]);
  return club.state.value;
}

/** The reader has seen everything up to `messageId` here (this socket gets no `chat:read` echo). */
export function noteChatRead(clubId: number, messageId: number): void {
  tracker(clubId).noteRead(messageId);
}
