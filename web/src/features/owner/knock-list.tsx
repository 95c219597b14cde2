// Knocks waiting for an answer, each with Let in / Let in once / Not now right there. Used by
// the header's popover (every club) and the manage tab (one club).
import { useState } from 'preact/hooks';
import type { KnockDecision, KnockResponse } from '../../../../shared/protocol/clubs.js';
import { formatRelative, t } from '../../i18n/index.js';
import { Avatar } from '../../ui/avatar.js';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';
import { ApiError } from '../../api/errors.js';
import { clubTitles, decideKnock, forgetKnock } from './knocks-store.js';
import { displayName } from '../../live/me.js';

const DONE_WORDS = {
  admit_member: 'owner.knock.admitted',
  admit_once: 'owner.knock.admittedOnce',
  refuse: 'owner.knock.refused',
} as const;

function KnockItem({ knock, showClub }: { knock: KnockResponse; showClub: boolean }) {
  const [pending, setPending] = useState<KnockDecision | null>(null);
  const club = clubTitles.value.get(knock.club_id);
  const decide = async (decision: KnockDecision) => {
    setPending(decision);
    try {
      await decideKnock(knock, decision);
      notify(t(DONE_WORDS[decision], { name: displayName(knock.user) }), 'success');
    } catch (err) {
      // Another host answered first, or the knock was withdrawn: it is no longer ours to answer.
      if (err instanceof ApiError && (err.code === 'conflict' || err.code === 'not_found')) {
        notify(t('owner.knock.gone', { name: displayName(knock.user) }), 'info');
        forgetKnock(knock.id);
        return;
      }
      notify(errorWords(err), 'error');
      setPending(null);
    }
  };
  const busy = pending !== null;
  const nameId = `knock-${knock.id}-name`;
  return (
    <li class="knock-item" aria-labelledby={nameId}>
      <div class="knock-who">
        <Avatar person={knock.user} size={32} named />
        <strong id={nameId}>{displayName(knock.user)}</strong>
        {knock.user.nickname?.trim() && <span class="muted small"> @{knock.user.username}</span>}
        {showClub && club && <span class="muted small"> · {t('owner.knock.atClub', { club })}</span>}
        <span class="muted small"> · {formatRelative(knock.created_at)}</span>
      </div>
      {knock.message && <p class="knock-message">{knock.message}</p>}
      <div class="cluster knock-actions" aria-busy={busy}>
        <button type="button" class="btn btn-primary btn-small" disabled={busy} onClick={() => void decide('admit_member')} aria-describedby={nameId}>
          {pending === 'admit_member' ? t('owner.knock.working') : t('owner.knock.letIn')}
        </button>
        <button type="button" class="btn btn-small" disabled={busy} onClick={() => void decide('admit_once')} aria-describedby={nameId}>
          {pending === 'admit_once' ? t('owner.knock.working') : t('owner.knock.letInOnce')}
        </button>
        <button type="button" class="btn btn-quiet btn-small" disabled={busy} onClick={() => void decide('refuse')} aria-describedby={nameId}>
          {pending === 'refuse' ? t('owner.knock.working') : t('owner.knock.notNow')}
        </button>
      </div>
    </li>
  );
}

export function KnockList({ knocks, showClub }: { knocks: KnockResponse[]; showClub: boolean }) {
  if (knocks.length === 0) return <p class="muted">{t('owner.knock.none')}</p>;
  return (
    <ul class="list knock-list">
      {knocks.map((knock) => (
        <KnockItem key={knock.id} knock={knock} showClub={showClub} />
      ))}
    </ul>
  );
}
