// Home. Signed out: what Roundtable is, and the ways in. Signed in: my clubs with the next
// meeting of each (in the viewer's zone), and the inbox, which grows live (inbox:item).
import { useEffect, useState } from 'preact/hooks';
import { myClubsResponseSchema, type MyClub } from '../../../../shared/protocol/clubs.js';
import { okSchema, pageSchema } from '../../../../shared/protocol/common.js';
import { occurrenceListSchema } from '../../../../shared/protocol/discovery.js';
import { inboxItemSchema, type InboxItem } from '../../../../shared/protocol/intelligence.js';
import { act, get } from '../../api/http.js';
import { session } from '../../api/session.js';
import { connectCount, getSocket } from '../../api/socket.js';
import { formatDate, formatRelative, t, tn } from '../../i18n/index.js';
import { displayName, me } from '../../live/me.js';
import type { RouteProps } from '../../routes.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Page } from '../../ui/page.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { notify } from '../../ui/toast.js';
import { useResource } from '../../ui/use-resource.js';
import { kindWords, roleWords } from '../club/club-words.js';
import '../discover/discover.css';

const inboxPageSchema = pageSchema(inboxItemSchema);

function Landing() {
  return (
    <Page title={t('discover.home.title')}>
      <div class="landing">
        <p class="landing-lead">{t('discover.home.lead')}</p>
        <ul class="landing-points">
          <li>{t('discover.home.point.find')}</li>
          <li>{t('discover.home.point.meet')}</li>
          <li>{t('discover.home.point.track')}</li>
        </ul>
        <p class="cluster landing-actions">
          <a class="btn btn-primary" href="/signup" onClick={onLinkClick}>
            {t('discover.home.signup')}
          </a>
          <a class="btn" href="/login" onClick={onLinkClick}>
            {t('discover.home.login')}
          </a>
          <a class="btn btn-quiet" href="/discover" onClick={onLinkClick}>
            {t('discover.home.discover')}
          </a>
        </p>
      </div>
    </Page>
  );
}

function NextMeeting({ clubId }: { clubId: number }) {
  const next = useResource((signal) => get(`/api/clubs/${clubId}/schedule/next`, occurrenceListSchema, { signal, query: { count: 1 } }), [clubId]);
  if (next.loading && !next.data) return <p class="small muted">{t('discover.home.nextLoading')}</p>;
  const first = next.data?.items[0];
  if (!first) return <p class="small muted">{t('discover.home.noNext')}</p>;
  const when = formatDate(first.starts_at, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return (
    <p class="small">
      <time dateTime={first.starts_at}>{t('discover.home.next', { when })}</time>
    </p>
  );
}

function ClubTile({ club }: { club: MyClub }) {
  return (
    <li class="card" data-club-id={club.id}>
      <h3 class="club-card-title">
        <a href={`/clubs/${club.id}`} onClick={onLinkClick}>
          {club.title}
        </a>
      </h3>
      <p class="cluster small">
        <span class="tag">{kindWords(club.kind)}</span>
        <span class="badge badge-quiet">{roleWords(club.role)}</span>
      </p>
      {club.summary && <p class="small">{club.summary}</p>}
      <p class="small muted">{tn('club.header.members', club.member_count, { max: club.max_members })}</p>
      <NextMeeting clubId={club.id} />
    </li>
  );
}

function MyClubs() {
  const clubs = useResource((signal) => get('/api/me/clubs', myClubsResponseSchema, { signal }), []);
  return (
    <section aria-labelledby="home-clubs">
      <div class="cluster page-head">
        <h2 id="home-clubs">{t('discover.home.myTitle')}</h2>
        <a class="btn btn-primary" href="/clubs/new" onClick={onLinkClick}>
          {t('discover.home.create')}
        </a>
      </div>
      {clubs.loading && !clubs.data && <Loading />}
      {clubs.error && <ErrorMessage error={clubs.error} onRetry={clubs.reload} />}
      {clubs.data &&
        (clubs.data.items.length === 0 ? (
          <div class="card">
            <p>{t('discover.home.noClubs')}</p>
            <a href="/discover" onClick={onLinkClick}>
              {t('discover.home.findOne')}
            </a>
          </div>
        ) : (
          <ul class="home-clubs">
            {clubs.data.items.map((club) => (
              <ClubTile key={club.id} club={club} />
            ))}
          </ul>
        ))}
    </section>
  );
}

function inboxTitle(item: InboxItem): string {
  const meeting = item.payload.meeting_title;
  if (item.kind === 'meeting.missed' && typeof meeting === 'string') return t('discover.home.inbox.missed', { meeting });
  return t('discover.home.inbox.other');
}

function inboxHighlights(item: InboxItem): string[] {
  const highlights = item.payload.highlights;
  return Array.isArray(highlights) ? highlights.filter((line): line is string => typeof line === 'string').slice(0, 3) : [];
}

function Inbox() {
  const inbox = useResource((signal) => get('/api/me/inbox', inboxPageSchema, { signal, query: { limit: 20 } }), [connectCount.value]);
  const [pending, setPending] = useState<number | null>(null);
  const { set } = inbox;

  useEffect(() => {
    const socket = getSocket();
    const arrived = (item: InboxItem) => set((current) => ({ items: [item, ...(current?.items ?? []).filter((i) => i.id !== item.id)], next_cursor: current?.next_cursor ?? null }));
    socket.on('inbox:item', arrived);
    return () => {
      socket.off('inbox:item', arrived);
    };
  }, [set]);

  const markRead = async (item: InboxItem) => {
    setPending(item.id);
    try {
      await act('post', `/api/me/inbox/${item.id}/read`, okSchema);
      const now = new Date().toISOString();
      set((current) => ({ items: (current?.items ?? []).map((i) => (i.id === item.id ? { ...i, read_at: now } : i)), next_cursor: current?.next_cursor ?? null }));
    } catch (err) {
      notify(errorWords(err), 'error');
    } finally {
      setPending(null);
    }
  };

  return (
    <section aria-labelledby="home-inbox" class="home-inbox">
      <h2 id="home-inbox">{t('discover.home.inbox')}</h2>
      {inbox.loading && !inbox.data && <Loading />}
      {inbox.error && <ErrorMessage error={inbox.error} onRetry={inbox.reload} />}
      <div aria-live="polite">
        {inbox.data &&
          (inbox.data.items.length === 0 ? (
            <Empty>{t('discover.home.inboxEmpty')}</Empty>
          ) : (
            <ul class="list">
              {inbox.data.items.map((item) => (
                <li key={item.id} class={item.read_at ? '' : 'unread'}>
                  <p class="home-inbox-title">
                    {!item.read_at && <span class="badge">{t('discover.home.inboxNew')}</span>} {inboxTitle(item)}
                  </p>
                  {inboxHighlights(item).length > 0 && (
                    <ul class="small home-inbox-highlights">
                      {inboxHighlights(item).map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  )}
                  <p class="small muted cluster">
                    <time dateTime={item.created_at}>{formatRelative(item.created_at)}</time>
                    {item.club_id !== null && (
                      <a href={`/clubs/${item.club_id}/meetings`} onClick={onLinkClick}>
                        {t('discover.home.inboxOpen')}
                      </a>
                    )}
                    {!item.read_at && (
                      <button type="button" class="btn btn-small btn-quiet" disabled={pending === item.id} aria-busy={pending === item.id} onClick={() => void markRead(item)}>
                        {t('discover.home.markRead')}
                      </button>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          ))}
      </div>
    </section>
  );
}

export default function HomePage(_props: RouteProps) {
  if (session.value === null) return <Landing />;
  const person = me.value;
  return (
    <Page title={person ? t('discover.home.hello', { name: displayName(person) }) : t('nav.home')} wide>
      <div class="home">
        <MyClubs />
        <Inbox />
      </div>
    </Page>
  );
}
