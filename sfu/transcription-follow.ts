// Keeps the audio taps of the meetings hosted here in line with who may be transcribed: a
// meeting's transcription turned on or off, a member opting out or back in. Taps open or close
// at once, and everyone in the meeting is told the new state.
import type { Clock } from '../shared/clock.js';
import type { AudioTaps } from './audio-taps.js';
import type { Meeting } from './meeting.js';
import type { Peer } from './peer.js';
import type { MeetingRecorder } from './recorder.js';

// Longer than any join takes, so a preference changed during a join is not missed.
const RECENT_OPT_OUT_MS = 60_000;

export interface TranscriptionFollowDeps {
  /** The meetings hosted here, as they are now. */
  meetings(): Iterable<Meeting>;
  recorder: MeetingRecorder;
  taps: AudioTaps | null;
  clock: Clock;
}

export class TranscriptionFollow {
  /** Opt-outs changed lately: a join that read the old preference still gets the new one. */
  readonly #recentOptOuts = new Map<number, { optOut: boolean; at: number }>();

  constructor(private readonly deps: TranscriptionFollowDeps) {}

  /** A peer just admitted: the preference may have changed since its join read it (from here on `setOptOut` finds it). */
  admitted(peer: Peer): void {
    const recent = this.#recentOptOuts.get(peer.userId);
    if (recent && this.deps.clock.now() - recent.at <= RECENT_OPT_OUT_MS) peer.setTranscriptionOptOut(recent.optOut);
  }

  /** Opting out closes the taps of the member's microphone; opting in opens them again. */
  setOptOut(userId: number, optOut: boolean): void {
    const now = this.deps.clock.now();
    for (const [id, { at }] of this.#recentOptOuts) if (now - at > RECENT_OPT_OUT_MS) this.#recentOptOuts.delete(id);
    this.#recentOptOuts.set(userId, { optOut, at: now });
    for (const meeting of this.deps.meetings()) {
      const peer = meeting.peer(userId);
      if (!peer?.setTranscriptionOptOut(optOut)) continue;
      this.retap(meeting, peer);
      if (peer.joined) meeting.emit('meeting:transcription', meeting.everyone(), { meeting_id: meeting.id, ...meeting.transcriptionState() });
    }
  }

  /**
   * Reads again whether the meetings hosted here (one, or every meeting of a club) are
   * transcribed, and follows: taps open or close, and everyone in them is told.
   */
  async refresh(which: { meetingId: number } | { clubId: number }): Promise<void> {
    const meetings = [...this.deps.meetings()].filter((m) => ('meetingId' in which ? m.id === which.meetingId : m.clubId === which.clubId));
    for (const meeting of meetings) {
      const on = await this.deps.recorder.transcription(meeting.id);
      if (!meeting.setTranscribing(on)) continue;
      for (const peer of meeting.joinedPeers()) this.retap(meeting, peer);
      meeting.emit('meeting:transcription', meeting.everyone(), { meeting_id: meeting.id, ...meeting.transcriptionState() });
    }
  }

  /** Opens or closes the tap of a peer's microphone to match the meeting and the peer's choice. */
  private retap(meeting: Meeting, peer: Peer): void {
    const mic = peer.producerFor('mic');
    const { taps } = this.deps;
    if (!mic || !taps) return;
    if (!meeting.tapsAudioOf(peer)) taps.stop(mic.producer.id);
    else if (!taps.has(mic.producer.id)) void taps.start(mic.slot.router, mic.producer, meeting.id, peer.userId);
  }
}
