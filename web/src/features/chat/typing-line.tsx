// "Mina is typing…": who is typing now, by name, in one short line.
import { t } from '../../i18n/index.js';

export function TypingLine({ typers, nameOf }: { typers: ReadonlyMap<number, number>; nameOf: (userId: number) => string }) {
  const names = [...typers.keys()].map(nameOf);
  let words = '';
  if (names.length === 1) words = t('chat.typing_one', { name: names[0] ?? '' });
  else if (names.length === 2) words = t('chat.typing_two', { first: names[0] ?? '', second: names[1] ?? '' });
  else if (names.length > 2) words = t('chat.typing_many');
  return (
    <p class="chat-typing small muted" data-typing={names.length > 0 ? 'true' : 'false'}>
      {words && (
        <>
          <span class="chat-typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {words}
        </>
      )}
    </p>
  );
}
