// Choose a new password from the mailed reset link, with the same live rules as signing up.
// The server then ends every session of the account, this browser's included.
import { useState } from 'preact/hooks';
import { resetPasswordConfirmSchema } from '../../../../shared/protocol/auth.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { endSession, session } from '../../api/session.js';
import { t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import { fieldErrors } from './field-words.js';
import { PasswordRules, rulesMet } from './password-rules.js';
import './account.css';

type State = 'form' | 'done' | 'bad-link';

export default function ResetConfirmPage({ params }: RouteProps) {
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [state, setState] = useState<State>('form');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    setProblem(undefined);
    try {
      await send('post', '/auth/users/reset_password_confirm', resetPasswordConfirmSchema, { uid: params.uid ?? '', token: params.token ?? '', new_password: password }, undefined, { auth: false });
      // Every session of the account has ended; this browser's too, so forget it quietly.
      if (session.value) endSession(null);
      setState('done');
    } catch (err) {
      const byField = fieldErrors(err);
      // The one rule this page cannot show (whose account it is stays unknown here) said in words.
      if (byField.new_password) setProblem(rulesMet(password, [], ['notPersonal']) ? t('account.problem.personal') : byField.new_password);
      else if (err instanceof ApiError && (err.code === 'invalid_token' || err.code === 'validation_failed')) setState('bad-link');
      else setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <Page title={t('account.resetConfirm.title')}>
      <div class="auth-page">
        <div class="card stack">
          {state === 'done' && (
            <>
              <p class="notice notice-success" role="status">
                {t('account.resetConfirm.done')}
              </p>
              <p>
                <a href="/login" onClick={onLinkClick} class="btn btn-primary">
                  {t('account.activate.login')}
                </a>
              </p>
            </>
          )}
          {state === 'bad-link' && (
            <div role="alert" class="stack">
              <p class="status status-error">{t('account.resetConfirm.badLink')}</p>
              <p>
                <a href="/password/reset" onClick={onLinkClick}>
                  {t('account.resetConfirm.again')}
                </a>
              </p>
            </div>
          )}
          {state === 'form' && (
            <form onSubmit={(event) => void submit(event)} noValidate>
              {error !== null && (
                <p class="status status-error auth-notice" role="alert">
                  {errorWords(error)}
                </p>
              )}
              <Field
                label={t('account.resetConfirm.password')}
                name="new_password"
                type="password"
                value={password}
                onValue={setPassword}
                autoComplete="new-password"
                required
                autoFocus
                hint={<PasswordRules password={password} personal={[]} skip={['notPersonal']} />}
                error={problem}
              />
              <button type="submit" class="btn btn-primary" disabled={pending}>
                {pending ? t('account.resetConfirm.pending') : t('account.resetConfirm.submit')}
              </button>
            </form>
          )}
        </div>
      </div>
    </Page>
  );
}
