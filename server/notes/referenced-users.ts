// The user ids a notes document names (transcript speakers, question askers). Exports look
// their names up, so a document may name only so many: an update is checked for the ids it
// would add before it is applied.
import * as Y from 'yjs';
import { readQuestions, readTranscript } from '../../shared/notes-schema.js';

const isUserId = (id: unknown): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0 && id < 2 ** 31;

/** Every user id the document's transcript and questions name. */
export function userIdsOf(doc: Y.Doc): Set<number> {
  const ids = new Set<number>();
  for (const s of readTranscript(doc)) if (isUserId(s.speaker_id)) ids.add(s.speaker_id);
  for (const q of readQuestions(doc)) if (isUserId(q.asked_by)) ids.add(q.asked_by);
  return ids;
}

/**
 * The user ids an update could add, read from its encoded content without applying it: a
 * transcript segment's `speaker_id`, a question's `asked_by`. Where an item sits is not always
 * encoded (an item placed next to a sibling names no parent), so any such value counts.
 */
export function userIdsIn(update: Uint8Array): Set<number> {
  const ids = new Set<number>();
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue;
    for (const value of struct.content.arr) {
      if (struct.parentSub === 'asked_by' && isUserId(value)) ids.add(value);
      const speaker: unknown = typeof value === 'object' && value !== null && 'speaker_id' in value ? (value as { speaker_id: unknown }).speaker_id : undefined;
      if (isUserId(speaker)) ids.add(speaker);
    }
  }
  return ids;
}
