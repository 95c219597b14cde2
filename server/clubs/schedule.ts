// When a club meets: its schedule turned into concrete meetings (UTC instants).
//
// Meeting days are chosen on the club's own calendar (its IANA zone), then the local start time
// is turned into an instant, so a 19:00 meeting stays at 19:00 local across DST changes.
//
// period 'week': the club meets on each listed weekday of every week. When `times` is smaller
//   than the number of weekdays, only the first `times` listed weekdays count (weekdays are kept
//   sorted, Sunday = 0 first). `times` above the number of weekdays cannot add meetings: a club
//   meets at most once a day.
//
// period 'month': a month's days on listed weekdays fall into rounds: round 1 holds the first
//   occurrence of each listed weekday in that month (the 1st Tuesday and the 1st Thursday),
//   round 2 the second ones, and so on; every month has 4 full rounds, some a partial 5th.
//   The club needs r = ceil(times / weekdays) rounds, spread evenly over the 4 full ones:
//   the i-th of them (i = 0…r-1) is round 1 + round(4i / r). So with one weekday, 1 time is the
//   1st, 2 times the 1st and 3rd, 3 times the 1st, 2nd and 4th, 4 times the first four. In the
//   last chosen round only the first `times mod weekdays` listed weekdays count when it does
//   not divide evenly (3 times on Tue+Thu: 1st Tue, 1st Thu, 3rd Tue). When r is 5 or more,
//   every listed weekday of the month counts, 5th ones included.
//
// Nothing starts before `starts_on` (a local date). Only meetings starting at or after `from`
// are returned. A meeting lasts `duration_minutes` of real time, whatever the wall clock does.
import type { ClubScheduleValue } from '../../db/tables/clubs.js';
import { fromWallTime, toWallTime } from './schedule-zone.js';

export interface Occurrence {
  starts_at: string;
  ends_at: string;
}

export interface OccurrenceOptions {
  /** Stop before meetings starting after this instant. */
  until?: Date;
}

const DAY_MS = 86_400_000;
const FULL_ROUNDS = 4;
/** Wide enough for 200 monthly meetings (at most 35 days apart). */
const MAX_SCAN_DAYS = 20 * 366;

/** Which 0-based rounds of a month a monthly schedule uses, and how many weekdays the last keeps. */
export function monthlyRounds(times: number, weekdayCount: number): { rounds: Set<number>; lastRoundDays: number } {
  const needed = Math.ceil(times / weekdayCount);
  if (needed > FULL_ROUNDS) return { rounds: new Set([0, 1, 2, 3, 4]), lastRoundDays: weekdayCount };
  const rounds = new Set(Array.from({ length: needed }, (_, i) => Math.round((FULL_ROUNDS * i) / needed)));
  const remainder = times % weekdayCount;
  return { rounds, lastRoundDays: remainder === 0 ? weekdayCount : remainder };
}

/** A predicate over local calendar days (as UTC-midnight ms) saying whether the club meets. */
function meetingDays(schedule: ClubScheduleValue): (dayMs: number) => boolean {
  const weekdays = [...new Set(schedule.weekdays)].sort((a, b) => a - b);
  if (schedule.period === 'week') {
    const used = new Set(weekdays.slice(0, Math.max(1, schedule.times)));
    return (dayMs) => used.has(new Date(dayMs).getUTCDay());
  }
  const { rounds, lastRoundDays } = monthlyRounds(schedule.times, weekdays.length);
  const lastRound = Math.max(...rounds);
  return (dayMs) => {
    const date = new Date(dayMs);
    const index = weekdays.indexOf(date.getUTCDay());
    if (index < 0) return false;
    const round = Math.floor((date.getUTCDate() - 1) / 7);
    if (!rounds.has(round)) return false;
    return round !== lastRound || index < lastRoundDays;
  };
}

function parseDate(value: string): number {
  const [year, month, day] = value.split('-').map(Number);
  return Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1);
}

/** The next `count` meetings starting at or after `from`, in order. */
export function nextOccurrences(schedule: ClubScheduleValue, from: Date, count: number, options: OccurrenceOptions = {}): Occurrence[] {
  if (schedule.weekdays.length === 0 || count <= 0) return [];
  const [hour = 0, minute = 0] = schedule.start_time.split(':').map(Number);
  const meets = meetingDays(schedule);
  const today = toWallTime(schedule.time_zone, from.getTime());
  const firstDay = Math.max(Date.UTC(today.year, today.month - 1, today.day), parseDate(schedule.starts_on));
  const untilMs = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const found: Occurrence[] = [];
  // A local day two days past `until` cannot start before it in any zone (offsets stay within ±14 h).
  const lastDay = Math.min(firstDay + MAX_SCAN_DAYS * DAY_MS, untilMs + 2 * DAY_MS);
  for (let day = firstDay; found.length < count && day <= lastDay; day += DAY_MS) {
    if (!meets(day)) continue;
    const date = new Date(day);
    const start = fromWallTime(schedule.time_zone, { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute });
    if (start > untilMs) break;
    if (start < from.getTime()) continue;
    found.push({ starts_at: new Date(start).toISOString(), ends_at: new Date(start + schedule.duration_minutes * 60_000).toISOString() });
  }
  return found;
}
