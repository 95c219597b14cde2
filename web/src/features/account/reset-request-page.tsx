// Forgot the password: asks for the account's email and says a link is on its way (the server
// answers the same whether or not the address is known, and so does this page).
import { useState } from 'preact/hooks';
import { emailOnlySchema } from '../../../../shared/protocol/auth.js';
import { send } from '../../api/http.js';
import { session } from '../../api/session.js';
import { t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import { fieldErrors } from './field-words.js';
import './account.css';

export default function ResetRequestPage(_props: RouteProps) {
  const [email, setEmail] = useState('');
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    setProblem(undefined);
    const address = email.trim();
    try {
      await send('post', '/auth/users/reset_password', emailOnlySchema, { email: address }, undefined, { auth: false });
      setSentTo(address);
    } catch (err) {
      const byField = fieldErrors(err);
      if (byField.email) setProblem(byField.email);
      else setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <Page title={t('account.reset.title')}>
      <div class="auth-page">
        <div class="card">
          {sentTo ? (
            <p class="notice notice-success" role="status">
              {t('account.reset.sent', { email: sentTo })}
            </p>
          ) : (
            <>
              <p class="auth-intro">{t('account.reset.intro')}</p>
              {error !== null && (
                <p class="status status-error auth-notice" role="alert">
                  {errorWords(error)}
                </p>
              )}
              <form onSubmit={(event) => void submit(event)} noValidate>
                <Field label={t('account.reset.email')} name="email" type="email" value={email} onValue={setEmail} autoComplete="email" required maxLength={254} error={problem} />
                <button type="submit" class="btn btn-primary" disabled={pending}>
                  {pending ? t('account.reset.pending') : t('account.reset.submit')}
                </button>
              </form>
            </>
          )}
          {session.value === null && (
            <div class="auth-links">
              <a href="/login" onClick={onLinkClick}>
                {t('account.reset.back')}
              </a>
            </div>
          )}
        </div>
      </div>
    </Page>
  );
}
