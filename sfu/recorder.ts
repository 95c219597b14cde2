// Where the SFU reports a meeting's history: going live, ending, who joined and left, talk
// time. The composition root passes server/meetings/records.ts (MeetingRecords fits this
// shape); tests may pass an in-memory one. Errors thrown as AppError reach the client as they are.
import { AppError } from '../shared/errors.js';

export interface MeetingRecorder {
  /** The meeting goes live (no-op when it already is); throws when it ended or was cancelled. */
  start(meetingId: number): Promise<unknown>;
  /** The meeting ends; throws when it is not live (already ended elsewhere). */
  end(meetingId: number): Promise<unknown>;
  /** Opens a join session and returns its id; throws when the meeting is not live. */
  participantJoined(meetingId: number, userId: number): Promise<number>;
  participantLeft(sessionId: number): Promise<void>;
  addTalkTime(meetingId: number, userId: number, ms: number): Promise<boolean>;
  /** Whether the meeting is transcribed (the owner's decision, else the club's default). */
  transcription(meetingId: number): Promise<boolean>;
}

/** Keeps everything in memory: for tests and benchmarks where the database is not the point. */
export class MemoryRecorder implements MeetingRecorder {
  readonly live = new Set<number>();
  readonly ended = new Set<number>();
  readonly sessions = new Map<number, { meetingId: number; userId: number; open: boolean }>();
  readonly talkMs = new Map<string, number>();
  /** Meetings not listed are transcribed: hub-level tests tap every microphone. */
  readonly transcribing = new Map<number, boolean>();
  private nextSession = 1;

  async start(meetingId: number): Promise<void> {
    if (this.ended.has(meetingId)) throw new AppError('conflict', `Meeting ${meetingId} has ended`);
    this.live.add(meetingId);
  }

  async end(meetingId: number): Promise<void> {
    if (!this.live.delete(meetingId)) throw new AppError('conflict', `Meeting ${meetingId} is not live`);
    this.ended.add(meetingId);
    for (const session of this.sessions.values()) if (session.meetingId === meetingId) session.open = false;
  }

  async participantJoined(meetingId: number, userId: number): Promise<number> {
    if (!this.live.has(meetingId)) throw new AppError('conflict', `Meeting ${meetingId} is not live`);
    const id = this.nextSession++;
    this.sessions.set(id, { meetingId, userId, open: true });
    return id;
  }

  async participantLeft(sessionId: number): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (session) session.open = false;
  }

  async addTalkTime(meetingId: number, userId: number, ms: number): Promise<boolean> {
    const key = `${meetingId}:${userId}`;
    this.talkMs.set(key, (this.talkMs.get(key) ?? 0) + ms);
    return true;
  }

  async transcription(meetingId: number): Promise<boolean> {
    return this.transcribing.get(meetingId) ?? true;
  }

  talkTime(meetingId: number, userId: number): number {
    return this.talkMs.get(`${meetingId}:${userId}`) ?? 0;
  }

  openSessions(meetingId: number): number[] {
    return [...this.sessions.values()].filter((s) => s.meetingId === meetingId && s.open).map((s) => s.userId);
  }
}
