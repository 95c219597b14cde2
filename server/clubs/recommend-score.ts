// How well a club fits a reader: a sum of weighted signals, each with the reason it gives.
//
// Weights (points):
//   shared book      4 per book on the club's reading list the reader has logged (at most 3)
//   interest         3 per club keyword among the reader's interests (at most 3)
//   shared author    2 per author of the club's books the reader has read other books by (≤ 3)
//   shared category  1 per category of the club's remaining books the reader reads (at most 2)
//   schedule         +1.5 when a meeting starts within an hour of the time of day the reader's
//                    clubs meet, +1 when it falls on a weekday they meet; −2 instead when it
//                    would overlap one of their meetings (they could not attend both).
//                    Times compare on one UTC week with each zone's offset today, so clubs
//                    in different zones compare by the real hour; weekdays as each club names them
//   popularity       0.5·ln(1 + likes) + 0.3·ln(1 + members): 100 likes ≈ 2.3, so popularity
//                    orders clubs that fit alike but cannot outweigh one real match
//   full             −4 for a club without a free seat: still shown, below open ones
// A book counts once, under its strongest tie (same book, else same author, else category).
// The reading history is the strongest signal because it is what the reader did, not said.
import type { ClubScheduleValue } from '../../db/tables/clubs.js';
import { offsetAt } from './schedule-zone.js';

export const WEIGHTS = {
  sharedBook: 4,
  sharedBookCap: 3,
  interest: 3,
  interestCap: 3,
  sharedAuthor: 2,
  sharedAuthorCap: 3,
  sharedCategory: 1,
  sharedCategoryCap: 2,
  nearHour: 1.5,
  sameWeekday: 1,
  clash: -2,
  likes: 0.5,
  members: 0.3,
  full: -4,
} as const;

/** Where "near the same hour" ends, in minutes either way. */
const NEAR_MINUTES = 60;
const WEEK_MINUTES = 7 * 1440;

export interface ReaderProfile {
  interests: Set<string>;
  /** Schedules of the clubs the reader is active in. */
  schedules: ClubScheduleValue[];
}

/** What a candidate's reading list shares with the reader's books (names, for reasons). */
export interface BookTies {
  books: string[];
  authors: string[];
  categories: string[];
}

export interface Candidate {
  id: number;
  keywords: string[];
  member_count: number;
  max_members: number;
  like_count: number;
  schedule: ClubScheduleValue | null;
  books: BookTies;
}

export interface Scored {
  id: number;
  score: number;
  reasons: string[];
}

interface Slot {
  /** Minutes after Sunday 00:00 UTC this week. */
  start: number;
  duration: number;
  localWeekday: number;
}

/** Zone offsets as of one instant, in minutes, each zone asked once (Intl is slow). */
export type OffsetLookup = (timeZone: string) => number;

export function offsetsAt(now: Date): OffsetLookup {
  const cache = new Map<string, number>();
  return (timeZone) => {
    let minutes = cache.get(timeZone);
    if (minutes === undefined) cache.set(timeZone, (minutes = Math.round(offsetAt(timeZone, now.getTime()) / 60_000)));
    return minutes;
  };
}

/** A schedule's weekly meeting slots on one UTC week, with the zone's offset as of now. */
export function slotsOf(schedule: ClubScheduleValue, offsets: OffsetLookup): Slot[] {
  const [hour = 0, minute = 0] = schedule.start_time.split(':').map(Number);
  const offsetMinutes = offsets(schedule.time_zone);
  // A weekly club with fewer times than weekdays meets on the first ones only.
  const weekdays = schedule.period === 'week' ? schedule.weekdays.slice(0, schedule.times) : schedule.weekdays;
  return weekdays.map((weekday) => ({
    start: (((weekday * 1440 + hour * 60 + minute - offsetMinutes) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES,
    duration: schedule.duration_minutes,
    localWeekday: weekday,
  }));
}

function overlaps(a: Slot, b: Slot): boolean {
  const gap = (((b.start - a.start) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  return gap < a.duration || WEEK_MINUTES - gap < b.duration;
}

function hourDistance(a: Slot, b: Slot): number {
  const diff = Math.abs((a.start % 1440) - (b.start % 1440));
  return Math.min(diff, 1440 - diff);
}

type Reason = [points: number, text: string];

function scheduleFit(candidate: ClubScheduleValue | null, readerSlots: Slot[], offsets: OffsetLookup): Reason[] {
  if (!candidate || readerSlots.length === 0) return [];
  const slots = slotsOf(candidate, offsets);
  if (slots.some((s) => readerSlots.some((r) => overlaps(s, r)))) return [[WEIGHTS.clash, '']];
  const reasons: Reason[] = [];
  if (slots.some((s) => readerSlots.some((r) => hourDistance(s, r) <= NEAR_MINUTES))) reasons.push([WEIGHTS.nearHour, 'meets around the hour your clubs do']);
  if (slots.some((s) => readerSlots.some((r) => r.localWeekday === s.localWeekday))) reasons.push([WEIGHTS.sameWeekday, 'meets on a weekday your clubs meet']);
  return reasons;
}

function listed(values: string[], cap: number): string {
  return values.slice(0, cap).join(', ');
}

export function scoreCandidate(candidate: Candidate, reader: ReaderProfile, readerSlots: Slot[], offsets: OffsetLookup): Scored {
  const reasons: Reason[] = [];
  const { books, authors, categories } = candidate.books;
  if (books.length > 0) reasons.push([WEIGHTS.sharedBook * Math.min(books.length, WEIGHTS.sharedBookCap), `its reading list has books you read: ${listed(books, 3)}`]);
  const interests = candidate.keywords.filter((k) => reader.interests.has(k));
  if (interests.length > 0) reasons.push([WEIGHTS.interest * Math.min(interests.length, WEIGHTS.interestCap), `matches your interests: ${listed(interests, 3)}`]);
  if (authors.length > 0) reasons.push([WEIGHTS.sharedAuthor * Math.min(authors.length, WEIGHTS.sharedAuthorCap), `reads authors you read: ${listed(authors, 3)}`]);
  if (categories.length > 0) reasons.push([WEIGHTS.sharedCategory * Math.min(categories.length, WEIGHTS.sharedCategoryCap), `reads the kinds of books you read: ${listed(categories, 2)}`]);
  reasons.push(...scheduleFit(candidate.schedule, readerSlots, offsets));
  const popularity = WEIGHTS.likes * Math.log1p(candidate.like_count) + WEIGHTS.members * Math.log1p(candidate.member_count);
  const full = candidate.member_count >= candidate.max_members ? WEIGHTS.full : 0;
  const score = reasons.reduce((sum, [points]) => sum + points, 0) + popularity + full;
  const texts = reasons
    .filter(([points, text]) => points > 0 && text)
    .sort((a, b) => b[0] - a[0])
    .map(([, text]) => text);
  return { id: candidate.id, score, reasons: texts.length > 0 ? texts : ['popular'] };
}

/** Best first; equal scores by id, so the same data always gives the same order. */
export function rank(candidates: Candidate[], reader: ReaderProfile, now: Date, limit: number): Scored[] {
  const offsets = offsetsAt(now);
  const readerSlots = reader.schedules.flatMap((s) => slotsOf(s, offsets));
  return candidates
    .map((c) => scoreCandidate(c, reader, readerSlots, offsets))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}
