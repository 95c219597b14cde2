// Members: change a role (the owner), remove or ban (moderators, over those they outrank), and
// the ban list with lifting a ban. Destructive actions ask first.
import { useState } from 'preact/hooks';
import { can, outranks, type ClubRole } from '../../../../shared/permissions.js';
import { banSchema, memberResponseSchema, memberRoleUpdateSchema, type ClubResponse, type MemberResponse } from '../../../../shared/protocol/clubs.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { act, get, send } from '../../api/http.js';
import { session } from '../../api/session.js';
import { formatDate, t, type MessageKey } from '../../i18n/index.js';
import { displayName } from '../../live/me.js';
import { Avatar } from '../../ui/avatar.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';
import { useMemberEvents } from './use-member-events.js';

const memberPage = pageSchema(memberResponseSchema);
const SETTABLE = ['moderator', 'notetaker', 'member'] as const;
const ROLE_WORDS: Record<ClubRole, MessageKey> = { owner: 'owner.role.owner', moderator: 'owner.role.moderator', notetaker: 'owner.role.notetaker', member: 'owner.role.member' };

function MemberRow({ club, member, onChanged }: { club: ClubResponse; member: MemberResponse; onChanged: () => void }) {
  const myRole = club.me.role;
  const itsMe = member.user.id === session.value?.userId;
  const name = displayName(member.user);
  const { busy, run } = useRunner();
  const [dialog, confirm] = useConfirm();
  const [role, setRole] = useState(member.role);
  const mayAct = !itsMe && member.role !== 'owner' && outranks(myRole, member.role);
  const selectId = `role-${member.user.id}`;

  const changeRole = async (next: (typeof SETTABLE)[number]) => {
    setRole(next);
    const ok = await run('role', () => send('patch', `/api/clubs/${club.id}/members/${member.user.id}`, memberRoleUpdateSchema, { role: next }, memberResponseSchema), t('owner.members.roleChanged', { name, role: t(ROLE_WORDS[next]) }));
    if (ok) onChanged();
    else setRole(member.role);
  };
  const remove = async () => {
    if (!(await confirm(t('owner.members.removeTitle', { name }), t('owner.members.removeBody'), t('owner.members.remove')))) return;
    if (await run('remove', () => act('delete', `/api/clubs/${club.id}/members/${member.user.id}`), t('owner.members.removed', { name }))) onChanged();
  };
  const ban = async () => {
    if (!(await confirm(t('owner.members.banTitle', { name }), t('owner.members.banBody'), t('owner.members.ban')))) return;
    if (await run('ban', () => send('post', `/api/clubs/${club.id}/members/${member.user.id}/ban`, banSchema, {}), t('owner.members.banned', { name }))) onChanged();
  };

  return (
    <li class="manage-row">
      <Avatar person={member.user} size={32} named />
      <div class="manage-row-main">
        <strong>{name}</strong> <span class="muted small">@{member.user.username}</span>
        <div class="muted small">{t('owner.members.since', { date: formatDate(member.joined_at) })}</div>
      </div>
      {can(myRole, 'member.set_role') && member.role !== 'owner' && !itsMe ? (
        <label class="cluster small role-pick" for={selectId}>
          <span>{t('owner.members.role', { name })}</span>
          <select id={selectId} class="input" value={role} disabled={busy !== null} onChange={(event) => void changeRole(event.currentTarget.value as (typeof SETTABLE)[number])}>
            {SETTABLE.map((option) => (
              <option key={option} value={option}>
                {t(ROLE_WORDS[option])}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span class="tag">{t(ROLE_WORDS[member.role])}</span>
      )}
      {mayAct && (
        <div class="cluster">
          <button type="button" class="btn btn-small" disabled={busy !== null} onClick={() => void remove()}>
            {busy === 'remove' ? t('owner.working') : t('owner.members.remove')}
            <span class="visually-hidden"> {name}</span>
          </button>
          <button type="button" class="btn btn-danger btn-small" disabled={busy !== null} onClick={() => void ban()}>
            {busy === 'ban' ? t('owner.working') : t('owner.members.ban')}
            <span class="visually-hidden"> {name}</span>
          </button>
        </div>
      )}
      {dialog}
    </li>
  );
}

function BannedRow({ club, member, onChanged }: { club: ClubResponse; member: MemberResponse; onChanged: () => void }) {
  const name = displayName(member.user);
  const { busy, run } = useRunner();
  const unban = async () => {
    if (await run('unban', () => act('delete', `/api/clubs/${club.id}/members/${member.user.id}/ban`), t('owner.members.unbanned', { name }))) onChanged();
  };
  return (
    <li class="manage-row">
      <Avatar person={member.user} size={32} named />
      <div class="manage-row-main">
        <strong>{name}</strong> <span class="muted small">@{member.user.username}</span>
      </div>
      <button type="button" class="btn btn-small" disabled={busy !== null} onClick={() => void unban()}>
        {busy ? t('owner.working') : t('owner.members.unban')}
        <span class="visually-hidden"> {name}</span>
      </button>
    </li>
  );
}

export function ManageMembers({ club, reloadClub }: { club: ClubResponse; reloadClub: () => void }) {
  const active = useResource((signal) => get(`/api/clubs/${club.id}/members`, memberPage, { signal, query: { limit: 100 } }), [club.id]);
  const banned = useResource((signal) => get(`/api/clubs/${club.id}/members`, memberPage, { signal, query: { limit: 100, status: 'banned' } }), [club.id]);
  const reload = () => {
    active.reload();
    banned.reload();
  };
  // Also the header's seat count: a change of members is a change of the club.
  useMemberEvents(club.id, () => {
    reload();
    reloadClub();
  });
  return (
    <section class="card manage-section" aria-labelledby="manage-members">
      <h2 id="manage-members">{t('owner.manage.members')}</h2>
      {active.error ? (
        <ErrorMessage error={active.error} onRetry={active.reload} />
      ) : !active.data ? (
        <Loading />
      ) : (
        <ul class="list">
          {active.data.items.map((member) => (
            <MemberRow key={`${member.user.id}-${member.role}`} club={club} member={member} onChanged={reload} />
          ))}
        </ul>
      )}
      <h3>{t('owner.members.bannedList')}</h3>
      {banned.error ? (
        <ErrorMessage error={banned.error} onRetry={banned.reload} />
      ) : !banned.data ? (
        <Loading />
      ) : banned.data.items.length === 0 ? (
        <Empty>{t('owner.members.noBans')}</Empty>
      ) : (
        <ul class="list">
          {banned.data.items.map((member) => (
            <BannedRow key={member.user.id} club={club} member={member} onChanged={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
