// The texts a club's memory holds: what was said in its meetings, its minutes, its chat and
// its posts, each with where it leads (the meeting and the time, the message, the post).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { SearchKind } from '../../shared/protocol/intelligence.js';
import { readParagraphs } from '../../shared/notes-schema.js';
import type { NotesAccess } from '../transcripts/documents.js';

export interface MemoryText {
  kind: SearchKind;
  text: string;
  meeting_id: number | null;
  meeting_title: string | null;
  /** When the meeting took place (or the message / post was written). */
  date: Date | null;
  start_ms: number | null;
  author_id: number | null;
  link: string;
}

export interface CorpusOptions {
  kinds: readonly SearchKind[];
  /** Only meetings other than this one that took place before it (for "discussed before"). */
  before?: { meetingId: number; at: Date };
  maxTexts: number;
}

const meetingDate = (m: { started_at: Date | null; scheduled_at: Date | null; created_at: Date }): Date => m.started_at ?? m.scheduled_at ?? m.created_at;

export async function clubCorpus(db: Kysely<Database>, notes: NotesAccess, clubId: number, options: CorpusOptions): Promise<MemoryText[]> {
  const out: MemoryText[] = [];
  const wants = (kind: SearchKind) => options.kinds.includes(kind);
  let meetings = await db
    .selectFrom('meetings')
    .select(['id', 'title', 'started_at', 'scheduled_at', 'created_at', 'status'])
    .where('club_id', '=', clubId)
    .where('status', '!=', 'cancelled')
    .orderBy('id', 'desc')
    .execute();
  const before = options.before;
  if (before) meetings = meetings.filter((m) => m.id !== before.meetingId && meetingDate(m) < before.at);
  const byId = new Map(meetings.map((m) => [m.id, m]));

  if (wants('transcript') && meetings.length > 0) {
    const rows = await db
      .selectFrom('transcript_segments')
      .select(['id', 'meeting_id', 'speaker_id', 'start_ms', 'text'])
      .where('meeting_id', 'in', [...byId.keys()])
      .where('text', '!=', '')
      .orderBy('id', 'desc')
      .limit(options.maxTexts)
      .execute();
    for (const row of rows) {
      const meeting = byId.get(row.meeting_id)!;
      out.push({ kind: 'transcript', text: row.text, meeting_id: meeting.id, meeting_title: meeting.title, date: meetingDate(meeting), start_ms: row.start_ms, author_id: row.speaker_id, link: `/api/meetings/${meeting.id}/transcript#t=${row.start_ms}` });
    }
  }
  if (wants('minutes')) {
    for (const meeting of meetings) {
      if (out.length >= options.maxTexts) break;
      const doc = await notes.read(`meeting.${meeting.id}`);
      let paragraphs: string[];
      try {
        paragraphs = readParagraphs(doc);
      } finally {
        doc.destroy();
      }
      paragraphs.forEach((text, index) => {
        if (text.trim().length < 2) return;
        out.push({ kind: 'minutes', text, meeting_id: meeting.id, meeting_title: meeting.title, date: meetingDate(meeting), start_ms: null, author_id: null, link: `/api/meetings/${meeting.id}#minutes-p${index}` });
      });
    }
  }
  if (wants('chat') && !before) {
    const rows = await db.selectFrom('chat_messages').select(['id', 'author_id', 'body', 'created_at']).where('club_id', '=', clubId).where('deleted_at', 'is', null).orderBy('id', 'desc').limit(options.maxTexts).execute();
    for (const row of rows) out.push({ kind: 'chat', text: row.body, meeting_id: null, meeting_title: null, date: row.created_at, start_ms: null, author_id: row.author_id, link: `/api/clubs/${clubId}/messages#${row.id}` });
  }
  if (wants('post') && !before) {
    const rows = await db.selectFrom('posts').select(['id', 'author_id', 'title', 'content', 'created_at']).where('club_id', '=', clubId).where('deleted_at', 'is', null).orderBy('id', 'desc').limit(options.maxTexts).execute();
    for (const row of rows) out.push({ kind: 'post', text: `${row.title}\n${row.content}`, meeting_id: null, meeting_title: null, date: row.created_at, start_ms: null, author_id: row.author_id, link: `/api/posts/${row.id}` });
  }
  return out.slice(0, options.maxTexts);
}
