// Loading, error and empty states, said the same way on every screen.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { errorWords } from './errors.js';

export function Loading({ label }: { label?: string }) {
  return (
    <p class="status status-loading" role="status">
      <span class="spinner" aria-hidden="true" /> {label ?? t('common.loading')}
    </p>
  );
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="status status-error" role="alert">
      <p>{errorWords(error)}</p>
      {onRetry && (
        <button type="button" class="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return <p class="status status-empty">{children ?? t('common.none')}</p>;
}
