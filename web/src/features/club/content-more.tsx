// The "Show more" button under a paged list, with its pending state and its error in words.
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import type { Paged } from './content-common.js';

export function ShowMore<T>({ paged, label }: { paged: Paged<T>; label?: string }) {
  if (!paged.hasMore) return null;
  return (
    <div class="content-more">
      <button type="button" class="btn" disabled={paged.moreLoading} aria-busy={paged.moreLoading} onClick={paged.loadMore}>
        {paged.moreLoading ? t('common.loading') : (label ?? t('content.showMore'))}
      </button>
      {paged.moreError !== null && (
        <p class="field-error" role="alert">
          {errorWords(paged.moreError)}
        </p>
      )}
    </div>
  );
}
