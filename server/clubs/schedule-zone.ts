// Wall-clock time in an IANA zone ↔ UTC instants, with Intl only (the runtime's tz database).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** A civil date and time with no zone: what a wall clock shows. */
export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall time as if it were UTC, in ms: a plain number to do calendar arithmetic with. */
export function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** What the wall clock in `timeZone` shows at `instantMs` (seconds kept, for the offset). */
function wallAt(timeZone: string, instantMs: number): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  // Date.UTC maps years 0–99 to 1900–1999; put them back where they belong.
  return year >= 0 && year < 100 ? new Date(wall).setUTCFullYear(year) : wall;
}

/** The zone's offset from UTC at an instant, in ms (e.g. +3_600_000 for CET). */
export function offsetAt(timeZone: string, instantMs: number): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallAt(timeZone, whole) - whole;
}

/** The wall clock in `timeZone` at an instant. */
export function toWallTime(timeZone: string, instantMs: number): WallTime {
  const wall = new Date(instantMs + offsetAt(timeZone, instantMs));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes() };
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall time names in `timeZone`. A time skipped by a spring-forward gap is moved
 * forward by the gap (02:30 on a 02:00→03:00 night is 03:30); a time that happens twice at a
 * fall-back takes the first (the earlier offset). Real zones change offset at most once a day,
 * so the offsets a day either side are the only candidates.
 */
export function fromWallTime(timeZone: string, wall: WallTime): number {
  const local = wallMs(wall);
  const before = offsetAt(timeZone, local - DAY_MS);
  const after = offsetAt(timeZone, local + DAY_MS);
  const valid = [...new Set([before, after])].map((offset) => local - offset).filter((instant) => instant + offsetAt(timeZone, instant) === local);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap: read the wall time with the offset in force before it, which lands past the gap.
  return local - before;
}
