// Confirms an email address from the mailed link as soon as the page opens, and says how it went.
import { useEffect, useState } from 'preact/hooks';
import { uidTokenSchema } from '../../../../shared/protocol/auth.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { session } from '../../api/session.js';
import { t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Page } from '../../ui/page.js';
import { Loading } from '../../ui/status.js';
import './account.css';

// A link is spent by its first use: one request per link, however often the page is drawn.
const attempts = new Map<string, Promise<void>>();
function activate(uid: string, token: string): Promise<void> {
  const key = `${uid}/${token}`;
  let attempt = attempts.get(key);
  if (!attempt) {
    attempt = send('post', '/auth/users/activation', uidTokenSchema, { uid, token }, undefined, { auth: false });
    attempts.set(key, attempt);
  }
  return attempt;
}

type Outcome = { state: 'pending' } | { state: 'done' } | { state: 'failed'; error: ApiError | null };

export default function ActivatePage({ params }: RouteProps) {
  const uid = params.uid ?? '';
  const token = params.token ?? '';
  const [outcome, setOutcome] = useState<Outcome>({ state: 'pending' });

  useEffect(() => {
    let live = true;
    activate(uid, token).then(
      () => live && setOutcome({ state: 'done' }),
      (err: unknown) => {
        // A bad or spent link is said as such; anything else (offline, say) in its own words.
        const linkProblem = err instanceof ApiError && (err.code === 'invalid_token' || err.code === 'validation_failed');
        if (live) setOutcome({ state: 'failed', error: linkProblem || !(err instanceof ApiError) ? null : err });
      },
    );
    return () => {
      live = false;
    };
  }, [uid, token]);

  const signedIn = session.value !== null;
  return (
    <Page title={t('account.activate.title')}>
      <div class="auth-page">
        <div class="card stack" aria-live="polite">
          {outcome.state === 'pending' && <Loading label={t('account.activate.pending')} />}
          {outcome.state === 'done' && <p class="notice notice-success">{t('account.activate.done')}</p>}
          {outcome.state === 'failed' && (
            <div role="alert" class="stack">
              <p class="status status-error">{outcome.error ? errorWords(outcome.error) : t('account.activate.failed')}</p>
              {!outcome.error && <p class="muted">{t('account.activate.failedHint')}</p>}
            </div>
          )}
          {outcome.state !== 'pending' && (
            <p>
              {signedIn ? (
                <a href="/" onClick={onLinkClick} class="btn btn-primary">
                  {t('account.activate.home')}
                </a>
              ) : (
                <a href="/login" onClick={onLinkClick} class="btn btn-primary">
                  {t('account.activate.login')}
                </a>
              )}
            </p>
          )}
        </div>
      </div>
    </Page>
  );
}
