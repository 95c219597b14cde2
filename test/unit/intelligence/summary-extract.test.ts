// The extractive summary on the fixture meetings without a server: the items the fixture
// argues (see test/integration/intelligence/summary.test.ts for the same through the API), each
// citation's quote found in the segment or paragraph it names; and the pieces around it:
// n-gram search in Korean, export timestamps, participation arithmetic.
import assert from 'node:assert/strict';
import { extractSummary, type SourceSegment } from '../../../server/summaries/extract.js';
import { Bm25Index } from '../../../server/search/bm25.js';
import { snippet } from '../../../server/search/snippet.js';
import { timestamp, toSrt, toWebVtt } from '../../../server/transcripts/export.js';
import { participationOf } from '../../../server/transcripts/participation.js';
import { englishMeeting, koreanMeeting, type FixtureMeeting } from '../../integration/intelligence/fixture.js';

const IDS = { owner: 11, moderator: 12, member: 13 };
const TEMPLATE = ['Reading', 'Chapters 1-5', 'Agenda', 'Notes'];

function run(fixture: FixtureMeeting) {
  const segments: SourceSegment[] = fixture.segments.map((s, i) => ({ id: 100 + i, speaker_id: IDS[s.speaker], speaker_name: s.speaker, start_ms: s.start_ms, end_ms: s.end_ms, text: s.text.replace('{member}', 'dana_reads') }));
  const paragraphs = [...TEMPLATE, ...fixture.minutes];
  const summary = extractSummary({ meetingId: 5, doc: 'meeting.5', segments, paragraphs, people: [{ user_id: IDS.member, name: 'Dana', aliases: ['dana_reads'] }], keyPoints: 5, now: new Date(0) });
  const items = [...summary.key_points, ...summary.decisions, ...summary.open_questions, ...summary.action_items];
  for (const item of items) {
    assert.ok(item.citations.length > 0);
    for (const c of item.citations) {
      const source = c.kind === 'segment' ? segments.find((s) => s.id === c.segment_id)?.text : paragraphs[c.paragraph];
      assert.ok(source?.includes(c.quote), `${c.quote} not in its source`);
    }
  }
  return summary;
}

describe('extractive summary', () => {
  it('English: one decision citing transcript and minutes, the unanswered question, two action items', () => {
    const s = run(englishMeeting);
    assert.deepEqual(s.decisions.map((d) => [d.text, d.citations.map((c) => c.kind)]), [['We decided to read the sequel stories next month, after the novel.', ['segment', 'paragraph']]]);
    assert.deepEqual(s.open_questions.map((q) => q.text), ['Why does Estraven trust Genly Ai so early in the story?']);
    assert.deepEqual(s.action_items.map((a) => [a.who, a.what, a.by_when]), [
      [{ user_id: IDS.member, name: 'member' }, 'write the chapter summaries', 'Friday'],
      [{ user_id: IDS.member, name: 'Dana' }, 'also bring the map of Gethen', 'next Tuesday'],
    ]);
    assert.ok(!s.key_points.some((k) => TEMPLATE.includes(k.text)), 'template headings are no key points');
  });

  it('Korean: 하기로 결정 is a decision, -까요 a question, 까지 with a commitment an action item', () => {
    const s = run(koreanMeeting);
    assert.deepEqual(s.languages, ['ko']);
    assert.deepEqual(s.decisions.map((d) => d.citations.map((c) => c.kind)), [['segment', 'paragraph']]);
    assert.deepEqual(s.open_questions.map((q) => q.text), ['작가는 왜 영혜의 시점을 한 번도 보여주지 않았을까요?']);
    assert.deepEqual(s.action_items.map((a) => [a.who?.user_id, a.by_when]), [[IDS.member, '다음 주 금요일']]);
  });

  it('finds Korean stems inside words with particles, and cuts a snippet around the match', () => {
    const index = new Bm25Index<string>();
    for (const t of ['영혜가 고기를 먹지 않기로 한다.', '날씨가 춥다.', 'Gethen is cold.']) index.add(t, t);
    assert.deepEqual(index.search('영혜의 결심', 5).map((r) => r.doc), ['영혜가 고기를 먹지 않기로 한다.']);
    const long = `${'filler words here '.repeat(20)}the map of Gethen ${'more filler '.repeat(20)}`;
    const cut = snippet(long, 'Gethen');
    assert.ok(cut.includes('the map of Gethen') && cut.startsWith('… ') && cut.endsWith(' …') && cut.length < 180, cut);
  });

  it('writes WebVTT and SRT times as HH:MM:SS.mmm and HH:MM:SS,mmm', () => {
    assert.equal(timestamp(3_723_004, '.'), '01:02:03.004');
    assert.equal(timestamp(59_999, ','), '00:00:59,999');
    const seg = { id: 1, meeting_id: 1, speaker_id: 1, speaker_name: 'A <b>', start_ms: 0, end_ms: 1500, text: 'one\n\ntwo', confidence: null, engine: 'x', language: null };
    assert.equal(toWebVtt([seg, { ...seg, id: 2, text: '' }]), 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v A &lt;b&gt;>one two\n');
    assert.equal(toSrt([seg]), '1\n00:00:00,000 --> 00:00:01,500\nA <b>: one two\n');
  });

  it('counts turns as runs of one speaker and shares of talk', () => {
    const p = participationOf(1, [
      { speaker_id: 1, start_ms: 0, end_ms: 1000 },
      { speaker_id: 1, start_ms: 1200, end_ms: 3000 },
      { speaker_id: 2, start_ms: 3000, end_ms: 4000 },
      { speaker_id: 1, start_ms: 5000, end_ms: 6000 },
      { speaker_id: null, start_ms: 0, end_ms: 99_000 },
    ], new Map([[1, 'a'], [2, 'b'], [3, 'silent']]));
    assert.deepEqual(p.members.map((m) => [m.user_id, m.talk_ms, m.turns, m.longest_turn_ms, m.share]), [
      [1, 3800, 2, 3000, 0.7916666666666666],
      [2, 1000, 1, 1000, 0.20833333333333334],
      [3, 0, 0, 0, 0],
    ]);
  });
});
