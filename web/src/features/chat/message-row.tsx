// One message in the list: the author and time at the start of a run, the text (or its
// tombstone), and — for its author, or a moderator — Edit and Delete in place. Actions are real
// buttons, shown on hover and whenever focus is inside the message, so the keyboard reaches them.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../../shared/protocol/signaling.js';
import { CHAT_BODY_MAX } from '../../../../shared/protocol/signaling.js';
import { formatDateTime, formatTime, t } from '../../i18n/index.js';
import { Avatar } from '../../ui/avatar.js';
import { errorWords } from '../../ui/errors.js';
import type { PendingMessage } from './model.js';

const AVATAR_PX = 36;

function Head({ name, iso }: { name: string; iso: string }) {
  return (
    <div class="chat-head">
      <span class="chat-author">{name}</span>
      <time class="chat-time" dateTime={iso} title={formatDateTime(iso)}>
        {formatTime(iso)}
      </time>
    </div>
  );
}

/** The author's picture once per run of their messages (Discord-like); their name stands beside it. */
function Gutter({ name, avatarUrl, show }: { name: string; avatarUrl: string | null; show: boolean }) {
  return <span class="chat-gutter">{show && <Avatar person={{ username: name, avatar_url: avatarUrl }} size={AVATAR_PX} named />}</span>;
}

export interface MessageRowProps {
  message: ChatMessage;
  head: boolean;
  name: string;
  mine: boolean;
  canDelete: boolean;
  editing: boolean;
  onEdit: (editing: boolean) => void;
  save: (body: string) => Promise<void>;
  remove: () => Promise<void>;
}

export function MessageRow({ message, head, name, mine, canDelete, editing, onEdit, save, remove }: MessageRowProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const deleted = message.deleted_at !== null;
  const canEdit = mine && !deleted;
  const deletable = (mine || canDelete) && !deleted;

  const doDelete = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await remove();
      setConfirming(false);
    } catch (err) {
      setError(errorWords(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class={`chat-msg${head ? ' chat-msg-head' : ''}${editing ? ' chat-msg-editing' : ''}`} data-message-id={message.id} data-author-id={message.author_id} data-deleted={deleted ? 'true' : undefined}>
      <Gutter name={name} avatarUrl={message.author_avatar_url} show={head} />
      <div class="chat-main">
        {head ? (
          <Head name={name} iso={message.created_at} />
        ) : (
          <span class="visually-hidden">
            {name}, {formatTime(message.created_at)}:{' '}
          </span>
        )}
        {!head && (
          <time class="chat-side-time" dateTime={message.created_at} aria-hidden="true">
            {formatTime(message.created_at)}
          </time>
        )}
        {editing ? (
          <EditBox initial={message.body} save={save} onDone={() => onEdit(false)} />
        ) : deleted ? (
          <p class="chat-body chat-deleted">{t('chat.deleted')}</p>
        ) : (
          <p class="chat-body">
            <span class="chat-text">{message.body}</span>
            {message.edited_at && (
              <span class="chat-edited" title={formatDateTime(message.edited_at)}>
                {' '}
                {t('chat.edited')}
              </span>
            )}
          </p>
        )}
        {confirming && (
          <div class="chat-confirm" role="group" aria-label={t('chat.delete_confirm')}>
            <span>{t('chat.delete_confirm')}</span>
            <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => void doDelete()}>
              {busy ? t('chat.deleting') : t('chat.delete')}
            </button>
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => setConfirming(false)}>
              {t('chat.keep')}
            </button>
          </div>
        )}
        {error && (
          <p class="chat-error" role="alert">
            {error}
          </p>
        )}
      </div>
      {!editing && !confirming && (canEdit || deletable) && (
        <div class="chat-actions" role="group" aria-label={t('chat.actions', { name })}>
          {canEdit && (
            <button type="button" class="btn btn-small btn-quiet" onClick={() => onEdit(true)} aria-label={t('chat.edit_label', { time: formatTime(message.created_at) })}>
              {t('chat.edit')}
            </button>
          )}
          {deletable && (
            <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(true)} aria-label={t('chat.delete_label', { name, time: formatTime(message.created_at) })}>
              {t('chat.delete')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function EditBox({ initial, save, onDone }: { initial: string; save: (body: string) => Promise<void>; onDone: () => void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const submit = async (): Promise<void> => {
    const body = text.trim();
    if (!body) {
      setError(t('chat.empty'));
      return;
    }
    if (body === initial.trim()) {
      onDone();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await save(body);
      onDone();
    } catch (err) {
      setError(errorWords(err));
      setBusy(false);
    }
  };

  return (
    <div class="chat-edit">
      <textarea
        ref={box}
        class="input chat-input"
        rows={2}
        maxLength={CHAT_BODY_MAX}
        value={text}
        aria-label={t('chat.edit_field')}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <div class="chat-edit-bar">
        <span class="small muted">{t('chat.edit_hint')}</span>
        <button type="button" class="btn btn-small" disabled={busy} onClick={onDone}>
          {t('chat.cancel')}
        </button>
        <button type="button" class="btn btn-small btn-primary" disabled={busy} onClick={() => void submit()}>
          {busy ? t('chat.saving') : t('chat.save')}
        </button>
      </div>
      {error && (
        <p class="chat-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function PendingRow({ pending, head, name, avatarUrl, retry, discard }: { pending: PendingMessage; head: boolean; name: string; avatarUrl: string | null; retry: () => void; discard: () => void }) {
  const failed = pending.state === 'failed';
  return (
    <div class={`chat-msg chat-pending${head ? ' chat-msg-head' : ''}`} data-client-id={pending.client_id} data-state={pending.state}>
      <Gutter name={name} avatarUrl={avatarUrl} show={head} />
      <div class="chat-main">
        {head ? <Head name={name} iso={pending.created_at} /> : <span class="visually-hidden">{name}: </span>}
        <p class="chat-body">
          <span class="chat-text">{pending.body}</span>
        </p>
        <p class={`chat-state small${failed ? ' chat-error' : ' muted'}`}>
          {failed ? t('chat.not_sent', { reason: pending.error ?? '' }) : t('chat.sending')}
        </p>
        {failed && (
          <div class="cluster">
            <button type="button" class="btn btn-small" onClick={retry}>
              {t('chat.retry')}
            </button>
            <button type="button" class="btn btn-small btn-quiet" onClick={discard}>
              {t('chat.discard')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
