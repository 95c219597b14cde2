// The message box: Enter sends, Shift+Enter starts a new line (an IME still composing Hangul
// keeps its Enter), typing is told to the others while it goes on and stopped on send or blur.
import { useId, useRef, useState } from 'preact/hooks';
import { CHAT_BODY_MAX } from '../../../../shared/protocol/signaling.js';
import { t } from '../../i18n/index.js';

/** From here on the box shows how many characters are left. */
const COUNT_FROM = CHAT_BODY_MAX - 200;
const MAX_ROWS = 8;

export interface ComposerProps {
  clubTitle: string;
  offline: boolean;
  disabled: boolean;
  onSend: (body: string) => void;
  onTyping: (typing: boolean) => void;
  /** Up arrow in an empty box: edit one's last message (answers whether there was one). */
  onEditLast: () => boolean;
}

export function Composer({ clubTitle, offline, disabled, onSend, onTyping, onEditLast }: ComposerProps) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  const fit = (): void => {
    const el = box.current;
    if (!el) return;
    el.style.height = 'auto';
    const line = parseFloat(getComputedStyle(el).lineHeight) || 24;
    el.style.height = `${Math.min(el.scrollHeight, line * MAX_ROWS + 16)}px`;
  };

  const send = (): void => {
    const body = text.trim();
    if (!body || disabled || body.length > CHAT_BODY_MAX) return;
    onSend(body);
    setText('');
    onTyping(false);
    requestAnimationFrame(fit);
  };

  const left = CHAT_BODY_MAX - text.length;
  return (
    <form
      class="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for={id}>
        {t('chat.message_label')}
      </label>
      <textarea
        id={id}
        ref={box}
        class="input chat-input"
        rows={1}
        value={text}
        maxLength={CHAT_BODY_MAX}
        placeholder={t('chat.placeholder', { club: clubTitle })}
        aria-describedby={`${id}-hint`}
        disabled={disabled}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          onTyping(value.trim().length > 0);
          fit();
        }}
        onBlur={() => onTyping(false)}
        onKeyDown={(e) => {
          if (e.isComposing || e.keyCode === 229) return;
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            send();
          } else if (e.key === 'ArrowUp' && text === '' && onEditLast()) {
            e.preventDefault();
          }
        }}
      />
      <button type="submit" class="btn btn-primary" disabled={disabled || text.trim() === ''}>
        {t('chat.send')}
      </button>
      <p id={`${id}-hint`} class="chat-hint small muted">
        {offline ? t('chat.offline_hint') : t('chat.hint')}
        {text.length >= COUNT_FROM && <span class="chat-left"> · {t('chat.chars_left', { count: left })}</span>}
      </p>
    </form>
  );
}
