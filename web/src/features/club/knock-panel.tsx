// "Ask to join" for people who are not members yet: an optional message (and the club's
// password when it has one), then the pending state, and the answer as it arrives live.
import { useEffect, useState } from 'preact/hooks';
import { clubResponseSchema, type ClubResponse, type KnockResponse } from '../../../../shared/protocol/clubs.js';
import type { ApiError } from '../../api/errors.js';
import { get } from '../../api/http.js';
import { session } from '../../api/session.js';
import { call, connectCount, getSocket } from '../../api/socket.js';
import { t } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import '../owner/owner.css';

export interface KnockPanelProps {
  club: ClubResponse;
  /** Called when the person has been let in (the club page then loads again as a member). */
  onAdmitted: () => void;
}

type Stage = 'ask' | 'sending' | 'waiting' | 'admitted' | 'admitted_once' | 'refused';

function initialStage(club: ClubResponse): Stage {
  if (club.me.role === 'guest') return 'admitted_once';
  return club.me.status === 'pending' ? 'waiting' : 'ask';
}

export function KnockPanel({ club, onAdmitted }: KnockPanelProps) {
  const [stage, setStage] = useState<Stage>(() => initialStage(club));
  const [message, setMessage] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const signedIn = session.value !== null;
  const banned = club.me.status === 'banned';
  const full = club.seats_left <= 0;

  useEffect(() => setStage(initialStage(club)), [club.id, club.me.status, club.me.role]);

  // The answer, live. Admitted sockets are already in the club's room when it arrives.
  useEffect(() => {
    if (!signedIn) return;
    const socket = getSocket();
    const onDecided = ({ club_id, knock }: { club_id: number; knock: KnockResponse }) => {
      if (club_id !== club.id) return;
      if (knock.status === 'admitted_member') {
        setStage('admitted');
        onAdmitted();
      } else if (knock.status === 'admitted_once') {
        setStage('admitted_once');
        onAdmitted();
      } else if (knock.status === 'refused') {
        setStage('refused');
      }
    };
    socket.on('membership:decided', onDecided);
    return () => {
      socket.off('membership:decided', onDecided);
    };
  }, [club.id, signedIn, onAdmitted]);

  // A decision made while the connection was down is not sent again: ask after a reconnect.
  const connects = connectCount.value;
  useEffect(() => {
    if (stage !== 'waiting' || connects === 0) return;
    const controller = new AbortController();
    get(`/api/clubs/${club.id}`, clubResponseSchema, { signal: controller.signal }).then(
      (fresh) => {
        if (fresh.me.status === 'active' || fresh.me.role === 'guest') onAdmitted();
        else if (fresh.me.status === 'none') setStage('refused');
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [connects, stage, club.id]);

  const knock = async (event: Event) => {
    event.preventDefault();
    setStage('sending');
    setError(null);
    try {
      await call('club:knock', { club_id: club.id, message: message.trim(), ...(club.has_password ? { password } : {}) });
      setStage('waiting');
    } catch (err) {
      setError(err as ApiError);
      setStage('ask');
    }
  };

  const headingId = `knock-panel-${club.id}`;
  let body;
  if (!signedIn) {
    body = (
      <p>
        <a href={`/login?next=${encodeURIComponent(`/clubs/${club.id}`)}`} onClick={onLinkClick}>
          {t('owner.panel.loginFirst')}
        </a>
      </p>
    );
  } else if (banned) {
    body = <p class="notice notice-warning">{t('owner.panel.banned')}</p>;
  } else if (stage === 'waiting') {
    body = (
      <p class="notice" role="status">
        <span class="spinner" aria-hidden="true" /> {t('owner.panel.waiting')}
      </p>
    );
  } else if (stage === 'admitted') {
    body = (
      <p class="notice notice-success" role="status">
        {t('owner.panel.admitted')}
      </p>
    );
  } else if (stage === 'admitted_once') {
    body = (
      <p class="notice notice-success" role="status">
        {t('owner.panel.admittedOnce')}
      </p>
    );
  } else if (stage === 'refused') {
    body = (
      <div role="status">
        <p class="notice">{t('owner.panel.refused')}</p>
        <button type="button" class="btn" onClick={() => setStage('ask')}>
          {t('owner.panel.askAgain')}
        </button>
      </div>
    );
  } else if (full) {
    body = <p class="notice notice-warning">{t('owner.panel.full')}</p>;
  } else {
    const problems = error?.fieldProblems();
    body = (
      <form class="stack" onSubmit={(event) => void knock(event)} noValidate>
        <Field label={t('owner.panel.message')} hint={t('owner.panel.messageHint')} value={message} onValue={setMessage} multiline rows={3} maxLength={500} error={problems?.get('message')} />
        {club.has_password && (
          <Field
            label={t('owner.panel.password')}
            hint={t('owner.panel.passwordHint')}
            type="password"
            autoComplete="off"
            value={password}
            onValue={setPassword}
            required
            maxLength={128}
            error={error?.code === 'join_password_invalid' ? t('owner.panel.wrongPassword') : problems?.get('password')}
          />
        )}
        {error && error.code !== 'join_password_invalid' && (
          <p class="status status-error" role="alert">
            {/* The only conflict a knock meets: too many knocks waiting elsewhere. */}
            {error.code === 'conflict' ? t('owner.panel.tooMany') : errorWords(error)}
          </p>
        )}
        <div>
          <button type="submit" class="btn btn-primary" disabled={stage === 'sending'}>
            {stage === 'sending' ? t('owner.panel.sending') : t('owner.panel.ask')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <section class="card knock-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('owner.panel.title')}</h2>
      <p class="muted">{club.visibility === 'private' ? t('owner.panel.introPrivate') : t('owner.panel.intro')}</p>
      <div aria-live="polite">{body}</div>
    </section>
  );
}
