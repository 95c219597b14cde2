// The summary job: reads the transcript and the minutes, extracts the summary, links each item
// to earlier meetings, and delivers it: stored, written into the meeting document, its open
// questions carried into the club notebook, and a "what you missed" inbox item (and mail, with
// SMTP) for every member who did not join. Each step can run again after a restart without
// doubling anything: the summary part is replaced, carried questions have ids derived from
// their text, and the inbox holds one item per member and meeting.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import type { Logger } from '../../shared/logger.js';
import { addQuestions, readParagraphs, readQuestions, writeSummary } from '../../shared/notes-schema.js';
import type { InboxItem, SummaryContent } from '../../shared/protocol/intelligence.js';
import { enqueueMail } from '../mail/outbox.js';
import type { MemorySearch } from '../search/memory.js';
import type { NotesAccess } from '../transcripts/documents.js';
import { displayName, findMeetingRow, type MeetingRow } from '../transcripts/meeting-access.js';
import { allSegments } from '../transcripts/segments.js';
import { extractSummary, type Person } from './extract.js';

export const MISSED_KIND = 'meeting.missed';

export interface SummaryJobDeps {
  db: Kysely<Database>;
  notes: NotesAccess;
  memory: MemorySearch;
  bus: Bus;
  logger: Logger;
  settings: { keyPoints: number; maxSegments: number; mail: boolean; publicUrl: string };
}

const meetingAt = (m: MeetingRow): Date => m.started_at ?? m.scheduled_at ?? new Date(0);

export class SummaryJob {
  constructor(private readonly deps: SummaryJobDeps) {}

  async run(payload: unknown): Promise<void> {
    const meetingId = (payload as { meeting_id?: unknown }).meeting_id;
    if (typeof meetingId !== 'number') throw new Error('summary job without a meeting');
    const { db } = this.deps;
    const meeting = await findMeetingRow(db, meetingId);
    if (!meeting) return; // deleted meanwhile: its summary row went with it
    await db.updateTable('meeting_summaries').set({ status: 'running', updated_at: new Date() }).where('meeting_id', '=', meetingId).execute();
    const content = await this.build(meeting);
    await db.updateTable('meeting_summaries').set({ status: 'completed', content: JSON.stringify(content), error: null, updated_at: new Date() }).where('meeting_id', '=', meetingId).execute();
    await this.deps.notes.edit(`meeting.${meeting.id}`, (doc) => writeSummary(doc, content));
    await this.carryQuestions(meeting, content);
    await this.tellAbsentMembers(meeting, content);
  }

  async failed(payload: unknown, error: string): Promise<void> {
    const meetingId = (payload as { meeting_id?: unknown }).meeting_id;
    if (typeof meetingId !== 'number') return;
    await this.deps.db.updateTable('meeting_summaries').set({ status: 'failed', error, updated_at: new Date() }).where('meeting_id', '=', meetingId).execute();
  }

  private async build(meeting: MeetingRow): Promise<SummaryContent> {
    const { db, notes, settings } = this.deps;
    const docName = `meeting.${meeting.id}`;
    const segments = await allSegments(db, meeting.id, settings.maxSegments);
    const doc = await notes.read(docName);
    let paragraphs: string[];
    try {
      paragraphs = readParagraphs(doc);
    } finally {
      doc.destroy();
    }
    const content = extractSummary({ meetingId: meeting.id, doc: docName, segments, paragraphs, people: await this.people(meeting), keyPoints: settings.keyPoints, now: new Date() });
    const sections = [content.key_points, content.decisions, content.open_questions, content.action_items];
    const related = await this.deps.memory.related(meeting.club_id, { id: meeting.id, at: meetingAt(meeting) }, sections.flatMap((items) => items.map((i) => i.text)));
    let next = 0;
    for (const items of sections) for (const item of items) item.related = related[next++] ?? [];
    return content;
  }

  /** Everyone who may be named in the meeting: the club's members and whoever joined. */
  private async people(meeting: MeetingRow): Promise<Person[]> {
    const joined = this.deps.db.selectFrom('meeting_participants').select('user_id').where('meeting_id', '=', meeting.id);
    const members = this.deps.db.selectFrom('memberships').select('user_id').where('club_id', '=', meeting.club_id).where('status', '=', 'active');
    const rows = await this.deps.db
      .selectFrom('users')
      .select(['id', 'username', 'nickname', 'first_name'])
      .where((eb) => eb.or([eb('id', 'in', joined), eb('id', 'in', members)]))
      .execute();
    return rows.map((u) => ({ user_id: u.id, name: displayName(u), aliases: [u.username, u.nickname, u.first_name].filter((a): a is string => typeof a === 'string' && a.trim().length >= 2) }));
  }

  private async carryQuestions(meeting: MeetingRow, content: SummaryContent): Promise<void> {
    if (content.open_questions.length === 0) return;
    const source = `meeting.${meeting.id}`;
    await this.deps.notes.edit(`club.${meeting.club_id}`, (doc) => {
      const have = new Set(readQuestions(doc).map((q) => q.id));
      const fresh = content.open_questions
        .map((q) => {
          const first = q.citations[0];
          return {
            id: `${source}.q.${createHash('sha256').update(q.text).digest('hex').slice(0, 12)}`,
            text: q.text,
            status: 'open' as const,
            asked_by: first?.kind === 'segment' ? first.speaker_id : null,
            source,
          };
        })
        .filter((q) => !have.has(q.id));
      if (fresh.length > 0) addQuestions(doc, fresh);
    });
  }

  private async tellAbsentMembers(meeting: MeetingRow, content: SummaryContent): Promise<void> {
    const { db, settings } = this.deps;
    const payload = {
      title: `What you missed: ${meeting.title}`,
      meeting_title: meeting.title,
      link: `/api/meetings/${meeting.id}/summary`,
      decisions: content.decisions.length,
      open_questions: content.open_questions.length,
      action_items: content.action_items.length,
      highlights: [...content.decisions, ...content.action_items, ...content.key_points].slice(0, 3).map((i) => i.text),
    };
    const inserted = await db.transaction().execute(async (trx) => {
      const absent = await trx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.email'])
        .where('m.club_id', '=', meeting.club_id)
        .where('m.status', '=', 'active')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('meeting_participants as p').select('p.id').where('p.meeting_id', '=', meeting.id).whereRef('p.user_id', '=', 'u.id'))))
        .execute();
      if (absent.length === 0) return [];
      const rows = await trx
        .insertInto('inbox_items')
        .values(absent.map((u) => ({ user_id: u.id, kind: MISSED_KIND, club_id: meeting.club_id, meeting_id: meeting.id, payload: JSON.stringify(payload) })))
        .onConflict((oc) => oc.columns(['user_id', 'kind', 'meeting_id']).where('meeting_id', 'is not', null).doNothing())
        .returning(['id', 'user_id', 'kind', 'club_id', 'meeting_id', 'created_at'])
        .execute();
      if (settings.mail) {
        const emails = new Map(absent.map((u) => [u.id, u.email]));
        for (const row of rows) {
          await enqueueMail(trx, {
            to: emails.get(row.user_id)!,
            subject: payload.title,
            body: `${payload.highlights.map((h) => `- ${h}`).join('\n')}\n\nThe summary: ${settings.publicUrl}${payload.link}\n`,
          });
        }
      }
      return rows;
    });
    for (const row of inserted) {
      const item: InboxItem = { id: row.id, kind: row.kind, club_id: row.club_id, meeting_id: row.meeting_id, payload, created_at: row.created_at.toISOString(), read_at: null };
      await this.deps.bus.publish('inbox.item', { userId: row.user_id, item });
    }
    this.deps.logger.info({ meetingId: meeting.id, told: inserted.length }, 'summary delivered');
  }
}

