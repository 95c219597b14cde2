// Words every club screen uses: kinds, visibility, roles, weekdays and the schedule in a sentence.
import type { Role } from '../../../../shared/permissions.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { formatDate, locale, t, tn } from '../../i18n/index.js';

export function kindWords(kind: ClubResponse['kind']): string {
  return kind === 'book' ? t('club.kind.book') : t('club.kind.study');
}

export function visibilityWords(visibility: ClubResponse['visibility']): string {
  return visibility === 'public' ? t('club.visibility.public') : t('club.visibility.private');
}

export function roleWords(role: Role): string | null {
  switch (role) {
    case 'owner':
      return t('club.role.owner');
    case 'moderator':
      return t('club.role.moderator');
    case 'notetaker':
      return t('club.role.notetaker');
    case 'member':
      return t('club.role.member');
    case 'guest':
      return t('club.role.guest');
    default:
      return null;
  }
}

/** A weekday (0 = Sunday) in the viewer's language: 2023-01-01 was a Sunday. */
export function weekdayWords(day: number, width: 'long' | 'short' = 'long'): string {
  return formatDate(new Date(Date.UTC(2023, 0, 1 + day, 12)), { weekday: width, timeZone: 'UTC' });
}

export function weekdaysWords(days: number[], width: 'long' | 'short' = 'long'): string {
  const names = days.map((day) => weekdayWords(day, width));
  try {
    return new Intl.ListFormat(locale.value === 'ko' ? 'ko-KR' : 'en', { style: 'short', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

/** "19:30" in the club's zone, said as a time of day in the viewer's locale (the zone is named beside it). */
export function clockWords(hhmm: string): string {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return formatDate(new Date(Date.UTC(2023, 0, 1, hours ?? 0, minutes ?? 0)), { timeStyle: 'short', timeZone: 'UTC' });
}

export function scheduleWords(schedule: NonNullable<ClubResponse['schedule']>): string {
  const params = {
    days: weekdaysWords(schedule.weekdays),
    time: clockWords(schedule.start_time),
    zone: schedule.time_zone,
    minutes: schedule.duration_minutes,
  };
  return tn(schedule.period === 'week' ? 'club.overview.scheduleWeek' : 'club.overview.scheduleMonth', schedule.times, params);
}
