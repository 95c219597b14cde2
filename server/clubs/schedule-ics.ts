// iCalendar (RFC 5545) text for a club's upcoming meetings: one VEVENT per meeting, in UTC.
import type { Occurrence } from './schedule.js';

export interface CalendarClub {
  id: number;
  title: string;
  summary: string;
}

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    // Other control characters are not allowed in TEXT at all.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

/**
 * Folds a content line into lines of at most 75 octets (§3.1); continuation lines start with a
 * space, which counts towards their 75. Splits fall between characters, never inside one.
 */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      pieces.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join(CRLF);
}

/** 2026-04-23T17:00:00.000Z → 20260423T170000Z (DATE-TIME, UTC form). */
export function icsDateTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function renderCalendar(club: CalendarClub, occurrences: Occurrence[], host: string, now: Date): string {
  const stamp = icsDateTime(now.toISOString());
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Roundtable//Club calendar//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(club.title)}`];
  for (const occurrence of occurrences) {
    const start = icsDateTime(occurrence.starts_at);
    lines.push(
      'BEGIN:VEVENT',
      // Stable across downloads, so calendar apps update a meeting instead of adding it twice.
      `UID:club-${club.id}-${start}@${host}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${start}`,
      `DTEND:${icsDateTime(occurrence.ends_at)}`,
      `SUMMARY:${escapeText(club.title)}`,
      ...(club.summary ? [`DESCRIPTION:${escapeText(club.summary)}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
