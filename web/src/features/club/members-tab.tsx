// Members: everyone in the club with their role, and who is online right now (a green dot, and
// the word for screen readers), live. The list is paged like the API.
import { useState } from 'preact/hooks';
import { can } from '../../../../shared/permissions.js';
import { memberResponseSchema, type MemberResponse } from '../../../../shared/protocol/clubs.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { get } from '../../api/http.js';
import { formatDate, t, tn } from '../../i18n/index.js';
import { displayName, me } from '../../live/me.js';
import { Avatar } from '../../ui/avatar.js';
import { errorWords } from '../../ui/errors.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { roleWords } from './club-words.js';
import { usePresence } from './presence.js';
import type { ClubTabProps } from './tabs.js';
import './club.css';

const memberPageSchema = pageSchema(memberResponseSchema);
const PAGE = 50;

interface Loaded {
  items: MemberResponse[];
  next: string | null;
}

function MemberRow({ member, online, self }: { member: MemberResponse; online: boolean | null; self: boolean }) {
  const name = displayName(member.user);
  return (
    <li data-user-id={member.user.id}>
      <span class="members-avatar">
        <Avatar person={member.user} named />
        {online && <span class="online-dot" aria-hidden="true" />}
      </span>
      <span class="members-who">
        <span class="members-name">
          {name} {self && <span class="muted small">{t('club.members.you')}</span>}
        </span>
        <span class="small muted">
          @{member.user.username} · {t('club.members.joined', { date: formatDate(member.joined_at) })}
        </span>
      </span>
      <span class="badge badge-quiet">{roleWords(member.role)}</span>
      {online !== null && (
        <span class="members-presence" data-presence={online ? 'online' : 'offline'}>
          {online ? <>{t('club.members.online')}</> : <span class="visually-hidden">{t('club.members.offline')}</span>}
        </span>
      )}
    </li>
  );
}

export default function MembersTab({ club }: ClubTabProps) {
  const readable = can(club.me.role, 'member.list', club);
  const first = useResource<Loaded>(
    async (signal) => {
      if (!readable) return { items: [], next: null };
      const page = await get(`/api/clubs/${club.id}/members`, memberPageSchema, { signal, query: { limit: PAGE } });
      return { items: page.items, next: page.next_cursor };
    },
    [club.id, club.member_count, club.me.role, readable],
  );
  const [more, setMore] = useState<{ pending: boolean; error: string | null }>({ pending: false, error: null });
  const online = usePresence(club.id, can(club.me.role, 'presence.read', club));
  const myId = me.value?.id;

  if (!readable) return <p class="muted">{t('club.members.private')}</p>;
  if (first.error) return <ErrorMessage error={first.error} onRetry={first.reload} />;
  if (!first.data) return <Loading />;

  const loadMore = async () => {
    const cursor = first.data?.next;
    if (!cursor) return;
    setMore({ pending: true, error: null });
    try {
      const page = await get(`/api/clubs/${club.id}/members`, memberPageSchema, { query: { limit: PAGE, cursor } });
      first.set((current) => ({ items: [...(current?.items ?? []), ...page.items], next: page.next_cursor }));
      setMore({ pending: false, error: null });
    } catch (err) {
      setMore({ pending: false, error: errorWords(err) });
    }
  };

  const { items, next } = first.data;
  const onlineCount = online ? items.filter((m) => online.has(m.user.id)).length : null;
  return (
    <section aria-labelledby="members-heading">
      <div class="cluster">
        <h2 id="members-heading">{t('club.members.heading')}</h2>
        {onlineCount !== null && (
          <p class="muted small" aria-live="polite">
            <span class="online-dot" aria-hidden="true" /> {tn('club.members.onlineCount', onlineCount)}
          </p>
        )}
      </div>
      {items.length === 0 ? (
        <Empty>{t('club.members.empty')}</Empty>
      ) : (
        <ul class="list members-list">
          {items.map((member) => (
            <MemberRow key={member.user.id} member={member} online={online ? online.has(member.user.id) : null} self={member.user.id === myId} />
          ))}
        </ul>
      )}
      {next && (
        <button type="button" class="btn" disabled={more.pending} aria-busy={more.pending} onClick={() => void loadMore()}>
          {more.pending ? t('common.loading') : t('common.more')}
        </button>
      )}
      {more.error && (
        <p class="status status-error" role="alert">
          {more.error}
        </p>
      )}
    </section>
  );
}
