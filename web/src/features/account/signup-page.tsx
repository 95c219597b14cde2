// Sign up: the password rules are ticked live while the person types; the server's field
// problems (a taken username, say) appear under their fields. Afterwards the page logs in with
// the same details: where addresses must be confirmed first it says "check your email" instead.
import { useEffect, useState } from 'preact/hooks';
import { createdUserSchema, emailOnlySchema, signUpSchema, type SignUpBody } from '../../../../shared/protocol/auth.js';
import { login } from '../../api/auth.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { navigate, onLinkClick, safeNext } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import { notify } from '../../ui/toast.js';
import { fieldErrors } from './field-words.js';
import { PasswordRules } from './password-rules.js';
import './account.css';

function CheckEmail({ email }: { email: string }) {
  const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle');
  const [error, setError] = useState<unknown>(null);
  const resend = async () => {
    setState('sending');
    setError(null);
    try {
      await send('post', '/auth/users/resend_activation', emailOnlySchema, { email }, undefined, { auth: false });
      setState('sent');
    } catch (err) {
      setError(err);
      setState('idle');
    }
  };
  return (
    <Page title={t('account.signup.checkTitle')}>
      <div class="auth-page">
        <div class="card stack">
          <p>{t('account.signup.checkBody', { email })}</p>
          <p class="muted">{t('account.signup.checkHint')}</p>
          {state === 'sent' ? (
            <p class="notice notice-success" role="status">
              {t('account.login.resent', { email })}
            </p>
          ) : (
            <button type="button" class="btn" onClick={() => void resend()} disabled={state === 'sending'}>
              {state === 'sending' ? t('account.login.resending') : t('account.login.resend')}
            </button>
          )}
          {error !== null && (
            <p class="status status-error" role="alert">
              {errorWords(error)}
            </p>
          )}
          <p>
            <a href="/login" onClick={onLinkClick}>
              {t('account.activate.login')}
            </a>
          </p>
        </div>
      </div>
    </Page>
  );
}

export default function SignupPage({ query }: RouteProps) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const rawNext = query.get('next');
  const next = safeNext(rawNext);

  // The shell goes on to `next` once the session starts: an address elsewhere is dropped first.
  useEffect(() => {
    if (rawNext !== null && next === null) navigate('/signup', { replace: true });
  }, [rawNext, next]);

  if (sentTo) return <CheckEmail email={sentTo} />;

  const submit = async (event: Event) => {
    event.preventDefault();
    const body: SignUpBody = { username: username.trim(), email: email.trim(), password };
    if (firstName.trim()) body.first_name = firstName.trim();
    if (lastName.trim()) body.last_name = lastName.trim();
    setPending(true);
    setError(null);
    setProblems({});
    try {
      const created = await send('post', '/auth/users', signUpSchema, body, createdUserSchema, { auth: false });
      try {
        await login({ username: created.username, password });
        notify(t('account.signup.welcome', { name: created.first_name || created.username }), 'success');
      } catch (err) {
        // The account exists; only the login has to wait (for the confirmed address, usually).
        if (!(err instanceof ApiError && err.code === 'email_not_verified')) notify(errorWords(err), 'error');
        setSentTo(created.email);
      }
    } catch (err) {
      const byField = fieldErrors(err);
      setProblems(byField);
      if (Object.keys(byField).length === 0) setError(err);
      setPending(false);
    }
  };

  const personal = [username, email];
  return (
    <Page title={t('account.signup.title')}>
      <div class="auth-page">
        <div class="card">
          <p class="auth-intro">{t('account.signup.intro')}</p>
          {error !== null && (
            <p class="status status-error auth-notice" role="alert">
              {errorWords(error)}
            </p>
          )}
          <form onSubmit={(event) => void submit(event)} noValidate>
            <Field label={t('account.signup.username')} name="username" value={username} onValue={setUsername} autoComplete="username" required maxLength={32} hint={t('account.signup.usernameHint')} error={problems.username} />
            <Field label={t('account.signup.email')} name="email" type="email" value={email} onValue={setEmail} autoComplete="email" required maxLength={254} error={problems.email} />
            <Field
              label={t('account.signup.password')}
              name="password"
              type="password"
              value={password}
              onValue={setPassword}
              autoComplete="new-password"
              required
              hint={<PasswordRules password={password} personal={personal} />}
              error={problems.password}
            />
            <div class="auth-pair">
              <Field label={t('account.signup.optional', { label: t('account.signup.firstName') })} name="first_name" value={firstName} onValue={setFirstName} autoComplete="given-name" maxLength={150} error={problems.first_name} />
              <Field label={t('account.signup.optional', { label: t('account.signup.lastName') })} name="last_name" value={lastName} onValue={setLastName} autoComplete="family-name" maxLength={150} error={problems.last_name} />
            </div>
            <button type="submit" class="btn btn-primary" disabled={pending}>
              {pending ? t('account.signup.pending') : t('account.signup.submit')}
            </button>
          </form>
          <div class="auth-links">
            <span>
              {t('account.signup.haveAccount')}{' '}
              <a href={next ? `/login?next=${encodeURIComponent(next)}` : '/login'} onClick={onLinkClick}>
                {t('account.signup.login')}
              </a>
            </span>
          </div>
        </div>
      </div>
    </Page>
  );
}
