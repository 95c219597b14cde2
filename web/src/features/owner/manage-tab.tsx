// The club's "Manage" tab for owners and moderators: each section shows only when the viewer's
// role may do what it does (shared/permissions.ts), so a moderator sees no club settings or
// role changes and the owner sees everything.
import { can } from '../../../../shared/permissions.js';
import type { ClubTabProps } from '../club/tabs.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { ManageClub } from './manage-club.js';
import { ManageDues } from './manage-dues.js';
import { ManageGoals } from './manage-goals.js';
import { ManageKnocks } from './manage-knocks.js';
import { ManageMembers } from './manage-members.js';
import { ManageNotices } from './manage-notices.js';
import { ManageReading } from './manage-reading.js';
import { ManageReports } from './manage-reports.js';
import { ManageRules } from './manage-rules.js';
import './owner.css';

export default function ManageTab({ club, reloadClub }: ClubTabProps) {
  const role = club.me.role;
  if (!can(role, 'knock.list')) return <p class="status status-error">{t('owner.manage.notAllowed')}</p>;
  const sections: Array<{ id: string; label: MessageKey; shown: boolean }> = [
    { id: 'manage-knocks', label: 'owner.manage.knocks', shown: can(role, 'knock.list') },
    { id: 'manage-members', label: 'owner.manage.members', shown: can(role, 'member.remove') },
    { id: 'manage-club', label: 'owner.manage.club', shown: can(role, 'club.update') },
    { id: 'manage-notices', label: 'owner.manage.notices', shown: can(role, 'notice.write') },
    { id: 'manage-rules', label: 'owner.manage.rules', shown: can(role, 'rule.write') },
    { id: 'manage-goals', label: 'owner.manage.goals', shown: can(role, 'goal.write') },
    { id: 'manage-reading', label: 'owner.manage.reading', shown: can(role, 'reading_list.write') },
    { id: 'manage-dues', label: 'owner.manage.dues', shown: club.study !== null && can(role, 'dues.read_all') },
    { id: 'manage-reports', label: 'owner.manage.reports', shown: can(role, 'report.review') },
  ];
  const shown = new Set(sections.filter((s) => s.shown).map((s) => s.id));
  return (
    <div class="manage">
      <nav aria-label={t('owner.manage.sections')}>
        <ul class="manage-nav">
          {sections
            .filter((s) => s.shown)
            .map((s) => (
              <li key={s.id}>
                <a class="btn btn-quiet btn-small" href={`#${s.id}`}>
                  {t(s.label)}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      {shown.has('manage-knocks') && <ManageKnocks club={club} />}
      {shown.has('manage-members') && <ManageMembers club={club} reloadClub={reloadClub} />}
      {shown.has('manage-club') && <ManageClub key={club.updated_at} club={club} reloadClub={reloadClub} />}
      {shown.has('manage-notices') && <ManageNotices club={club} />}
      {shown.has('manage-rules') && <ManageRules club={club} />}
      {shown.has('manage-goals') && <ManageGoals club={club} />}
      {shown.has('manage-reading') && <ManageReading club={club} />}
      {shown.has('manage-dues') && <ManageDues club={club} reloadClub={reloadClub} />}
      {shown.has('manage-reports') && <ManageReports club={club} />}
    </div>
  );
}
