// Log in with username or email. Says why the last session ended, turns the server's answer into
// words (a wrong password, an address still to confirm, with the link sent again on request) and
// goes on to the `next` page the person was sent here from.
import { useEffect, useState } from 'preact/hooks';
import { emailOnlySchema, emailSchema } from '../../../../shared/protocol/auth.js';
import { login } from '../../api/auth.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { endedBecause } from '../../api/session.js';
import { hasMessage, t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { navigate, onLinkClick, safeNext } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import './account.css';

function EndedNotice() {
  const reason = endedBecause.value;
  if (!reason) return null;
  const key = `account.ended.${reason}`;
  return (
    <p class="notice notice-warning auth-notice" role="status">
      {hasMessage(key) ? t(key) : t('account.ended.other')}
    </p>
  );
}

type Resend = 'idle' | 'sending' | 'sent' | 'needs-email';

function NotVerified({ identifier }: { identifier: string }) {
  const [state, setState] = useState<Resend>('idle');
  const [error, setError] = useState<unknown>(null);
  const address = identifier.trim();
  const resend = async () => {
    if (!emailSchema.safeParse(address).success) {
      setState('needs-email');
      return;
    }
    setState('sending');
    setError(null);
    try {
      await send('post', '/auth/users/resend_activation', emailOnlySchema, { email: address }, undefined, { auth: false });
      setState('sent');
    } catch (err) {
      setError(err);
      setState('idle');
    }
  };
  return (
    <div class="notice notice-warning auth-notice" role="alert">
      <p>{t('error.email_not_verified')}</p>
      {state === 'sent' ? (
        <p role="status">{t('account.login.resent', { email: address })}</p>
      ) : (
        <button type="button" class="btn btn-small" onClick={() => void resend()} disabled={state === 'sending'}>
          {state === 'sending' ? t('account.login.resending') : t('account.login.resend')}
        </button>
      )}
      {state === 'needs-email' && <p>{t('account.login.resendNeedsEmail')}</p>}
      {error !== null && <p>{errorWords(error)}</p>}
    </div>
  );
}

export default function LoginPage({ query }: RouteProps) {
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [problems, setProblems] = useState<{ identifier?: string; password?: string }>({});
  const rawNext = query.get('next');
  const next = safeNext(rawNext);

  // The shell follows `next` as soon as the session starts: an address elsewhere is dropped first.
  useEffect(() => {
    if (rawNext !== null && next === null) navigate('/login', { replace: true });
  }, [rawNext, next]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = { identifier: identifier.trim() ? undefined : t('account.problem.identifier'), password: password ? undefined : t('account.problem.loginPassword') };
    setProblems(missing);
    if (missing.identifier || missing.password) return;
    setPending(true);
    setError(null);
    try {
      await login({ username: identifier.trim(), password });
      if (location.pathname === '/login') navigate(next ?? '/', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('unexpected', String(err)));
      setPending(false);
    }
  };

  const signupHref = next ? `/signup?next=${encodeURIComponent(next)}` : '/signup';
  return (
    <Page title={t('account.login.title')}>
      <div class="auth-page">
        <EndedNotice />
        <div class="card">
          <p class="auth-intro">{t('account.login.intro')}</p>
          {error?.code === 'email_not_verified' ? (
            <NotVerified identifier={identifier} />
          ) : (
            error && (
              <p class="status status-error auth-notice" role="alert">
                {errorWords(error)}
              </p>
            )
          )}
          <form onSubmit={(event) => void submit(event)} noValidate>
            <Field label={t('account.login.identifier')} name="username" value={identifier} onValue={setIdentifier} autoComplete="username" required error={problems.identifier} />
            <Field label={t('account.login.password')} name="password" type="password" value={password} onValue={setPassword} autoComplete="current-password" required error={problems.password} />
            <button type="submit" class="btn btn-primary" disabled={pending}>
              {pending ? t('account.login.pending') : t('account.login.submit')}
            </button>
          </form>
          <div class="auth-links">
            <a href="/password/reset" onClick={onLinkClick}>
              {t('account.login.forgot')}
            </a>
            <span>
              {t('account.login.noAccount')}{' '}
              <a href={signupHref} onClick={onLinkClick}>
                {t('account.login.signup')}
              </a>
            </span>
          </div>
        </div>
      </div>
    </Page>
  );
}
