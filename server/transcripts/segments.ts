// Reading a meeting's transcript segments, with the speakers' names.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { TranscriptSegmentResponse } from '../../shared/protocol/intelligence.js';

export function segmentsQuery(db: Kysely<Database>, meetingId: number) {
  return db
    .selectFrom('transcript_segments as s')
    .leftJoin('users as u', 'u.id', 's.speaker_id')
    .select(['s.id', 's.meeting_id', 's.speaker_id', 's.start_ms', 's.end_ms', 's.text', 's.confidence', 's.engine', 's.language', 'u.username', 'u.nickname'])
    .where('s.meeting_id', '=', meetingId);
}

type Row = Awaited<ReturnType<ReturnType<typeof segmentsQuery>['execute']>>[number];

export function toSegment(row: Row): TranscriptSegmentResponse {
  return {
    id: Number(row.id),
    meeting_id: row.meeting_id,
    speaker_id: row.speaker_id,
    speaker_name: row.username === null ? null : (row.nickname ?? row.username),
    start_ms: row.start_ms,
    end_ms: row.end_ms,
    text: row.text,
    confidence: row.confidence,
    engine: row.engine,
    language: row.language,
  };
}

/** The whole transcript in the order things were said, at most `max` segments. */
export async function allSegments(db: Kysely<Database>, meetingId: number, max: number): Promise<TranscriptSegmentResponse[]> {
  const rows = await segmentsQuery(db, meetingId).orderBy('s.start_ms').orderBy('s.id').limit(max).execute();
  return rows.map(toSegment);
}
