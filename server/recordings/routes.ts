// POST /api/meetings/:meetingId/recordings: recordings of a meeting (WAV or Ogg Opus), one
// speaker per file or per channel, transcribed as a durable job; the answer (202) is the job,
// and its progress is pushed to the uploader over Socket.IO (recording:progress).
import type { FeatureDeps } from '../features.js';
import { Api } from '../http/api.js';
import { discardParts, type MultipartLimits, type UploadedPart } from '../uploads/multipart.js';
import type { UploadSlots } from '../uploads/slots.js';
import { authorizeMeeting } from '../transcripts/meeting-access.js';
import { recordingJobSchema } from '../../shared/protocol/recordings.js';
import { RECORDINGS_FIELD, type RecordingService } from './service.js';

export interface RecordingRouteDeps extends FeatureDeps {
  recordings: RecordingService;
  limits: MultipartLimits;
  slots: UploadSlots;
}

export function recordingRoutes({ recordings, limits, slots, ...deps }: RecordingRouteDeps): Api {
  const api = new Api(deps, '/api', 'Transcripts');
  const { gate } = deps;
  api.authed(
    'post',
    '/meetings/:meetingId/recordings',
    {
      access: { meeting: 'transcript.upload' },
      summary:
        'Transcribe recordings of the meeting (needs transcript.upload): files under "recordings", and "speakers", a JSON list per file of the member speaking in each channel ([[12], [12, 34]]: the first file is all member 12, the second has 12 on the left and 34 on the right). Answers at once with the job; progress arrives as recording:progress',
      multipart: { field: RECORDINGS_FIELD, accepts: 'WAV (PCM 8/16/24/32-bit or 32-bit float) or Ogg Opus recordings', limits },
      response: recordingJobSchema,
      status: 202,
      rateLimited: true,
    },
    async ({ userId, id, form }) => {
      // 404 and 403 before a body nobody may send here is read.
      const meeting = await authorizeMeeting(deps.db, gate, id('meetingId'), userId, 'transcript.upload');
      const release = slots.take(userId);
      let parts: UploadedPart[] = [];
      try {
        const sent = await form();
        parts = sent.parts;
        return await recordings.submit(meeting, userId, parts, sent.fields);
      } finally {
        // Stored files were moved into the blob store; whatever is left goes.
        await discardParts(parts);
        release();
      }
    },
  );
  return api;
}
