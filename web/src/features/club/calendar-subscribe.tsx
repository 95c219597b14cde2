// Subscribing to the club's calendar: the member's secret address (a calendar app polls it
// without signing in), copied or opened with webcal://, and reset when it has leaked.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { calendarFeedSchema, type CalendarFeedResponse } from '../../../../shared/protocol/calendar.js';
import { act } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { useAction } from './content-common.js';

const feedPath = (clubId: number) => `/api/clubs/${clubId}/calendar/feed`;

export function CalendarSubscribe({ clubId }: { clubId: number }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [feed, setFeed] = useState<CalendarFeedResponse | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [said, setSaid] = useState('');
  const [opening, runOpen] = useAction();
  const [reset, runReset] = useAction();
  // The button pressed goes away with the address's arrival: focus moves to the address.
  const focusAddress = useRef(false);
  useEffect(() => {
    if (feed && focusAddress.current) input.current?.focus();
    focusAddress.current = false;
  }, [feed]);

  const open = () =>
    runOpen(async () => {
      focusAddress.current = true;
      setFeed(await act('post', feedPath(clubId), calendarFeedSchema));
      setSaid('');
    });

  const copy = async () => {
    if (!feed) return;
    try {
      await navigator.clipboard.writeText(feed.url);
      setSaid(t('club.overview.feedCopied'));
    } catch {
      // Without clipboard access (an insecure page, a refusal) the address is selected for the keyboard.
      input.current?.select();
      setSaid(t('club.overview.feedCopyFailed'));
    }
  };

  const renew = () =>
    runReset(async () => {
      await act('delete', feedPath(clubId));
      focusAddress.current = true;
      setFeed(await act('post', feedPath(clubId), calendarFeedSchema));
      setConfirming(false);
      setSaid(t('club.overview.feedResetDone'));
    });

  if (!feed) {
    return (
      <div class="stack calendar-feed">
        <button type="button" class="btn btn-small" disabled={opening.kind === 'pending'} aria-busy={opening.kind === 'pending'} onClick={() => void open()}>
          {opening.kind === 'pending' ? t('club.overview.subscribePending') : t('club.overview.subscribe')}
        </button>
        {opening.kind === 'failed' && (
          <p class="small field-error" role="alert">
            {errorWords(opening.error)}
          </p>
        )}
      </div>
    );
  }

  return (
    <div class="stack calendar-feed" role="group" aria-labelledby={`${id}-title`}>
      <h3 class="small" id={`${id}-title`}>
        {t('club.overview.feedTitle')}
      </h3>
      <div class="field calendar-feed-field">
        <label for={`${id}-url`}>{t('club.overview.feedAddress')}</label>
        <div class="calendar-feed-row">
          <input ref={input} id={`${id}-url`} type="text" readOnly value={feed.url} aria-describedby={`${id}-hint`} onFocus={(event) => event.currentTarget.select()} />
          <button type="button" class="btn btn-small" onClick={() => void copy()}>
            {t('club.overview.feedCopy')}
          </button>
        </div>
        <p class="field-hint" id={`${id}-hint`}>
          {t('club.overview.feedHint')}
        </p>
      </div>
      <p class="small" aria-live="polite">
        {said}
      </p>
      <div class="cluster">
        <a class="btn btn-small btn-primary" href={feed.webcal_url}>
          {t('club.overview.feedOpen')}
        </a>
        {!confirming && (
          <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(true)}>
            {t('club.overview.feedReset')}
          </button>
        )}
      </div>
      {confirming && (
        <div class="stack" role="group" aria-labelledby={`${id}-ask`}>
          <p class="small" id={`${id}-ask`}>
            {t('club.overview.feedResetAsk')}
          </p>
          <div class="cluster">
            <button type="button" class="btn btn-small btn-danger" disabled={reset.kind === 'pending'} aria-busy={reset.kind === 'pending'} onClick={() => void renew()}>
              {reset.kind === 'pending' ? t('club.overview.feedResetting') : t('club.overview.feedResetConfirm')}
            </button>
            <button type="button" class="btn btn-small btn-quiet" disabled={reset.kind === 'pending'} onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {reset.kind === 'failed' && (
        <p class="small field-error" role="alert">
          {errorWords(reset.error)}
        </p>
      )}
    </div>
  );
}
