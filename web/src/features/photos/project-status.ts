// A project's status in words, and the quotes sent from this browser (so an open notebook
// reloads when one arrives, in this tab or another).
import { signal } from '@preact/signals';
import type { ProjectResponse } from '../../../../shared/protocol/projects.js';
import { t } from '../../i18n/index.js';

export function statusWords(status: ProjectResponse['status']): string {
  switch (status) {
    case 'PENDING':
      return t('photos.status.pending');
    case 'RUNNING':
      return t('photos.status.running');
    case 'COMPLETED':
      return t('photos.status.completed');
    case 'FAILED':
      return t('photos.status.failed');
  }
}

/** The notes document of the last quote sent from this browser, with a counter that changes on each. */
export const lastQuote = signal<{ doc: string; n: number } | null>(null);

const CHANNEL = 'roundtable.photos.quotes';
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (typeof event.data === 'string') lastQuote.value = { doc: event.data, n: (lastQuote.value?.n ?? 0) + 1 };
});

export function quoteSent(doc: string): void {
  lastQuote.value = { doc, n: (lastQuote.value?.n ?? 0) + 1 };
  channel?.postMessage(doc);
}
