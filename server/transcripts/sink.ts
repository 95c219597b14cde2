// Where a recognised (or merely detected) utterance goes: a row in transcript_segments, a line
// in the meeting document's transcript part, `transcript:segment` to everyone in the meeting,
// and the participation it changes to those who moderate it (computed as GET participation
// computes it, so the live figures and the stored ones agree). Consent is checked again right
// before anything is stored: a member who opted out, or a meeting whose transcription was
// turned off, while the utterance waited leaves nothing.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { appendTranscript, transcriptOf } from '../../shared/notes-schema.js';
import type { Participation } from '../../shared/protocol/intelligence.js';
import type { TranscriptSegmentPayload } from '../../shared/protocol/meetings-media.js';
import type { TranscriptSource } from '../../db/tables/transcripts.js';
import type { NotesAccess } from './documents.js';
import { computeParticipation } from './participation.js';

export interface SegmentInput {
  meetingId: number;
  userId: number;
  startMs: number;
  endMs: number;
  text: string;
  confidence: number | null;
  engine: string;
  language: string | null;
  source?: TranscriptSource;
  /** The recording job writing it, so that a rerun of the job can replace it. */
  jobId?: number;
}

/** The meeting hub: tells a meeting hosted here its new lines and talk time. */
export interface TranscriptAnnouncer {
  announceSegment(meetingId: number, segment: TranscriptSegmentPayload): void;
  announceParticipation(meetingId: number, participation: Participation): void;
}

/** For a node that hosts no meetings: segments are stored, nobody is told live. */
export const noAnnouncer: TranscriptAnnouncer = { announceSegment() {}, announceParticipation() {} };

export class TranscriptSink {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notes: NotesAccess | null,
    private readonly announcer: TranscriptAnnouncer,
  ) {}

  /**
   * Whether the meeting is transcribed and the speaker has not opted out, as stored now. An
   * uploaded recording is transcribed by the owner's decision to upload it: only the speaker's
   * opt-out counts.
   */
  async consents(meetingId: number, userId: number, source: TranscriptSource = 'live'): Promise<boolean> {
    const row = await this.db
      .selectFrom('meetings')
      .innerJoin('clubs', 'clubs.id', 'meetings.club_id')
      .innerJoin('users', (join) => join.on('users.id', '=', userId))
      .select(['meetings.transcription', 'clubs.transcription_default', 'users.transcription_opt_out'])
      .where('meetings.id', '=', meetingId)
      .executeTakeFirst();
    if (row === undefined || row.transcription_opt_out) return false;
    return source === 'recording' || (row.transcription ?? row.transcription_default);
  }

  /** Stores the segment (unless consent was withdrawn meanwhile); null when nothing was stored. */
  async record(input: SegmentInput): Promise<TranscriptSegmentPayload | null> {
    if (!(await this.consents(input.meetingId, input.userId, input.source))) return null;
    const row = await this.db
      .insertInto('transcript_segments')
      .values({
        meeting_id: input.meetingId,
        speaker_id: input.userId,
        start_ms: Math.max(0, Math.round(input.startMs)),
        end_ms: Math.max(0, Math.round(input.endMs)),
        text: input.text,
        confidence: input.confidence,
        engine: input.engine,
        language: input.language,
        source: input.source ?? 'live',
        job_id: input.jobId ?? null,
      })
      .returning(['id', 'start_ms', 'end_ms'])
      .executeTakeFirstOrThrow();
    const segment: TranscriptSegmentPayload = {
      id: row.id,
      speaker_id: input.userId,
      start_ms: row.start_ms,
      end_ms: row.end_ms,
      text: input.text,
      confidence: input.confidence,
      engine: input.engine,
      language: input.language,
    };
    await this.notes?.edit(`meeting.${input.meetingId}`, (doc) =>
      appendTranscript(doc, [{ id: String(row.id), speaker_id: input.userId, start_ms: row.start_ms, end_ms: row.end_ms, text: input.text }]),
    );
    this.announcer.announceSegment(input.meetingId, segment);
    this.announcer.announceParticipation(input.meetingId, await computeParticipation(this.db, input.meetingId));
    return segment;
  }

  /** Removes what a recording job wrote (a rerun starts clean): rows and their document lines. */
  async removeJobSegments(meetingId: number, jobId: number): Promise<number> {
    const removed = await this.db.deleteFrom('transcript_segments').where('meeting_id', '=', meetingId).where('job_id', '=', jobId).returning('id').execute();
    if (removed.length === 0) return 0;
    const ids = new Set(removed.map((r) => String(r.id)));
    await this.notes?.edit(`meeting.${meetingId}`, (doc) => {
      const transcript = transcriptOf(doc);
      // From the end, so the indexes still to visit do not move.
      for (let i = transcript.length - 1; i >= 0; i--) {
        const line = transcript.get(i) as { id?: unknown } | undefined;
        if (typeof line?.id === 'string' && ids.has(line.id)) transcript.delete(i, 1);
      }
    });
    return removed.length;
  }
}
