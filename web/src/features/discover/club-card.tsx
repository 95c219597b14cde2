// One club as a card: what it is, how full, when it meets, its keywords; the title links to it.
import type { ClubCard as Card } from '../../../../shared/protocol/discovery.js';
import { t, tn } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import { reasonWords } from './reason-words.js';
import { clockWords, kindWords, visibilityWords, weekdaysWords } from '../club/club-words.js';

export function ClubCard({ club, reasons, headingLevel = 3 }: { club: Card; reasons?: string[]; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article class="card club-card" data-club-id={club.id}>
      <Heading class="club-card-title">
        <a href={`/clubs/${club.id}`} onClick={onLinkClick}>
          {club.title}
        </a>
      </Heading>
      <p class="cluster small">
        <span class="tag">{kindWords(club.kind)}</span>
        <span class="tag">{visibilityWords(club.visibility)}</span>
        {club.has_password && <span class="tag">{t('discover.card.password')}</span>}
      </p>
      {club.summary && <p class="club-card-summary">{club.summary}</p>}
      {reasons && reasons.length > 0 && <p class="club-card-reason small">{t('discover.reason', { reason: reasons.map(reasonWords).join(' · ') })}</p>}
      <p class="small muted club-card-facts">
        <span>{club.seats_left <= 0 ? t('discover.card.full') : t('discover.card.seats', { count: club.member_count, max: club.max_members })}</span>
        <span aria-hidden="true"> · </span>
        <span>{tn('discover.card.likes', club.like_count)}</span>
        {club.schedule && (
          <>
            <span aria-hidden="true"> · </span>
            <span>{t('discover.card.meets', { days: weekdaysWords(club.schedule.weekdays, 'short'), time: `${clockWords(club.schedule.start_time)} (${club.schedule.time_zone})` })}</span>
          </>
        )}
      </p>
      {club.keywords.length > 0 && (
        <ul class="cluster club-card-keywords" aria-label={t('discover.card.keywords')}>
          {club.keywords.slice(0, 8).map((keyword) => (
            <li key={keyword} class="tag">
              {keyword}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
