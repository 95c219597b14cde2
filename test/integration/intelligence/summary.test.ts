// Meeting intelligence end to end on fixture meetings (English and Korean): the summary's
// items as the fixture argues them, every citation resolved to its text, the summary part of
// the meeting document, open questions carried into the club notebook, "what you missed" for
// absent members only (live over Socket.IO too), club memory search in both languages with
// related items from an earlier meeting, transcript pages, exports and deletion.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendBlocks, paragraph, readParagraphs, readQuestions, readSummary, readTranscript, text } from '../../../shared/notes-schema.js';
import type { SummaryContent, SummaryResponse, TranscriptSegmentResponse } from '../../../shared/protocol/intelligence.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { openProvider, untilUpdated, type NotesClient } from '../../helpers/notes.js';
import { waitFor } from '../../helpers/wait.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { type connect, nextEvent, OpenSockets } from '../../helpers/sockets.js';
import { englishMeeting, koreanMeeting, type FixtureMeeting } from './fixture.js';

describe('meeting intelligence: summaries, search, transcripts', function () {
  this.timeout(60_000);
  let server: TestServer;
  let cast: ClubCast;
  const sockets = new OpenSockets(() => server.url);
  const providers: NotesClient[] = [];

  const db = () => server.app.database.db;

  async function createMeeting(title: string): Promise<number> {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  }

  /** Inserts the fixture's segments (as the live pipeline would) and writes its minutes. */
  async function stage(meetingId: number, fixture: FixtureMeeting): Promise<{ segments: number[]; notes: NotesClient }> {
    const who = { owner: cast.owner, moderator: cast.moderator, member: cast.member };
    const rows = await db()
      .insertInto('transcript_segments')
      .values(fixture.segments.map((s) => ({ meeting_id: meetingId, speaker_id: who[s.speaker].id, start_ms: s.start_ms, end_ms: s.end_ms, text: s.text.replace('{member}', cast.member.username), confidence: 0.9, engine: 'fixture', language: null })))
      .returning('id')
      .execute();
    // Present: those who spoke joined the meeting; the notetaker did not.
    await db().insertInto('meeting_participants').values(Object.values(who).map((a) => ({ meeting_id: meetingId, user_id: a.id }))).execute();
    const notes = await openProvider(server, cast.notetaker, `meeting.${meetingId}`);
    providers.push(notes);
    await untilUpdated(notes.doc, () => readParagraphs(notes.doc).length > 0, 'the template');
    notes.doc.transact(() => appendBlocks(notes.doc, fixture.minutes.map((m) => paragraph(text(m)))));
    await untilUpdated(notes.doc, () => readParagraphs(notes.doc).includes(fixture.minutes.at(-1)!), 'the minutes');
    return { segments: rows.map((r) => Number(r.id)), notes };
  }

  async function summarise(meetingId: number): Promise<SummaryContent> {
    const inbox = nextEvent(await notetakerSocket(), 'inbox:item', (item) => item.meeting_id === meetingId, 15_000);
    const queued = await server.http.post(`/api/meetings/${meetingId}/summary`, {}, cast.notetaker.access);
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.ok(['queued', 'running', 'completed'].includes(queued.body.status));
    await inbox; // delivered after the summary is stored
    const done = await server.http.get<SummaryResponse>(`/api/meetings/${meetingId}/summary`, cast.member.access);
    assert.equal(done.status, 200);
    assert.equal(done.body.status, 'completed', JSON.stringify(done.body));
    return done.body.summary!;
  }

  let notetakerSocketPromise: ReturnType<typeof connect> | null = null;
  const notetakerSocket = () => (notetakerSocketPromise ??= sockets.connect(cast.notetaker));

  async function transcript(meetingId: number): Promise<TranscriptSegmentResponse[]> {
    const res = await server.http.get(`/api/meetings/${meetingId}/transcript?limit=500`, cast.member.access);
    assert.equal(res.status, 200);
    return res.body.items;
  }

  /** Every citation's quote is in the text it points to, with the speaker and times it claims. */
  function checkCitations(content: SummaryContent, segments: TranscriptSegmentResponse[], paragraphs: string[], doc: string): number {
    const byId = new Map(segments.map((s) => [s.id, s]));
    let checked = 0;
    const items = [...content.key_points, ...content.decisions, ...content.open_questions, ...content.action_items];
    for (const item of items) {
      assert.ok(item.citations.length > 0, item.text);
      for (const c of item.citations) {
        if (c.kind === 'segment') {
          const seg = byId.get(c.segment_id);
          assert.ok(seg, `segment ${c.segment_id} exists`);
          assert.ok(seg.text.includes(c.quote), `${c.quote} in ${seg.text}`);
          assert.deepEqual([c.speaker_id, c.speaker_name, c.start_ms, c.end_ms], [seg.speaker_id, seg.speaker_name, seg.start_ms, seg.end_ms]);
        } else {
          assert.equal(c.doc, doc);
          assert.ok(paragraphs[c.paragraph]?.includes(c.quote), `${c.quote} in paragraph ${c.paragraph}`);
        }
        checked++;
      }
      // The item's own words come from what it cites.
      assert.ok(item.citations.some((c) => c.quote.includes(item.text) || item.text.includes(c.quote)), item.text);
    }
    return checked;
  }

  let earlier: number;
  let english: number;
  let korean: number;
  let englishSummary: SummaryContent;
  let koreanSummary: SummaryContent;
  let englishNotes: NotesClient;
  const chatMarker = randomBytes(8).toString('hex');

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
    // An earlier meeting spoke of the map already.
    earlier = await createMeeting('Maps and winters');
    await db().insertInto('transcript_segments').values({ meeting_id: earlier, speaker_id: cast.moderator.id, start_ms: 61_000, end_ms: 66_000, text: 'Somebody should bring a map of Gethen, the map helps with the journey across the ice.', engine: 'fixture' }).execute();
    await db().updateTable('meetings').set({ started_at: new Date(Date.now() - 7 * 86_400_000) }).where('id', '=', earlier).execute();
    english = await createMeeting(englishMeeting.title);
    korean = await createMeeting(koreanMeeting.title);
    englishNotes = (await stage(english, englishMeeting)).notes;
    await stage(korean, koreanMeeting);
    englishSummary = await summarise(english);
    koreanSummary = await summarise(korean);
  });
  after(async () => {
    for (const p of providers) p.close();
    sockets.closeAll();
    await server?.close();
  });

  it('finds the English decision, the open question and both action items with who and by when', () => {
    const s = englishSummary;
    assert.deepEqual(s.languages, ['en']);
    // "Should we read the sequel…?" is answered by the decision that follows it; the minutes restate the decision.
    assert.deepEqual(s.decisions.map((d) => d.text), ['We decided to read the sequel stories next month, after the novel.']);
    assert.deepEqual(s.decisions[0]!.citations.map((c) => c.kind).sort(), ['paragraph', 'segment']);
    assert.deepEqual(s.open_questions.map((q) => q.text), ['Why does Estraven trust Genly Ai so early in the story?']);
    assert.deepEqual(
      s.action_items.map((a) => [a.who?.user_id, a.what, a.by_when]),
      [
        [cast.member.id, 'write the chapter summaries', 'Friday'], // "I will", said by the member
        [cast.member.id, 'also bring the map of Gethen', 'next Tuesday'], // named by the owner
      ],
    );
    assert.ok(s.key_points.length > 0 && s.key_points.length <= 5);
    // The theme of the evening, said and written down: one key point citing both.
    const gethen = s.key_points.find((k) => k.text.startsWith('The winter planet Gethen'));
    assert.ok(gethen, JSON.stringify(s.key_points.map((k) => k.text)));
    assert.deepEqual(gethen.citations.map((c) => c.kind).sort(), ['paragraph', 'segment']);
  });

  it('finds the Korean decision (하기로 / 결정), the -까요 question and the 까지 action item', () => {
    const s = koreanSummary;
    assert.deepEqual(s.languages, ['ko']);
    assert.deepEqual(s.decisions.map((d) => d.text), ['다음 모임은 온라인으로 하기로 결정했습니다.']);
    assert.deepEqual(s.decisions[0]!.citations.map((c) => c.kind).sort(), ['paragraph', 'segment']);
    assert.deepEqual(s.open_questions.map((q) => q.text), ['작가는 왜 영혜의 시점을 한 번도 보여주지 않았을까요?']);
    assert.deepEqual(s.action_items.map((a) => [a.who?.user_id, a.what, a.by_when]), [[cast.member.id, '2부 발제문을 준비하겠습니다', '다음 주 금요일']]);
  });

  it('cites only what resolves: every segment and paragraph quoted contains the cited words', async () => {
    for (const [meetingId, content] of [[english, englishSummary], [korean, koreanSummary]] as const) {
      const doc = await openProvider(server, cast.member, `meeting.${meetingId}`);
      providers.push(doc);
      await untilUpdated(doc.doc, () => readParagraphs(doc.doc).length > 3, 'the minutes');
      const checked = checkCitations(content, await transcript(meetingId), readParagraphs(doc.doc), `meeting.${meetingId}`);
      assert.ok(checked >= 5, `${checked} citations checked`);
    }
  });

  it('writes the summary into the meeting document', async () => {
    await untilUpdated(englishNotes.doc, () => readSummary(englishNotes.doc) !== null, 'the summary part');
    assert.deepEqual(readSummary(englishNotes.doc), englishSummary);
  });

  it("carries the open questions into the club notebook's questions", async () => {
    const notebook = await openProvider(server, cast.member, `club.${cast.clubId}`);
    providers.push(notebook);
    const wanted = [englishSummary.open_questions[0]!.text, koreanSummary.open_questions[0]!.text];
    await untilUpdated(notebook.doc, () => wanted.every((w) => readQuestions(notebook.doc).some((q) => q.text === w)), 'carried questions');
    const carried = readQuestions(notebook.doc).filter((q) => wanted.includes(q.text));
    assert.deepEqual(carried.map((q) => [q.status, q.asked_by, q.source]), [
      ['open', cast.moderator.id, `meeting.${english}`],
      ['open', cast.moderator.id, `meeting.${korean}`],
    ]);
    assert.ok(!readQuestions(notebook.doc).some((q) => q.text.startsWith('Should we read the sequel')), 'an answered question stays behind');
  });

  it('tells only the members who missed the meeting, once, however often it is summarised', async () => {
    const inboxOf = async (token: string) => (await server.http.get('/api/me/inbox', token)).body.items as Array<{ kind: string; meeting_id: number; payload: { link: string } }>;
    const missed = await inboxOf(cast.notetaker.access);
    assert.deepEqual(missed.map((i) => [i.kind, i.meeting_id]).sort(), [['meeting.missed', english], ['meeting.missed', korean]].sort());
    assert.equal(missed.find((i) => i.meeting_id === english)!.payload.link, `/api/meetings/${english}/summary`);
    for (const present of [cast.owner, cast.moderator, cast.member]) assert.deepEqual(await inboxOf(present.access), []);
    assert.deepEqual(await inboxOf(cast.guest.access), [], 'a guest is no member');
    // Again: the summary is rebuilt, the inbox keeps one item per meeting.
    await server.http.post(`/api/meetings/${english}/summary`, {}, cast.notetaker.access);
    await waitForSummary(english);
    assert.equal((await inboxOf(cast.notetaker.access)).length, 2);
  });

  async function waitForSummary(meetingId: number): Promise<void> {
    await waitFor(
      async () => {
        const res = await server.http.get(`/api/meetings/${meetingId}/summary`, cast.member.access);
        assert.notEqual(res.body.status, 'failed');
        return res.body.status === 'completed';
      },
      'the summary',
      20_000,
      20,
    );
  }

  it('links summary items to what an earlier meeting said ("discussed before on …")', () => {
    const map = englishSummary.action_items.find((a) => a.what.includes('map'))!;
    assert.equal(map.related.length, 1, JSON.stringify(map.related));
    assert.equal(map.related[0]!.meeting_id, earlier);
    assert.equal(map.related[0]!.start_ms, 61_000);
    assert.ok(map.related[0]!.date && Date.parse(map.related[0]!.date) < Date.now() - 6 * 86_400_000);
    assert.match(map.related[0]!.snippet, /map of Gethen/);
    // Nothing earlier spoke of Estraven's trust.
    assert.deepEqual(englishSummary.open_questions[0]!.related, []);
  });

  it("searches the club's transcripts, minutes, chat and posts in English and Korean, with snippets and links", async () => {
    await db().insertInto('chat_messages').values({ club_id: cast.clubId, author_id: cast.member.id, client_id: chatMarker, body: `발제문 초안을 올렸어요 ${chatMarker}` }).execute();
    const post = await server.http.post(`/api/clubs/${cast.clubId}/posts`, { title: 'Estraven and loyalty', content: 'A long post about why Estraven stays loyal to Karhide.' }, cast.member.access);
    assert.equal(post.status, 201, JSON.stringify(post.body));
    const search = async (q: string) => {
      const res = await server.http.get(`/api/clubs/${cast.clubId}/search?q=${encodeURIComponent(q)}`, cast.member.access);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.engine, 'bm25');
      return res.body.items as Array<{ kind: string; snippet: string; meeting_id: number | null; start_ms: number | null; link: string }>;
    };
    const gethen = await search('Gethen');
    assert.deepEqual([...new Set(gethen.map((h) => h.kind))].sort(), ['minutes', 'transcript']);
    for (const hit of gethen) assert.match(hit.snippet, /Gethen/);
    const said = gethen.find((h) => h.kind === 'transcript' && h.meeting_id === english)!;
    assert.equal(typeof said.start_ms, 'number');
    assert.equal(said.link, `/api/meetings/${english}/transcript#t=${said.start_ms}`);
    const estraven = await search('Estraven');
    assert.deepEqual([...new Set(estraven.map((h) => h.kind))].sort(), ['post', 'transcript']);
    // Korean: the stem matches inside words with particles (영혜의, 영혜가).
    const yeonghye = await search('영혜');
    assert.deepEqual([...new Set(yeonghye.map((h) => h.kind))].sort(), ['minutes', 'transcript']);
    for (const hit of yeonghye) assert.ok(hit.snippet.includes('영혜'), hit.snippet);
    const chat = await search('발제문');
    assert.deepEqual([...new Set(chat.map((h) => h.kind))].sort(), ['chat', 'transcript']);
    assert.ok(chat.find((h) => h.kind === 'chat')!.snippet.includes(chatMarker));
    // A query that shares nothing finds nothing; an outsider may not search.
    assert.deepEqual(await search(randomBytes(12).toString('hex')), []);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/search?q=Gethen`, cast.outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/search?q=`, cast.member.access)).body.error.code, 'validation_failed');
  });

  it('pages through the transcript in the order things were said', async () => {
    const all = await transcript(english);
    assert.equal(all.length, englishMeeting.segments.length);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: TranscriptSegmentResponse[]; next_cursor: string | null } } = await server.http.get(`/api/meetings/${english}/transcript?limit=3${cursor ? `&cursor=${cursor}` : ''}`, cast.member.access);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 3);
      seen.push(...res.body.items.map((s) => s.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, all.map((s) => s.id));
    assert.deepEqual(all.map((s) => s.start_ms), englishMeeting.segments.map((s) => s.start_ms));
    assert.equal(all[0]!.speaker_name, cast.owner.username);
    assert.equal((await server.http.get(`/api/meetings/${english}/transcript?cursor=bm90LWEtY3Vyc29y`, cast.member.access)).status, 400);
    assert.equal((await server.http.get(`/api/meetings/${english}/transcript`, cast.guest.access)).status, 403);
  });

  it('exports WebVTT, SRT and Markdown with speaker names', async () => {
    const get = async (suffix: string) => {
      const res = await fetch(`${server.url}/api/meetings/${english}/transcript.${suffix}`, { headers: { authorization: `Bearer ${cast.member.access}` } });
      assert.equal(res.status, 200);
      return { type: res.headers.get('content-type') ?? '', body: await res.text() };
    };
    const n = englishMeeting.segments.length;
    const vtt = await get('vtt');
    assert.match(vtt.type, /^text\/vtt/);
    const vttLines = vtt.body.split('\n');
    assert.equal(vttLines[0], 'WEBVTT');
    const vttTimes = vttLines.filter((l) => l.includes('-->'));
    assert.equal(vttTimes.length, n);
    for (const line of vttTimes) assert.match(line, /^\d{2}:[0-5]\d:[0-5]\d\.\d{3} --> \d{2}:[0-5]\d:[0-5]\d\.\d{3}$/);
    assert.equal(vttTimes[1], '00:00:07.000 --> 00:00:15.000');
    assert.ok(vtt.body.includes(`<v ${cast.owner.username}>Welcome back everyone.`));

    const srt = await get('srt');
    const blocks = srt.body.trim().split('\n\n');
    assert.equal(blocks.length, n);
    blocks.forEach((block, i) => {
      const [index, times, caption] = block.split('\n');
      assert.equal(index, String(i + 1));
      assert.match(times!, /^\d{2}:[0-5]\d:[0-5]\d,\d{3} --> \d{2}:[0-5]\d:[0-5]\d,\d{3}$/);
      assert.ok(caption!.length > 0);
    });
    assert.equal(blocks[2]!.split('\n')[2], `${cast.member.username}: Should we read the sequel stories next month?`);

    const md = await get('md');
    assert.match(md.type, /^text\/markdown/);
    assert.ok(md.body.startsWith('# The Left Hand of Darkness, part one: transcript'));
    assert.ok(md.body.includes(`- **${cast.moderator.username}** [00:00:07–00:00:15]: The winter planet Gethen`));
  });

  it('reports talk time, turns, longest turn and share per member', async () => {
    const res = await server.http.get(`/api/meetings/${english}/participation`, cast.member.access);
    assert.equal(res.status, 200);
    const byUser = new Map((res.body.members as Array<{ user_id: number; talk_ms: number; turns: number; longest_turn_ms: number; share: number }>).map((m) => [m.user_id, m]));
    // Owner: 6.5 + 5.5 + 5.5 s in three turns; moderator 8 + 6.5 s; member 5.5 + 6.5 s.
    assert.deepEqual([byUser.get(cast.owner.id)!.talk_ms, byUser.get(cast.owner.id)!.turns, byUser.get(cast.owner.id)!.longest_turn_ms], [17_500, 3, 6_500]);
    assert.deepEqual([byUser.get(cast.moderator.id)!.talk_ms, byUser.get(cast.moderator.id)!.turns], [14_500, 2]);
    assert.equal(res.body.total_talk_ms, 17_500 + 14_500 + 12_000);
    assert.ok(Math.abs(byUser.get(cast.member.id)!.share - 12_000 / 44_000) < 1e-9);
  });

  it('deletes the transcript for the owner only, from the database and the document', async () => {
    for (const who of [cast.member, cast.moderator]) {
      const res = await server.http.request('DELETE', `/api/meetings/${korean}/transcript`, { token: who.access });
      assert.equal(res.status, 403);
    }
    assert.equal((await transcript(korean)).length, koreanMeeting.segments.length, 'refused deletes change nothing');
    const koreanDoc = await openProvider(server, cast.member, `meeting.${korean}`);
    providers.push(koreanDoc);
    await untilUpdated(koreanDoc.doc, () => readSummary(koreanDoc.doc) !== null, 'the summary before');
    const res = await server.http.request('DELETE', `/api/meetings/${korean}/transcript`, { token: cast.owner.access });
    assert.equal(res.status, 204);
    assert.deepEqual(await transcript(korean), []);
    assert.equal((await server.http.get(`/api/meetings/${korean}/summary`, cast.member.access)).status, 404);
    await untilUpdated(koreanDoc.doc, () => readSummary(koreanDoc.doc) === null && readTranscript(koreanDoc.doc).length === 0, 'the cleared document');
    assert.equal((await transcript(english)).length, englishMeeting.segments.length, 'other meetings keep theirs');
  });
});
