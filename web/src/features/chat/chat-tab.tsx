// The club's chat tab: history that loads as you scroll up, newest at the bottom, grouped by
// author and day; a composer that sends on Enter and keeps unsent messages across reconnects;
// who is typing; the "New" line and the unread count; edit and delete in place.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { can } from '../../../../shared/permissions.js';
import { connection } from '../../api/socket.js';
import { session } from '../../api/session.js';
import { formatDate, t, tn } from '../../i18n/index.js';
import { displayName, me } from '../../live/me.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import type { ClubTabProps } from '../club/tabs.js';
import { Composer } from './composer.js';
import { MessageRow, PendingRow } from './message-row.js';
import { layoutRows } from './model.js';
import { People } from './people.js';
import { ChatRoom } from './room.js';
import { TypingLine } from './typing-line.js';
import { useClubUnread } from './unread.js';
import './chat.css';

/** Closer than this to the bottom counts as "at the bottom" (new messages keep it there). */
const STICK_PX = 48;
/** Closer than this to the top loads the previous page. */
const OLDER_PX = 200;

export default function ChatTab({ club }: ClubTabProps) {
  const myId = session.value?.userId ?? 0;
  const room = useMemo(() => new ChatRoom(club.id, myId), [club.id, myId]);
  const people = useMemo(() => new People(club.id), [club.id]);
  useEffect(() => room.start(), [room]);
  useEffect(() => void people.load(), [people]);
  const unread = useClubUnread(club.id);
  const [editingId, setEditingId] = useState<number | null>(null);

  const messages = room.messages.value;
  const pending = room.pending.value;
  const load = room.load.value;
  const rows = useMemo(() => layoutRows(messages, pending, myId, room.unreadAfter.value), [messages, pending, myId, room.unreadAfter.value]);
  const canModerate = can(club.me.role, 'chat.moderate');
  const myName = me.value ? displayName(me.value) : t('chat.you');
  const nameOf = (userId: number): string => (userId === myId ? myName : (people.nameOf(userId) ?? t('chat.former_member')));
  // Read here so the tab draws again when names arrive.
  void people.names.value;

  // Scrolling: stay at the bottom while there; keep the view still when older pages arrive.
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const prepend = useRef<number | null>(null);
  const placed = useRef(false);

  const onScroll = (): void => {
    const el = log.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    setShowJump(!atBottom.current);
    if (atBottom.current) markNewestRead();
    if (el.scrollTop < OLDER_PX && room.olderCursor.value && !room.loadingOlder.value) loadOlder();
  };

  const loadOlder = (): void => {
    const el = log.current;
    if (el) prepend.current = el.scrollHeight - el.scrollTop;
    void room.loadOlder();
  };

  useLayoutEffect(() => {
    const el = log.current;
    if (!el || load.kind !== 'ready') return;
    if (!placed.current) {
      // First draw: at the "New" line if there is one, else at the newest message.
      placed.current = true;
      const line = el.querySelector<HTMLElement>('.chat-unread');
      if (line) el.scrollTop = Math.max(0, line.offsetTop - el.clientHeight / 3);
      else el.scrollTop = el.scrollHeight;
      onScroll();
      return;
    }
    if (prepend.current !== null && !room.loadingOlder.value) {
      el.scrollTop = el.scrollHeight - prepend.current;
      prepend.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [rows, load.kind]);

  const jumpToNewest = (): void => {
    const el = log.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    onScroll();
  };

  // Read marker: the newest message counts as read once it is on screen in a visible page.
  function markNewestRead(): void {
    const newest = room.messages.value.at(-1);
    if (newest && document.visibilityState === 'visible' && atBottom.current) room.markRead(newest.id);
  }
  useEffect(() => {
    if (load.kind === 'ready') markNewestRead();
  }, [messages, load.kind]);
  useEffect(() => {
    const onVisible = (): void => markNewestRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [room]);

  // Up arrow in an empty composer edits your last message, as in Slack and Discord.
  const editLast = (): boolean => {
    const last = [...room.messages.value].reverse().find((m) => m.author_id === myId && !m.deleted_at);
    if (!last) return false;
    setEditingId(last.id);
    return true;
  };

  const offline = connection.value === 'offline' || connection.value === 'reconnecting';
  const unreadWords = unread.count > 0 ? (unread.more ? t('chat.unread_many', { count: unread.count }) : tn('chat.unread', unread.count)) : null;

  return (
    <div class="chat">
      <div class="chat-top">
        <h2 class="chat-title">
          {t('chat.title')}
        </h2>
        <p class="chat-unread-count small" role="status">
          {unreadWords && <span class="badge">{unreadWords}</span>}
        </p>
      </div>
      {load.kind === 'loading' && <Loading label={t('chat.loading')} />}
      {load.kind === 'error' && <ErrorMessage error={load.error} onRetry={() => room.retryLoad()} />}
      {load.kind === 'ready' && (
        <div class="chat-frame">
          <div
            ref={log}
            class="chat-log"
            role="log"
            aria-live="polite"
            aria-relevant="additions"
            aria-busy={room.loadingOlder.value ? 'true' : 'false'}
            aria-label={t('chat.log_label', { club: club.title })}
            tabIndex={0}
            onScroll={onScroll}
          >
            <div class="chat-start">
              {room.olderCursor.value ? (
                <button type="button" class="btn btn-small btn-quiet" disabled={room.loadingOlder.value} onClick={loadOlder}>
                  {room.loadingOlder.value ? t('chat.loading_older') : t('chat.load_older')}
                </button>
              ) : (
                <p class="muted small">{messages.length === 0 && pending.length === 0 ? t('chat.empty_chat') : t('chat.start')}</p>
              )}
              {room.olderError.value && <ErrorMessage error={room.olderError.value} onRetry={loadOlder} />}
            </div>
            {rows.map((row) => {
              switch (row.kind) {
                case 'day':
                  return (
                    <h3 key={row.key} class="chat-day">
                      <span>{formatDate(row.iso, { dateStyle: 'full' })}</span>
                    </h3>
                  );
                case 'unread':
                  return (
                    <div key={row.key} class="chat-unread" role="separator" aria-label={t('chat.new_line_label')}>
                      <span aria-hidden="true">{t('chat.new_line')}</span>
                    </div>
                  );
                case 'message': {
                  const m = row.message;
                  return (
                    <MessageRow
                      key={row.key}
                      message={m}
                      head={row.head}
                      name={nameOf(m.author_id)}
                      mine={m.author_id === myId}
                      canDelete={canModerate}
                      editing={editingId === m.id}
                      onEdit={(on) => setEditingId(on ? m.id : null)}
                      save={(body) => room.edit(m.id, body)}
                      remove={() => room.remove(m.id)}
                    />
                  );
                }
                case 'pending':
                  return (
                    <PendingRow
                      key={row.key}
                      pending={row.pending}
                      head={row.head}
                      name={myName}
                      avatarUrl={me.value?.avatar_url ?? null}
                      retry={() => room.retry(row.pending.client_id)}
                      discard={() => room.discard(row.pending.client_id)}
                    />
                  );
              }
            })}
          </div>
          {showJump && (
            <button type="button" class="btn btn-small btn-primary chat-jump" onClick={jumpToNewest}>
              {unread.count > 0 ? tn('chat.jump_unread', unread.count) : t('chat.jump')}
            </button>
          )}
        </div>
      )}
      <TypingLine typers={room.typers.value} nameOf={nameOf} />
      <Composer
        clubTitle={club.title}
        offline={offline}
        disabled={load.kind !== 'ready'}
        onSend={(body) => {
          atBottom.current = true;
          room.send(body);
        }}
        onTyping={(on) => room.typing(on)}
        onEditLast={editLast}
      />
    </div>
  );
}
