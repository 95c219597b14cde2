// Who talked how much in a meeting, from the transcript segments (one per utterance that voice
// activity detection cut, stored even without a recogniser). A turn is a run of utterances by
// one speaker with nobody else's in between; its length runs from its first start to its last end.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Participation } from '../../shared/protocol/intelligence.js';
import { displayName } from './meeting-access.js';

export interface Utterance {
  speaker_id: number | null;
  start_ms: number;
  end_ms: number;
}

/** Pure: utterances (any order) and the names of the people to list, in, participation out. */
export function participationOf(meetingId: number, utterances: Utterance[], names: Map<number, string>): Participation {
  const stats = new Map<number, { talk: number; turns: number; longest: number }>();
  for (const id of names.keys()) stats.set(id, { talk: 0, turns: 0, longest: 0 });
  const ordered = utterances.filter((u) => u.speaker_id !== null).sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
  let turn: { speaker: number; start: number; end: number } | null = null;
  const closeTurn = () => {
    if (!turn) return;
    const s = stats.get(turn.speaker)!;
    s.turns += 1;
    s.longest = Math.max(s.longest, turn.end - turn.start);
  };
  for (const u of ordered) {
    const speaker = u.speaker_id!;
    if (!stats.has(speaker)) stats.set(speaker, { talk: 0, turns: 0, longest: 0 });
    stats.get(speaker)!.talk += Math.max(0, u.end_ms - u.start_ms);
    if (turn && turn.speaker === speaker) turn.end = Math.max(turn.end, u.end_ms);
    else {
      closeTurn();
      turn = { speaker, start: u.start_ms, end: u.end_ms };
    }
  }
  closeTurn();
  const total = [...stats.values()].reduce((sum, s) => sum + s.talk, 0);
  const members = [...stats.entries()]
    .map(([user_id, s]) => ({ user_id, name: names.get(user_id) ?? `#${user_id}`, talk_ms: s.talk, turns: s.turns, longest_turn_ms: s.longest, share: total > 0 ? s.talk / total : 0 }))
    .sort((a, b) => b.talk_ms - a.talk_ms || a.user_id - b.user_id);
  return { meeting_id: meetingId, total_talk_ms: total, members };
}

/**
 * A meeting's participation now: everyone who joined or spoke. The live pipeline calls this
 * to push it to moderators while the meeting runs.
 */
export async function computeParticipation(db: Kysely<Database>, meetingId: number): Promise<Participation> {
  const utterances = await db.selectFrom('transcript_segments').select(['speaker_id', 'start_ms', 'end_ms']).where('meeting_id', '=', meetingId).execute();
  const joined = db.selectFrom('meeting_participants').select('user_id').where('meeting_id', '=', meetingId);
  const spoke = db.selectFrom('transcript_segments').select('speaker_id as user_id').where('meeting_id', '=', meetingId).where('speaker_id', 'is not', null);
  const people = await db
    .selectFrom('users')
    .select(['id', 'username', 'nickname'])
    .where((eb) => eb.or([eb('id', 'in', joined), eb('id', 'in', spoke.$narrowType<{ user_id: number }>())]))
    .execute();
  return participationOf(meetingId, utterances, new Map(people.map((p) => [p.id, displayName(p)])));
}
