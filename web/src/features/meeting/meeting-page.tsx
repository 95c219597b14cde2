// /meetings/:meetingId: the meeting's pre-join check, then the room; when it is over (or this
// tab is out of it) a clear message and the way back. mediasoup-client lives in this chunk only.
import { useEffect, useRef, useState } from 'preact/hooks';
import { clubResponseSchema } from '../../../../shared/protocol/clubs.js';
import { meetingDetailSchema } from '../../../../shared/protocol/meetings.js';
import { can } from '../../../../shared/permissions.js';
import { get } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import type { RouteProps } from '../../routes.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import { NotFound } from '../../ui/not-found.js';
import { Page } from '../../ui/page.js';
import { useResource } from '../../ui/use-resource.js';
import { me, displayName } from '../../live/me.js';
import { MeetingSession } from './media-session.js';
import { SidePanel } from './panel/side-panel.js';
import { Prejoin, type PrejoinResult } from './prejoin.js';
import { Room } from './room.js';
import './meeting.css';

async function loadMeeting(meetingId: number, signal: AbortSignal) {
  const meeting = await get(`/api/meetings/${meetingId}`, meetingDetailSchema, { signal });
  const club = await get(`/api/clubs/${meeting.club_id}`, clubResponseSchema, { signal });
  return { meeting, club };
}

export default function MeetingPage({ params }: RouteProps) {
  const meetingId = Number(params.meetingId);
  const valid = Number.isInteger(meetingId) && meetingId > 0 && meetingId < 2 ** 31;
  const loaded = useResource((signal) => (valid ? loadMeeting(meetingId, signal) : Promise.reject(new Error('bad id'))), [meetingId]);
  const [session, setSession] = useState<MeetingSession | null>(null);
  const [joining, setJoining] = useState(false);
  const sessionRef = useRef<MeetingSession | null>(null);
  sessionRef.current = session;

  // Leaving the page leaves the meeting and lets go of the devices.
  useEffect(() => () => void sessionRef.current?.leave(), []);

  // Someone whose name we do not know yet joined: read the participants again.
  const peers = session?.peers.value ?? [];
  const names = new Map<number, string>();
  for (const p of loaded.data?.meeting.participants ?? []) names.set(p.user.id, displayName(p.user));
  const profile = me.value;
  if (profile) names.set(profile.id, displayName(profile));
  const selfId = session?.self.value.userId ?? null;
  const unknown = peers.some((peer) => !names.has(peer.userId)) || (selfId !== null && !names.has(selfId));
  useEffect(() => {
    if (unknown && !loaded.loading) loaded.reload();
  }, [unknown, peers.length, selfId]);

  if (!valid) return <NotFound />;
  if (loaded.error) {
    return (
      <Page title={t('meeting.room.failed')}>
        <ErrorMessage error={loaded.error} onRetry={loaded.reload} />
      </Page>
    );
  }
  if (!loaded.data) {
    return (
      <Page title={t('meeting.room.defaultTitle')}>
        <Loading label={t('meeting.room.loading')} />
      </Page>
    );
  }
  const { meeting, club } = loaded.data;
  const role = club.me.role;
  const moderate = can(role, 'meeting.moderate');
  const mayEnd = can(role, 'meeting.end');
  const backToClub = (
    <a class="btn" href={`/clubs/${club.id}/meetings`} onClick={onLinkClick}>
      {t('meeting.room.backToClub')}
    </a>
  );

  if (meeting.status === 'ended' || meeting.status === 'cancelled') {
    return (
      <Page title={meeting.title} wide>
        <p class="notice">{meeting.status === 'ended' ? t('meeting.room.ended') : t('meeting.room.cancelled')}</p>
        <p>{backToClub}</p>
        {meeting.status === 'ended' && <SidePanel meetingId={meeting.id} clubId={club.id} role={role} ended />}
      </Page>
    );
  }

  const join = (result: PrejoinResult) => {
    const created = new MeetingSession(meeting.id);
    setJoining(true);
    setSession(created);
    void created.join({ mic: result.mic, camera: result.camera }).finally(() => setJoining(false));
  };

  const state = session?.state.value;
  if (!session) {
    return (
      <Page title={meeting.title} wide>
        {meeting.status === 'scheduled' && !can(role, 'meeting.create') && <p class="notice">{t('meeting.room.notStarted')}</p>}
        <Prejoin onJoin={join} joining={joining} mayStart={meeting.status === 'scheduled' && can(role, 'meeting.create')} />
      </Page>
    );
  }

  const nameOf = (userId: number) => names.get(userId) ?? t('meeting.room.someone');
  const leave = () => void session.leave();
  const joinAgain = () => {
    setSession(null);
  };

  switch (state?.kind) {
    case 'ended':
      return (
        <Page title={meeting.title} wide>
          <h2>{t('meeting.room.endedTitle')}</h2>
          <p class="notice">{t('meeting.room.ended')}</p>
          <p>{backToClub}</p>
          <SidePanel meetingId={meeting.id} clubId={club.id} role={role} ended />
        </Page>
      );
    case 'left':
    case 'removed':
    case 'replaced':
    case 'elsewhere':
    case 'failed':
      return (
        <Page title={meeting.title} wide>
          <OutOfRoom session={session} onJoinAgain={joinAgain} />
          <p>{backToClub}</p>
        </Page>
      );
    default:
      return (
        <Page title={meeting.title} wide>
          <Room session={session} clubId={club.id} role={role} moderate={moderate} mayEnd={mayEnd} nameOf={nameOf} onLeave={leave} />
        </Page>
      );
  }
}

function OutOfRoom({ session, onJoinAgain }: { session: MeetingSession; onJoinAgain: () => void }) {
  const state = session.state.value;
  const [pending, setPending] = useState(false);
  switch (state.kind) {
    case 'replaced':
      return (
        <div class="stack" role="alert">
          <p class="notice notice-warning">{t('meeting.recovery.replaced')}</p>
          <p>
            <button type="button" class="btn btn-primary" disabled={pending} onClick={() => (setPending(true), onJoinAgain())}>
              {t('meeting.recovery.joinHere')}
            </button>
          </p>
        </div>
      );
    case 'elsewhere':
      return (
        <div class="stack" role="alert">
          <p class="notice notice-warning">{t('meeting.recovery.elsewhere')}</p>
          {state.url && (
            <p>
              <a class="btn btn-primary" href={`${state.url}/meetings/${session.meetingId}`}>
                {t('meeting.recovery.openElsewhere')}
              </a>
            </p>
          )}
        </div>
      );
    case 'removed':
      return (
        <p class="notice notice-warning" role="alert">
          {t('meeting.recovery.removed')}
        </p>
      );
    case 'failed':
      return (
        <div class="stack">
          <ErrorMessage error={state.error} />
          <p>
            <button type="button" class="btn btn-primary" onClick={onJoinAgain}>
              {t('meeting.room.rejoin')}
            </button>
          </p>
        </div>
      );
    default:
      return (
        <div class="stack">
          <p class="notice">{t('meeting.room.left')}</p>
          <p>
            <button type="button" class="btn btn-primary" onClick={onJoinAgain}>
              {t('meeting.room.rejoin')}
            </button>
          </p>
        </div>
      );
  }
}
