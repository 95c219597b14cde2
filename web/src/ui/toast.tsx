// Short notices that answer an action ("Saved.", an error in words), read out by screen readers.
import { signal } from '@preact/signals';
import { t } from '../i18n/index.js';

interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'success' | 'error';
}

const toasts = signal<Toast[]>([]);
let nextId = 1;

export function notify(text: string, kind: Toast['kind'] = 'info', ms = 5_000): void {
  const id = nextId++;
  // The same words again (an action repeated, refused twice) replace the earlier toast instead of
  // stacking a copy; the new one goes last under a new key, so it is read out again.
  const others = toasts.value.filter((toast) => toast.text !== text || toast.kind !== kind);
  toasts.value = [...others.slice(-3), { id, text, kind }];
  if (ms > 0) setTimeout(() => dismiss(id), ms);
}

function dismiss(id: number): void {
  toasts.value = toasts.value.filter((toast) => toast.id !== id);
}

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.kind}`}>
          <span>{toast.text}</span>
          <button type="button" class="btn-icon" aria-label={t('common.dismiss')} onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
