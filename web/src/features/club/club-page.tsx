// The club page: the header (title, kind, visibility, host, seats, like), the tab list the
// viewer may see, and the active tab, loaded as its own chunk. It follows the club live: the
// socket watches the club (again after every reconnect), and the viewer's own membership
// changes (joined, new role, removed) reload the club and are said in words.
import { Suspense, lazy } from 'preact/compat';
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { CLUB_ROLES, can } from '../../../../shared/permissions.js';
import { clubLikeResponseSchema, clubResponseSchema, type ClubResponse } from '../../../../shared/protocol/clubs.js';
import type { ClubExitReason } from '../../../../shared/protocol/signaling.js';
import { act, get } from '../../api/http.js';
import { call, connectCount, getSocket } from '../../api/socket.js';
import { t, tn } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Page } from '../../ui/page.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import { notify } from '../../ui/toast.js';
import { useResource } from '../../ui/use-resource.js';
import { KnockPanel } from './knock-panel.js';
import { CLUB_TABS, type ClubTab, type ClubTabProps } from './tabs.js';
import { kindWords, roleWords, visibilityWords } from './club-words.js';
import './club.css';

const tabScreens = new Map<string, ComponentType<ClubTabProps>>();
function tabScreen(tab: ClubTab): ComponentType<ClubTabProps> {
  let screen = tabScreens.get(tab.id);
  if (!screen) {
    screen = lazy(tab.load);
    tabScreens.set(tab.id, screen);
  }
  return screen;
}

export function isMember(club: ClubResponse): boolean {
  return (CLUB_ROLES as readonly string[]).includes(club.me.role) && club.me.status === 'active';
}

/** The tabs this viewer sees: "anyone" tabs need the club to be readable (public, or a member/guest). */
export function visibleTabs(club: ClubResponse): ClubTab[] {
  const role = club.me.role;
  return CLUB_TABS.filter((tab) => {
    if (tab.who === 'members') return isMember(club);
    if (tab.who === 'moderators') return isMember(club) && (role === 'owner' || role === 'moderator');
    return can(role, 'content.read', club);
  });
}

function removalWords(reason: ClubExitReason): string {
  switch (reason) {
    case 'banned':
      return t('club.live.removed.banned');
    case 'left':
      return t('club.live.removed.left');
    case 'club_deleted':
      return t('club.live.removed.club_deleted');
    default:
      return t('club.live.removed.removed');
  }
}

function LikeButton({ club, onChange }: { club: ClubResponse; onChange: (liked: boolean, count: number) => void }) {
  const [pending, setPending] = useState(false);
  const liked = club.me.liked;
  const toggle = async () => {
    setPending(true);
    try {
      const answer = await act(liked ? 'delete' : 'put', `/api/clubs/${club.id}/like`, clubLikeResponseSchema);
      onChange(answer.liked, answer.like_count);
    } catch (err) {
      notify(errorWords(err), 'error');
    } finally {
      setPending(false);
    }
  };
  // A toggle: the name stays "Like <count>" and aria-pressed says whether it is on.
  return (
    <button type="button" class={`btn like-button${liked ? ' like-button-on' : ''}`} aria-pressed={liked} disabled={pending} aria-busy={pending} onClick={() => void toggle()}>
      <span aria-hidden="true">{liked ? '♥' : '♡'}</span>
      {t('club.like.do')}{' '}
      <span class="like-count" data-testid="like-count">
        {club.like_count}
      </span>
    </button>
  );
}

function ClubHeader({ club }: { club: ClubResponse }) {
  const role = isMember(club) || club.me.role === 'guest' ? roleWords(club.me.role) : null;
  return (
    <div class="club-header cluster">
      <span class="tag">{kindWords(club.kind)}</span>
      <span class="tag">{visibilityWords(club.visibility)}</span>
      <span class="muted">{t('club.header.owner', { name: club.owner.username })}</span>
      <span class="muted">{tn('club.header.members', club.member_count, { max: club.max_members })}</span>
      {role && <span class="badge badge-quiet">{t('club.header.yourRole', { role })}</span>}
    </div>
  );
}

function useClubLive(clubId: number, reload: () => void, say: (words: string) => void): void {
  const round = connectCount.value;
  const firstRound = useRef(round);
  // Rooms are per socket: watch again after every reconnect, and load the club again, since
  // what changed while we were away (a new role, a removal) was not heard.
  useEffect(() => {
    call('club:watch', { club_id: clubId }).catch(() => {
      // Not allowed to follow (a private club we are not in): the page still works without live updates.
    });
    if (round !== firstRound.current) reload();
  }, [clubId, round, reload]);
  useEffect(
    () => () => {
      call('club:unwatch', { club_id: clubId }).catch(() => undefined);
    },
    [clubId],
  );
  useEffect(() => {
    const socket = getSocket();
    const joined = (event: { club_id: number }) => {
      if (event.club_id !== clubId) return;
      say(t('club.live.joined'));
      reload();
    };
    const roleChanged = (event: { club_id: number; role: ClubResponse['me']['role'] }) => {
      if (event.club_id !== clubId) return;
      say(t('club.live.roleChanged', { role: roleWords(event.role) ?? event.role }));
      reload();
    };
    const removed = (event: { club_id: number; reason: ClubExitReason }) => {
      if (event.club_id !== clubId) return;
      say(removalWords(event.reason));
      reload();
    };
    socket.on('member:joined', joined);
    socket.on('member:role_changed', roleChanged);
    socket.on('member:removed', removed);
    return () => {
      socket.off('member:joined', joined);
      socket.off('member:role_changed', roleChanged);
      socket.off('member:removed', removed);
    };
  }, [clubId, reload, say]);
}

export default function ClubPage({ params }: RouteProps) {
  const clubId = Number(params.clubId);
  const valid = Number.isInteger(clubId) && clubId > 0;
  const resource = useResource((signal) => (valid ? get(`/api/clubs/${clubId}`, clubResponseSchema, { signal }) : Promise.reject(new Error('bad id'))), [clubId]);
  const [liveNote, setLiveNote] = useState<string | null>(null);
  const club = resource.data?.id === clubId ? resource.data : undefined;
  useClubLive(clubId, resource.reload, setLiveNote);
  useEffect(() => setLiveNote(null), [clubId]);

  if (!club) {
    if (resource.error || !valid) {
      const error = resource.error;
      return (
        <Page title={t('club.loading')}>
          {error?.code === 'not_found' || !valid ? <p class="status status-error">{t('club.notFound')}</p> : <ErrorMessage error={error} onRetry={resource.reload} />}
        </Page>
      );
    }
    return <Loading label={t('club.loading')} />;
  }

  const tabs = visibleTabs(club);
  const active = tabs.find((tab) => tab.id === params.tab) ?? tabs[0];
  const Tab = active ? tabScreen(active) : null;
  const member = isMember(club);
  const onLike = (liked: boolean, count: number) => resource.set((current) => ({ ...club, ...current, like_count: count, me: { ...(current ?? club).me, liked } }));

  return (
    <Page title={club.title} wide actions={<LikeButton club={club} onChange={onLike} />}>
      <ClubHeader club={club} />
      {club.summary && <p class="club-summary">{club.summary}</p>}
      <div role="status" aria-live="polite" class="club-live">
        {liveNote && <p class="notice">{liveNote}</p>}
      </div>
      {!member && (
        <section class="club-knock" aria-label={t('club.notMember')}>
          <KnockPanel club={club} onAdmitted={resource.reload} />
        </section>
      )}
      {tabs.length > 0 && (
        <nav class="tabs" aria-label={t('club.tabs.label')}>
          {tabs.map((tab) => (
            <a key={tab.id} href={`/clubs/${club.id}/${tab.id}`} onClick={onLinkClick} aria-current={tab === active ? 'page' : undefined}>
              {t(tab.label)}
            </a>
          ))}
        </nav>
      )}
      {Tab && active && (
        <section class="club-tab" aria-label={t(active.label)}>
          <Suspense fallback={<Loading label={t('club.tabLoading')} />}>
            <Tab key={active.id} club={club} reloadClub={resource.reload} />
          </Suspense>
        </section>
      )}
    </Page>
  );
}
