// Says when the live connection is down and when it is back, without covering the page.
import { useSignalEffect } from '@preact/signals';
import { useState } from 'preact/hooks';
import { connection } from '../api/socket.js';
import { t } from '../i18n/index.js';

export function ConnectionBanner() {
  const [wasDown, setWasDown] = useState(false);
  const [showBack, setShowBack] = useState(false);
  useSignalEffect(() => {
    const state = connection.value;
    if (state === 'offline' || state === 'reconnecting') setWasDown(true);
    if (state === 'online' && wasDown) {
      setWasDown(false);
      setShowBack(true);
      setTimeout(() => setShowBack(false), 3_000);
    }
  });
  const state = connection.value;
  let text: string | null = null;
  if (state === 'offline') text = t('conn.offline');
  else if (state === 'reconnecting') text = t('conn.reconnecting');
  else if (showBack) text = t('conn.back');
  return (
    <div class="conn-banner-slot" role="status" aria-live="polite">
      {text && (
        <p class={`conn-banner conn-${state === 'online' ? 'back' : state}`} data-connection={state}>
          {text}
        </p>
      )}
    </div>
  );
}
