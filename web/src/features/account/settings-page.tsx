// Profile and settings: the picture, the profile (kept as a draft until saved), interests, the transcription
// opt-out, the password, and logging out here or everywhere. Saving updates the `me` signal, so
// the header shows the new name at once.
import { useEffect, useRef, useState } from 'preact/hooks';
import { setPasswordSchema } from '../../../../shared/protocol/auth.js';
import { meResponseSchema, profileUpdateSchema } from '../../../../shared/protocol/users.js';
import { logout } from '../../api/auth.js';
import { ApiError } from '../../api/errors.js';
import { get, send } from '../../api/http.js';
import { connectCount } from '../../api/socket.js';
import { formatDate, t } from '../../i18n/index.js';
import { displayName, me, type Me } from '../../live/me.js';
import type { RouteProps } from '../../routes.js';
import { errorWords } from '../../ui/errors.js';
import { Avatar } from '../../ui/avatar.js';
import { Field } from '../../ui/field.js';
import { useFocusFirstProblem } from '../../ui/focus-problem.js';
import { Page } from '../../ui/page.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import { notify } from '../../ui/toast.js';
import { useResource } from '../../ui/use-resource.js';
import { AvatarSection } from './avatar-section.js';
import { fieldErrors } from './field-words.js';
import { PasswordRules } from './password-rules.js';
import { draftOf, loadDraft, sameDraft, saveDraft, updateOf, type ProfileDraft } from './profile-draft.js';
import './account.css';

const MAX_INTERESTS = 30;
const MAX_INTEREST_LENGTH = 40;

function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function Interests({ list, onList, error }: { list: string[]; onList: (next: string[]) => void; error?: string | undefined }) {
  const [text, setText] = useState('');
  const add = () => {
    const interest = text.trim().toLowerCase().slice(0, MAX_INTEREST_LENGTH);
    if (!interest || list.length >= MAX_INTERESTS) return;
    if (!list.includes(interest)) onList([...list, interest]);
    setText('');
  };
  return (
    <fieldset class="settings-interests">
      <legend class="field-label">{t('account.settings.interests')}</legend>
      {list.length === 0 ? (
        <p class="muted small">{t('account.settings.noInterests')}</p>
      ) : (
        <ul class="interest-list">
          {list.map((interest) => (
            <li key={interest} class="tag">
              {interest}
              <button type="button" class="btn-icon" aria-label={t('account.settings.removeInterest', { interest })} onClick={() => onList(list.filter((i) => i !== interest))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div
        class="interest-add"
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') {
            event.preventDefault();
            add();
          }
        }}
      >
        <Field label={t('account.settings.addInterest')} value={text} onValue={setText} maxLength={MAX_INTEREST_LENGTH} hint={t('account.settings.interestsHint')} error={error} />
        <button type="button" class="btn" onClick={add} disabled={!text.trim() || list.length >= MAX_INTERESTS}>
          {t('common.add')}
        </button>
      </div>
    </fieldset>
  );
}

function ProfileForm({ profile, onSaved }: { profile: Me; onSaved: (next: Me) => void }) {
  const saved = draftOf(profile);
  const [draft, setDraft] = useState<ProfileDraft>(() => loadDraft(profile.id) ?? saved);
  const [pending, setPending] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstProblem(form, error);
  const dirty = !sameDraft(draft, saved);

  const edit = (change: Partial<ProfileDraft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    saveDraft(profile.id, sameDraft(next, saved) ? null : next);
  };

  const discard = () => {
    setDraft(saved);
    saveDraft(profile.id, null);
    setProblems({});
    setError(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setProblems({});
    setError(null);
    try {
      const updated = await send('patch', '/api/me', profileUpdateSchema, updateOf(draft), meResponseSchema);
      saveDraft(profile.id, null);
      setDraft(draftOf(updated));
      onSaved(updated);
      notify(t('account.settings.saved'), 'success');
    } catch (err) {
      const byField = fieldErrors(err);
      setProblems(byField);
      setError(Object.keys(byField).length > 0 ? t('account.settings.fixFields') : errorWords(err));
    } finally {
      setPending(false);
    }
  };

  return (
    <section class="card settings-section" aria-labelledby="settings-profile">
      <h2 id="settings-profile">{t('account.settings.profile')}</h2>
      <p class="muted small">{t('account.settings.profileHint')}</p>
      {dirty && (
        <div class="notice notice-warning settings-draft cluster" role="status">
          <span>{t('account.settings.draftKept')}</span>
          <button type="button" class="btn btn-small" onClick={discard}>
            {t('account.settings.discard')}
          </button>
        </div>
      )}
      <form ref={form} onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t('account.settings.nickname')} name="nickname" value={draft.nickname} onValue={(nickname) => edit({ nickname })} maxLength={50} autoComplete="nickname" hint={t('account.settings.nicknameHint', { username: profile.username })} error={problems.nickname} />
        <div class="auth-pair">
          <Field label={t('account.settings.firstName')} name="first_name" value={draft.first_name} onValue={(first_name) => edit({ first_name })} maxLength={150} autoComplete="given-name" error={problems.first_name} />
          <Field label={t('account.settings.lastName')} name="last_name" value={draft.last_name} onValue={(last_name) => edit({ last_name })} maxLength={150} autoComplete="family-name" error={problems.last_name} />
        </div>
        <Field label={t('account.settings.bio')} name="bio" value={draft.bio} onValue={(bio) => edit({ bio })} multiline rows={4} maxLength={2000} error={problems.bio} />
        <div class="auth-pair">
          <Field label={t('account.settings.phone')} name="phone" type="tel" value={draft.phone} onValue={(phone) => edit({ phone })} maxLength={24} autoComplete="tel" error={problems.phone} />
          <Field label={t('account.settings.birthDate')} name="birth_date" type="date" value={draft.birth_date} onValue={(birth_date) => edit({ birth_date })} min="1900-01-01" max={today()} autoComplete="bday" error={problems.birth_date} />
        </div>
        <Interests list={draft.interests} onList={(interests) => edit({ interests })} error={problems.interests} />
        {error !== null && (
          <p class="status status-error" role="alert" tabIndex={-1}>
            {error}
          </p>
        )}
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" disabled={pending || !dirty}>
            {pending ? t('account.settings.saving') : t('account.settings.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function TranscriptionOptOut({ profile, onSaved }: { profile: Me; onSaved: (next: Me) => void }) {
  // The switch shows the choice at once, and goes back if the server refuses it.
  const [asked, setAsked] = useState<boolean | null>(null);
  const pending = asked !== null;
  const checked = asked ?? profile.transcription_opt_out;
  const toggle = async (optOut: boolean) => {
    setAsked(optOut);
    try {
      const updated = await send('patch', '/api/me', profileUpdateSchema, { transcription_opt_out: optOut }, meResponseSchema);
      onSaved(updated);
      notify(t(updated.transcription_opt_out ? 'account.settings.transcriptionOn' : 'account.settings.transcriptionOff'), 'success');
    } catch (err) {
      notify(errorWords(err), 'error');
    } finally {
      setAsked(null);
    }
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-privacy">
      <h2 id="settings-privacy">{t('account.settings.privacy')}</h2>
      <div class="switch-row">
        <input
          type="checkbox"
          id="transcription-opt-out"
          role="switch"
          checked={checked}
          aria-checked={checked}
          aria-describedby="transcription-opt-out-hint"
          aria-busy={pending}
          disabled={pending}
          onChange={(event) => void toggle(event.currentTarget.checked)}
        />
        <div>
          <label for="transcription-opt-out">{t('account.settings.transcription')}</label>
          <p id="transcription-opt-out-hint" class="muted small">
            {t('account.settings.transcriptionHint')}
          </p>
        </div>
      </div>
    </section>
  );
}

function PasswordChange({ profile }: { profile: Me }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pending, setPending] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstProblem(form, Object.keys(problems).length > 0 ? problems : error);
  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setProblems({});
    setError(null);
    try {
      await send('post', '/auth/users/set_password', setPasswordSchema, { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      notify(t('account.settings.passwordChanged'), 'success');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setProblems({ current_password: t('account.problem.wrongCurrent') });
      else {
        const byField = fieldErrors(err);
        setProblems(byField);
        if (Object.keys(byField).length === 0) setError(err);
      }
    } finally {
      setPending(false);
    }
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-password">
      <h2 id="settings-password">{t('account.settings.password')}</h2>
      <form ref={form} onSubmit={(event) => void submit(event)} noValidate>
        {/* Lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={profile.username} readOnly hidden />
        <Field label={t('account.settings.currentPassword')} name="current_password" type="password" value={current} onValue={setCurrent} autoComplete="current-password" required error={problems.current_password} />
        <Field
          label={t('account.settings.newPassword')}
          name="new_password"
          type="password"
          value={next}
          onValue={setNext}
          autoComplete="new-password"
          required
          hint={<PasswordRules password={next} personal={[profile.username, profile.email]} />}
          error={problems.new_password}
        />
        {error !== null && (
          <p class="status status-error" role="alert" tabIndex={-1}>
            {errorWords(error)}
          </p>
        )}
        <button type="submit" class="btn" disabled={pending || !current || !next}>
          {pending ? t('account.settings.changingPassword') : t('account.settings.changePassword')}
        </button>
      </form>
    </section>
  );
}

function Sessions() {
  const [pending, setPending] = useState<'here' | 'everywhere' | null>(null);
  const out = async (everywhere: boolean) => {
    setPending(everywhere ? 'everywhere' : 'here');
    try {
      await logout(everywhere);
    } catch (err) {
      // The browser has forgotten the session anyway; say what the server answered.
      notify(errorWords(err), 'error');
    }
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-sessions">
      <h2 id="settings-sessions">{t('account.settings.sessions')}</h2>
      <p class="muted small">{t('account.settings.sessionsHint')}</p>
      <div class="settings-actions">
        <button type="button" class="btn" onClick={() => void out(false)} disabled={pending !== null}>
          {pending === 'here' ? t('account.settings.loggingOut') : t('account.settings.logout')}
        </button>
        <button type="button" class="btn btn-danger" onClick={() => void out(true)} disabled={pending !== null}>
          {pending === 'everywhere' ? t('account.settings.loggingOut') : t('account.settings.logoutEverywhere')}
        </button>
      </div>
    </section>
  );
}

export default function SettingsPage(_props: RouteProps) {
  // Loaded again after a reconnect; the draft in progress stays as it is.
  const reconnects = connectCount.value;
  const profile = useResource((signal) => get('/api/me', meResponseSchema, { signal }), [reconnects]);
  const onSaved = (updated: Me) => {
    me.value = updated;
    profile.set(updated);
  };
  useEffect(() => {
    if (profile.data) me.value = profile.data;
  }, [profile.data]);

  const data = profile.data;
  return (
    <Page title={t('account.settings.title')}>
      <div class="settings-page">
        {!data && profile.loading && <Loading />}
        {!data && profile.error && <ErrorMessage error={profile.error} onRetry={profile.reload} />}
        {data && (
          <>
            <div class="settings-who">
              <Avatar person={data} size={48} named />
              <div>
                <p>
                  <strong>{displayName(data)}</strong> <span class="muted">@{data.username}</span>
                </p>
                <p class="small muted">
                  {t('account.settings.email', { email: data.email })}
                  {!data.email_verified && <span class="tag"> {t('account.settings.emailUnverified')}</span>}
                  {' · '}
                  {t('account.settings.memberSince', { date: formatDate(data.created_at) })}
                </p>
              </div>
            </div>
            <AvatarSection profile={data} onSaved={onSaved} />
            <ProfileForm key={data.id} profile={data} onSaved={onSaved} />
            <TranscriptionOptOut profile={data} onSaved={onSaved} />
            <PasswordChange profile={data} />
            <Sessions />
          </>
        )}
      </div>
    </Page>
  );
}
