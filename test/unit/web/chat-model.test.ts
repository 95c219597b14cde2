// The chat list's plain-data rules: merging by id (history pages, live events, acks and the
// reconnect refetch may all carry the same message), confirmed outbox entries, and the layout
// in days, author runs and the "New" line.
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/protocol/signaling.js';
import { countUnread, layoutRows, mergeMessages, stillPending, type PendingMessage } from '../../../web/src/features/chat/model.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');

function msg(id: number, author: number, minutes: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, club_id: 1, author_id: author, author_avatar_url: null, client_id: `c${id}`, body: `body ${id}`, created_at: new Date(T0 + minutes * 60_000).toISOString(), edited_at: null, deleted_at: null, ...extra };
}

describe('web chat model', () => {
  it('merges by id: ascending, each id once, whatever the order and overlap of the batches', () => {
    const live = [msg(5, 1, 5), msg(3, 2, 3)];
    const page = [msg(4, 1, 4), msg(3, 2, 3), msg(2, 1, 2)];
    const merged = mergeMessages(mergeMessages([], live), page);
    assert.deepEqual(merged.map((m) => m.id), [2, 3, 4, 5]);
    assert.deepEqual(mergeMessages(merged, merged).map((m) => m.id), [2, 3, 4, 5]);
  });

  it('keeps the newest state of a message: an older copy never undoes an edit or a deletion', () => {
    const edited = msg(7, 1, 0, { body: 'changed', edited_at: new Date(T0 + 60_000).toISOString() });
    const deleted = msg(7, 1, 0, { body: '', deleted_at: new Date(T0 + 30_000).toISOString() });
    assert.equal(mergeMessages([edited], [msg(7, 1, 0)])[0]?.body, 'changed');
    assert.equal(mergeMessages([deleted], [edited])[0]?.deleted_at, deleted.deleted_at);
    assert.equal(mergeMessages([msg(7, 1, 0)], [edited])[0]?.body, 'changed');
  });

  it('drops pending messages the server has stored under the author’s client_id', () => {
    const pending: PendingMessage[] = [
      { client_id: 'c9', body: 'stored', created_at: new Date(T0).toISOString(), state: 'sending' },
      { client_id: 'waiting', body: 'not yet', created_at: new Date(T0).toISOString(), state: 'sending' },
    ];
    assert.deepEqual(stillPending(pending, [msg(9, 1, 0)], 1).map((p) => p.client_id), ['waiting']);
    // Someone else's message with the same client_id does not confirm ours.
    assert.equal(stillPending(pending, [msg(9, 2, 0)], 1).length, 2);
  });

  it('counts others’ live messages after the marker', () => {
    const list = [msg(1, 2, 0), msg(2, 1, 1), msg(3, 2, 2), msg(4, 2, 3, { deleted_at: new Date(T0).toISOString() })];
    assert.equal(countUnread(list, 1, 1), 1);
    assert.equal(countUnread(list, null, 1), 2);
  });

  it('lays out day separators, author runs and one "New" line before the first unread message of someone else', () => {
    const list = [msg(1, 1, 0), msg(2, 1, 1), msg(3, 2, 2), msg(4, 2, 2 + 24 * 60), msg(5, 1, 2 + 24 * 60 + 1)];
    const rows = layoutRows(list, [{ client_id: 'p1', body: 'x', created_at: new Date(T0 + (2 + 24 * 60 + 2) * 60_000).toISOString(), state: 'sending' }], 1, 2);
    assert.deepEqual(
      rows.map((r) => (r.kind === 'message' ? `${r.message.id}${r.head ? 'H' : ''}` : r.kind === 'pending' ? `p${r.head ? 'H' : ''}` : r.kind)),
      ['day', '1H', '2', 'unread', '3H', 'day', '4H', '5H', 'p'],
    );
  });

  it('puts no "New" line when nothing is unread or the marker is unknown', () => {
    const list = [msg(1, 2, 0), msg(2, 1, 1)];
    assert.equal(layoutRows(list, [], 1, null).filter((r) => r.kind === 'unread').length, 0);
    assert.equal(layoutRows(list, [], 1, 1).filter((r) => r.kind === 'unread').length, 0);
  });
});
