// A meeting's transcript: paginated for members, exported as WebVTT, SRT or Markdown, deleted
// by the owner; and who talked how much (participation).
import { sql } from 'kysely';
import { pageSchema } from '../../shared/protocol/common.js';
import { participationSchema, transcriptQuerySchema, transcriptSegmentSchema } from '../../shared/protocol/intelligence.js';
import { clearSummary, transcriptOf } from '../../shared/notes-schema.js';
import type { FeatureDeps } from '../features.js';
import { Api } from '../http/api.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { NotesAccess } from './documents.js';
import { toMarkdown, toSrt, toWebVtt } from './export.js';
import { authorizeMeeting } from './meeting-access.js';
import { computeParticipation } from './participation.js';
import { allSegments, segmentsQuery, toSegment } from './segments.js';

export interface TranscriptDeps extends FeatureDeps {
  notes: NotesAccess;
}

export function transcriptRoutes(deps: TranscriptDeps): Api {
  const api = new Api(deps, '/api', 'Transcripts');
  const { gate } = deps;
  const { db } = deps;
  const maxExport = deps.config.intelligence.exportMaxSegments;

  api.authed('get', '/meetings/:meetingId/transcript', { access: { meeting: 'transcript.read' }, summary: 'The transcript, in the order things were said (needs transcript.read)', query: transcriptQuerySchema, response: pageSchema(transcriptSegmentSchema) }, async ({ userId, id, query }) => {
    const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'transcript.read');
    const after = decodeCursor(query.cursor, [cursorPart.int, cursorPart.number] as const);
    let q = segmentsQuery(db, meeting.id);
    if (after) q = q.where(sql<boolean>`(s.start_ms, s.id) > (${after[0]}, ${after[1]})`);
    const rows = await q.orderBy('s.start_ms').orderBy('s.id').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.start_ms, Number(r.id)], toSegment);
  });

  const exportAs = (suffix: string, type: string, render: (title: string, segments: Awaited<ReturnType<typeof allSegments>>) => string) =>
    api.authed('get', `/meetings/:meetingId/transcript.${suffix}`, { access: { meeting: 'transcript.read' }, summary: `The transcript as ${type} with speaker names (needs transcript.read)`, produces: type }, async ({ userId, id, res }) => {
      const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'transcript.read');
      res.setHeader('Content-Disposition', `attachment; filename="meeting-${meeting.id}-transcript.${suffix}"`);
      return render(meeting.title, await allSegments(db, meeting.id, maxExport));
    });
  exportAs('vtt', 'text/vtt', (_title, segments) => toWebVtt(segments));
  exportAs('srt', 'application/x-subrip', (_title, segments) => toSrt(segments));
  exportAs('md', 'text/markdown', toMarkdown);

  api.authed('delete', '/meetings/:meetingId/transcript', { access: { meeting: 'transcript.delete' }, summary: "Deletes the transcript, from the database and the minutes, and the summary built on it (needs transcript.delete)" }, async ({ userId, id }) => {
    const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'transcript.delete');
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('transcript_segments').where('meeting_id', '=', meeting.id).execute();
      await trx.deleteFrom('meeting_summaries').where('meeting_id', '=', meeting.id).execute();
    });
    await deps.notes.edit(`meeting.${meeting.id}`, (doc) => {
      const transcript = transcriptOf(doc);
      if (transcript.length > 0) transcript.delete(0, transcript.length);
      clearSummary(doc);
    });
    deps.logger.info({ meetingId: meeting.id, userId }, 'transcript deleted');
  });

  api.authed('get', '/meetings/:meetingId/participation', { access: { meeting: 'participation.read' }, summary: 'Talk time, turns, longest turn and share of talk per member (needs participation.read)', response: participationSchema }, async ({ userId, id }) => {
    const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'participation.read');
    return computeParticipation(db, meeting.id);
  });

  return api;
}
