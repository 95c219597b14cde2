// The profile picture on the settings page: the current one (or the initial), choosing a file
// sends it at once with a progress bar, a refusal is said in words (which kind of file, how
// large, how many pixels), and Remove takes it away. Every change updates the `me` signal, so
// the header and other screens show the new picture.
import { useRef, useState } from 'preact/hooks';
import { AVATAR_FIELD, avatarRefusalSchema, meResponseSchema } from '../../../../shared/protocol/users.js';
import { ApiError } from '../../api/errors.js';
import { act, upload } from '../../api/http.js';
import { formatNumber, t } from '../../i18n/index.js';
import { loadMe, type Me } from '../../live/me.js';
import { Avatar } from '../../ui/avatar.js';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';

const ACCEPTED = 'image/png,image/jpeg,image/webp';

/** Why the server refused a picture, in the viewer's words. */
export function avatarErrorWords(err: unknown): string {
  if (!(err instanceof ApiError)) return errorWords(err);
  const refusal = avatarRefusalSchema.safeParse(err.details);
  const details = refusal.success ? refusal.data : null;
  if (err.code === 'unsupported_media_type') return t(details?.reason === 'heic' ? 'account.avatar.error.heic' : 'account.avatar.error.type');
  if (err.code === 'payload_too_large') {
    if (details?.reason === 'too_many_pixels' && details.max_pixels) {
      return t('account.avatar.error.pixels', {
        width: formatNumber(details.width ?? 0),
        height: formatNumber(details.height ?? 0),
        max: formatNumber(Math.floor(details.max_pixels / 1_000_000)),
      });
    }
    return details?.max_bytes ? t('account.avatar.error.size', { max: formatNumber(Math.max(1, Math.floor(details.max_bytes / (1024 * 1024)))) }) : t('account.avatar.error.sizeUnknown');
  }
  if (err.code === 'validation_failed') return t('account.avatar.error.corrupt');
  return errorWords(err);
}

type Busy = { kind: 'upload'; sent: number; total: number } | { kind: 'remove' } | null;

export function AvatarSection({ profile, onSaved }: { profile: Me; onSaved: (next: Me) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const saved = async (updated: Me | null, words: string) => {
    // The me signal is what the header reads; loadMe refreshes it where the answer had no profile.
    if (updated) onSaved(updated);
    else {
      const fresh = await loadMe();
      if (fresh) onSaved(fresh);
    }
    setDone(words);
    notify(words, 'success');
  };

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setDone(null);
    setBusy({ kind: 'upload', sent: 0, total: file.size });
    const form = new FormData();
    form.append(AVATAR_FIELD, file, file.name);
    try {
      const sending = upload('/api/me/avatar', form, meResponseSchema, (sent, total) => setBusy({ kind: 'upload', sent, total: total || file.size }));
      await saved(await sending.done, t('account.avatar.saved'));
    } catch (err) {
      setError(avatarErrorWords(err));
    } finally {
      setBusy(null);
      // The same file can be chosen again after a refusal.
      if (input.current) input.current.value = '';
    }
  };

  const remove = async () => {
    setError(null);
    setDone(null);
    setBusy({ kind: 'remove' });
    try {
      await act('delete', '/api/me/avatar');
      await saved(null, t('account.avatar.removed'));
    } catch (err) {
      setError(errorWords(err));
    } finally {
      setBusy(null);
    }
  };

  const percent = busy?.kind === 'upload' && busy.total > 0 ? Math.min(100, Math.round((busy.sent / busy.total) * 100)) : 0;
  return (
    <section class="card settings-section" aria-labelledby="settings-avatar">
      <h2 id="settings-avatar">{t('account.avatar.title')}</h2>
      <div class="avatar-row">
        <Avatar person={profile} size={96} class="avatar-current" />
        <div class="stack avatar-controls">
          <p class="muted small" id="avatar-hint">
            {t('account.avatar.hint')}
          </p>
          <div class="cluster">
            {/* The file input stays out of sight and out of the tab order; the button opens it. */}
            <input ref={input} class="visually-hidden" type="file" tabIndex={-1} accept={ACCEPTED} aria-label={t('account.avatar.choose')} onChange={(event) => void choose(event.currentTarget.files?.[0])} />
            <button type="button" class="btn btn-primary" aria-describedby="avatar-hint" disabled={busy !== null} onClick={() => input.current?.click()}>
              {busy?.kind === 'upload' ? t('account.avatar.uploadingShort') : profile.avatar_url ? t('account.avatar.replace') : t('account.avatar.choose')}
            </button>
            {profile.avatar_url && (
              <button type="button" class="btn" onClick={() => void remove()} disabled={busy !== null}>
                {busy?.kind === 'remove' ? t('account.avatar.removing') : t('account.avatar.remove')}
              </button>
            )}
          </div>
          <div role="status" class="avatar-status">
            {busy?.kind === 'upload' && (
              <>
                <progress class="progress" max={100} value={percent} aria-label={t('account.avatar.progressLabel')} />
                <p class="small">{t('account.avatar.uploading', { percent: formatNumber(percent) })}</p>
              </>
            )}
            {!busy && done && <p class="small">{done}</p>}
          </div>
          {error !== null && (
            <p class="status status-error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
