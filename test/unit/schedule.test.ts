import assert from 'node:assert/strict';
import type { ClubScheduleValue } from '../../db/tables/clubs.js';
import { escapeText, foldLine, renderCalendar } from '../../server/clubs/schedule-ics.js';
import { monthlyRounds, nextOccurrences } from '../../server/clubs/schedule.js';
import { fromWallTime } from '../../server/clubs/schedule-zone.js';

// 2026 calendar: Jan 1 is a Thursday; Wednesdays fall on Jan 7/14/21/28, Feb 4/11/18/25,
// Mar 4/11/18/25, Apr 1/8/15/22/29 (five of them).
function schedule(overrides: Partial<ClubScheduleValue>): ClubScheduleValue {
  return { times: 1, period: 'week', weekdays: [3], start_time: '19:00', duration_minutes: 90, time_zone: 'UTC', starts_on: '2026-01-01', ...overrides };
}

const starts = (s: ClubScheduleValue, from: string, count: number) => nextOccurrences(s, new Date(from), count).map((o) => o.starts_at);
const days = (s: ClubScheduleValue, from: string, count: number) => starts(s, from, count).map((iso) => iso.slice(0, 10));

describe('club schedules: next meetings', () => {
  describe('weekly', () => {
    it('meets on every listed weekday, at the local time, in order', () => {
      const seoul = schedule({ times: 3, weekdays: [5, 1, 3], start_time: '19:30', time_zone: 'Asia/Seoul' });
      assert.deepEqual(starts(seoul, '2026-01-01T00:00:00Z', 4), ['2026-01-02T10:30:00.000Z', '2026-01-05T10:30:00.000Z', '2026-01-07T10:30:00.000Z', '2026-01-09T10:30:00.000Z']);
      const [first] = nextOccurrences(seoul, new Date('2026-01-01T00:00:00Z'), 1);
      assert.deepEqual(first, { starts_at: '2026-01-02T10:30:00.000Z', ends_at: '2026-01-02T12:00:00.000Z' });
    });

    it('uses only the first `times` listed weekdays when there are more weekdays than times', () => {
      assert.deepEqual(days(schedule({ times: 2, weekdays: [1, 3, 5] }), '2026-01-01T00:00:00Z', 4), ['2026-01-05', '2026-01-07', '2026-01-12', '2026-01-14']);
    });

    it('meets at most once a day however large `times` is', () => {
      assert.deepEqual(days(schedule({ times: 5, weekdays: [2] }), '2026-01-01T00:00:00Z', 3), ['2026-01-06', '2026-01-13', '2026-01-20']);
    });

    it('skips a meeting that has already started today', () => {
      assert.deepEqual(starts(schedule({}), '2026-01-07T19:00:01Z', 1), ['2026-01-14T19:00:00.000Z']);
      assert.deepEqual(starts(schedule({}), '2026-01-07T19:00:00Z', 1), ['2026-01-07T19:00:00.000Z']);
    });

    it('returns nothing for a count of zero and stops at `until`', () => {
      assert.deepEqual(nextOccurrences(schedule({}), new Date('2026-01-01T00:00:00Z'), 0), []);
      const until = new Date('2026-01-21T19:00:00Z');
      assert.deepEqual(nextOccurrences(schedule({}), new Date('2026-01-01T00:00:00Z'), 10, { until }).map((o) => o.starts_at.slice(0, 10)), ['2026-01-07', '2026-01-14', '2026-01-21']);
    });
  });

  describe('monthly', () => {
    it('spreads the rounds it needs evenly over the four full ones', () => {
      assert.deepEqual([...monthlyRounds(1, 1).rounds], [0]);
      assert.deepEqual([...monthlyRounds(2, 1).rounds], [0, 2]);
      assert.deepEqual([...monthlyRounds(3, 1).rounds], [0, 1, 3]);
      assert.deepEqual([...monthlyRounds(4, 1).rounds], [0, 1, 2, 3]);
      assert.deepEqual([...monthlyRounds(5, 1).rounds], [0, 1, 2, 3, 4]);
      assert.deepEqual(monthlyRounds(3, 2), { rounds: new Set([0, 2]), lastRoundDays: 1 });
      assert.deepEqual(monthlyRounds(4, 2), { rounds: new Set([0, 2]), lastRoundDays: 2 });
    });

    it('1 time a month on Wednesdays is the 1st Wednesday', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 1 }), '2026-01-01T00:00:00Z', 4), ['2026-01-07', '2026-02-04', '2026-03-04', '2026-04-01']);
    });

    it('2 times a month on Wednesdays are the 1st and 3rd Wednesdays', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 2 }), '2026-01-01T00:00:00Z', 4), ['2026-01-07', '2026-01-21', '2026-02-04', '2026-02-18']);
    });

    it('3 times a month on Wednesdays are the 1st, 2nd and 4th', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 3 }), '2026-01-01T00:00:00Z', 3), ['2026-01-07', '2026-01-14', '2026-01-28']);
    });

    it('4 times a month on Tuesdays and Thursdays are the 1st and 3rd of each', () => {
      // Jan 2026: 1st Thu = 1, 1st Tue = 6, 3rd Thu = 15, 3rd Tue = 20.
      assert.deepEqual(days(schedule({ period: 'month', times: 4, weekdays: [2, 4] }), '2026-01-01T00:00:00Z', 5), ['2026-01-01', '2026-01-06', '2026-01-15', '2026-01-20', '2026-02-03']);
    });

    it('3 times a month on Tuesdays and Thursdays drop the 3rd Thursday', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 3, weekdays: [2, 4] }), '2026-01-01T00:00:00Z', 4), ['2026-01-01', '2026-01-06', '2026-01-20', '2026-02-03']);
    });

    it('more times than four rounds hold is every listed weekday, 5th ones included', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 5 }), '2026-04-01T00:00:00Z', 6), ['2026-04-01', '2026-04-08', '2026-04-15', '2026-04-22', '2026-04-29', '2026-05-06']);
    });
  });

  describe('starts_on', () => {
    it('has nothing before the first day', () => {
      assert.deepEqual(days(schedule({ starts_on: '2026-02-10' }), '2026-01-01T00:00:00Z', 2), ['2026-02-11', '2026-02-18']);
    });

    it('keeps monthly rounds on the calendar month, only cutting what comes before', () => {
      assert.deepEqual(days(schedule({ period: 'month', times: 2, starts_on: '2026-01-10' }), '2026-01-01T00:00:00Z', 3), ['2026-01-21', '2026-02-04', '2026-02-18']);
    });

    it('counts starts_on as a local date', () => {
      // Thursday Jan 8, 08:00 in Seoul is still Wednesday Jan 7 in UTC.
      const seoul = schedule({ weekdays: [4], start_time: '08:00', time_zone: 'Asia/Seoul', starts_on: '2026-01-08' });
      assert.deepEqual(starts(seoul, '2026-01-01T00:00:00Z', 1), ['2026-01-07T23:00:00.000Z']);
    });
  });

  describe('time zones and DST', () => {
    it('keeps 19:00 local in Berlin across both changes', () => {
      // CET (+1) until Mar 29, CEST (+2) until Oct 25, then CET again.
      const berlin = schedule({ weekdays: [0], time_zone: 'Europe/Berlin' });
      assert.deepEqual(starts(berlin, '2026-03-21T00:00:00Z', 2), ['2026-03-22T18:00:00.000Z', '2026-03-29T17:00:00.000Z']);
      assert.deepEqual(starts(berlin, '2026-10-18T00:00:00Z', 2), ['2026-10-18T17:00:00.000Z', '2026-10-25T18:00:00.000Z']);
    });

    it('moves a Berlin start inside the spring-forward gap forward by the gap', () => {
      // Mar 29 2026, 02:00 → 03:00: 02:30 does not exist and becomes 03:30 CEST.
      const berlin = schedule({ weekdays: [0], start_time: '02:30', time_zone: 'Europe/Berlin' });
      assert.deepEqual(starts(berlin, '2026-03-22T12:00:00Z', 2), ['2026-03-29T01:30:00.000Z', '2026-04-05T00:30:00.000Z']);
    });

    it('takes the first of two Berlin 02:30s at fall-back', () => {
      // Oct 25 2026, 03:00 → 02:00: 02:30 CEST (00:30Z) comes before 02:30 CET (01:30Z).
      const berlin = schedule({ weekdays: [0], start_time: '02:30', time_zone: 'Europe/Berlin' });
      assert.deepEqual(starts(berlin, '2026-10-24T00:00:00Z', 2), ['2026-10-25T00:30:00.000Z', '2026-11-01T01:30:00.000Z']);
    });

    it('handles New York: the March gap, the November repeat and real-time durations', () => {
      const gap = schedule({ weekdays: [0], start_time: '02:15', time_zone: 'America/New_York' });
      // Mar 8 2026, 02:00 EST → 03:00 EDT: 02:15 becomes 03:15 EDT = 07:15Z.
      assert.deepEqual(starts(gap, '2026-03-01T12:00:00Z', 2), ['2026-03-08T07:15:00.000Z', '2026-03-15T06:15:00.000Z']);
      const repeat = schedule({ weekdays: [0], start_time: '01:30', time_zone: 'America/New_York' });
      // Nov 1 2026: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST); the first counts. 90 minutes
      // later is 07:00Z, though the wall clock then shows 02:00, not 03:00.
      assert.deepEqual(nextOccurrences(repeat, new Date('2026-10-31T00:00:00Z'), 2), [
        { starts_at: '2026-11-01T05:30:00.000Z', ends_at: '2026-11-01T07:00:00.000Z' },
        { starts_at: '2026-11-08T06:30:00.000Z', ends_at: '2026-11-08T08:00:00.000Z' },
      ]);
    });

    it('keeps Seoul (no DST) at the same UTC time all year', () => {
      const seoul = schedule({ period: 'month', times: 1, start_time: '20:00', time_zone: 'Asia/Seoul' });
      const list = starts(seoul, '2026-01-01T00:00:00Z', 12);
      assert.equal(list.length, 12);
      assert.ok(list.every((iso) => iso.endsWith('T11:00:00.000Z')), list.join());
    });

    it('converts wall times in zones with half-hour offsets and across the date line', () => {
      assert.equal(new Date(fromWallTime('Asia/Kolkata', { year: 2026, month: 6, day: 1, hour: 9, minute: 0 })).toISOString(), '2026-06-01T03:30:00.000Z');
      assert.equal(new Date(fromWallTime('Pacific/Kiritimati', { year: 2026, month: 6, day: 1, hour: 9, minute: 0 })).toISOString(), '2026-05-31T19:00:00.000Z');
      assert.equal(new Date(fromWallTime('Pacific/Pago_Pago', { year: 2026, month: 6, day: 1, hour: 9, minute: 0 })).toISOString(), '2026-06-01T20:00:00.000Z');
    });
  });
});

describe('club schedules: iCalendar', () => {
  const unfold = (text: string) => text.replace(/\r\n /g, '');

  it('escapes backslashes, semicolons, commas and line breaks', () => {
    assert.equal(escapeText('a\\b;c,d\ne\r\nf'), 'a\\\\b\\;c\\,d\\ne\\nf');
    assert.equal(escapeText('bell\u0007 and\ttab'), 'bell and\ttab');
  });

  it('folds long Korean lines at 75 octets without splitting a character', () => {
    const line = `SUMMARY:${'한국 문학 읽기 모임'.repeat(12)}`;
    const folded = foldLine(line);
    const pieces = folded.split('\r\n');
    assert.ok(pieces.length > 1);
    for (const [i, piece] of pieces.entries()) {
      assert.ok(Buffer.byteLength(piece) <= 75, `${Buffer.byteLength(piece)} octets: ${piece}`);
      if (i > 0) assert.ok(piece.startsWith(' '));
      // A piece is whole UTF-8: encoding and decoding it gives it back unchanged.
      assert.equal(Buffer.from(piece).toString('utf8'), piece);
      assert.ok(!piece.includes('\uFFFD'));
    }
    // Hangul syllables are 3 octets: a full first line holds 8 + 22 syllables × 3 = 74 octets.
    assert.ok(Buffer.byteLength(pieces[0] as string) >= 73);
    assert.equal(unfold(folded), line);
    assert.equal(foldLine('SHORT:line'), 'SHORT:line');
  });

  it('renders a calendar with CRLF lines, stable UIDs, UTC times and escaped text', () => {
    const club = { id: 42, title: '밤의 독서회, 제2권; 끝까지 \\ 함께'.repeat(3), summary: '첫 줄\n둘째 줄' };
    const occurrences = nextOccurrences(schedule({ weekdays: [4], start_time: '20:00', time_zone: 'Asia/Seoul' }), new Date('2026-01-01T00:00:00Z'), 2);
    const text = renderCalendar(club, occurrences, 'club.example.org', new Date('2026-01-01T00:00:00Z'));
    assert.ok(text.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF');
    for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    const lines = unfold(text).split('\r\n');
    assert.deepEqual(lines.slice(0, 4), ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Roundtable//Club calendar//EN', 'CALSCALE:GREGORIAN']);
    assert.equal(lines.filter((l) => l === 'BEGIN:VEVENT').length, 2);
    assert.ok(lines.includes('UID:club-42-20260101T110000Z@club.example.org'));
    assert.ok(lines.includes('DTSTART:20260101T110000Z'));
    assert.ok(lines.includes('DTEND:20260101T123000Z'));
    assert.ok(lines.includes('DTSTAMP:20260101T000000Z'));
    assert.ok(lines.includes(`SUMMARY:${'밤의 독서회\\, 제2권\\; 끝까지 \\\\ 함께'.repeat(3)}`));
    assert.ok(lines.includes('DESCRIPTION:첫 줄\\n둘째 줄'));
    assert.equal(lines.at(-2), 'END:VCALENDAR');
  });

  it('renders an empty calendar for a club without meetings', () => {
    const text = renderCalendar({ id: 1, title: 'T', summary: '' }, [], 'h', new Date());
    assert.ok(!text.includes('VEVENT'));
    assert.ok(text.includes('END:VCALENDAR\r\n'));
  });
});
