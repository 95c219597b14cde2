// The way into a club's meeting from the club page: "Join the meeting" when one is live, else
// "Start the meeting" for those who may open one (POST /clubs/:id/meetings without a date opens
// it now). It loads no media code: the room's chunk loads only at /meetings/:id.
import { useState } from 'preact/hooks';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { meetingCreateSchema, meetingResponseSchema } from '../../../../shared/protocol/meetings.js';
import { can } from '../../../../shared/permissions.js';
import { get, send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { navigate, onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { useResource } from '../../ui/use-resource.js';

const upcomingPage = pageSchema(meetingResponseSchema);

export function StartMeetingButton({ club }: { club: ClubResponse }) {
  const role = club.me.role;
  const mayJoin = can(role, 'meeting.join');
  const mayStart = can(role, 'meeting.create');
  const upcoming = useResource(
    (signal) => (mayJoin ? get(`/api/clubs/${club.id}/meetings`, upcomingPage, { signal, query: { when: 'upcoming', limit: 20 } }) : Promise.resolve(null)),
    [club.id, mayJoin],
  );
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!mayJoin) return null;
  const live = upcoming.data?.items.find((meeting) => meeting.status === 'live');

  if (live) {
    return (
      <p class="cluster">
        <span class="badge">{t('meeting.people.live')}</span>
        <a class="btn btn-primary" href={`/meetings/${live.id}`} onClick={onLinkClick}>
          {t('meeting.people.join')}
        </a>
      </p>
    );
  }
  if (!mayStart || upcoming.loading) return null;

  const start = () => {
    setPending(true);
    setError(null);
    send('post', `/api/clubs/${club.id}/meetings`, meetingCreateSchema, { title: t('meeting.room.defaultTitle') }, meetingResponseSchema).then(
      (meeting) => navigate(`/meetings/${meeting.id}`),
      (err: unknown) => {
        setPending(false);
        setError(err);
      },
    );
  };
  return (
    <div class="stack">
      <p>
        <button type="button" class="btn btn-primary" disabled={pending} aria-busy={pending} onClick={start}>
          {t('meeting.people.start')}
        </button>
      </p>
      {error !== null && (
        <p class="status status-error" role="alert">
          {errorWords(error)}
        </p>
      )}
    </div>
  );
}
