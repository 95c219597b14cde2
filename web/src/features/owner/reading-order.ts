// Moving a reading-list entry up or down: the new order shows at once and is sent to the server;
// a refusal puts back the last order the server confirmed and says why. Moves are sent one after
// another, in the order they were made, so a fast run of presses ends in the order last seen;
// moves queued behind a refused one are undone with it, and the refusal says so.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { readingListItemResponseSchema, readingListOrderSchema, type ReadingListItemResponse } from '../../../../shared/protocol/books.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import type { Resource } from '../../ui/use-resource.js';

export const readingListSchema = z.object({ items: z.array(readingListItemResponseSchema) });
type List = z.infer<typeof readingListSchema>;
export type Direction = 'up' | 'down';

/** The data-move attribute of an entry's button, which focus is given back to after a render. */
export function moveKey(itemId: number, direction: Direction): string {
  return `${itemId}-${direction}`;
}

export interface ReadingOrder {
  move: (item: ReadingListItemResponse, direction: Direction) => void;
  /** Where the last moved entry is now, for the polite live region. */
  announcement: string;
  /** Why the server refused the last move, in words; null when it did not. */
  failure: string | null;
}

/** The reason a move was refused. The ids sent are always well formed, so a refused list means it changed under us. */
function refusal(err: unknown): string {
  if (err instanceof ApiError && (err.code === 'validation_failed' || err.code === 'not_found')) return t('owner.reading.moveStale');
  return errorWords(err);
}

export function useReadingOrder(base: string, list: Resource<List>, section: { current: HTMLElement | null }): ReadingOrder {
  const [announcement, setAnnouncement] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** Moves not yet answered; the order before the first of them is what a refusal goes back to. */
  const pending = useRef(0);
  const confirmed = useRef<ReadingListItemResponse[]>([]);
  /** Bumped by a refusal: moves queued behind it were built on an order that is gone. */
  const round = useRef(0);
  const focusAfter = useRef<{ itemId: number; direction: Direction } | null>(null);

  // Moving an entry moves its element, which loses focus: give it back to the same button,
  // or to the other one when the entry has reached an end (that button is then disabled).
  useLayoutEffect(() => {
    const wanted = focusAfter.current;
    const root = section.current;
    if (!wanted || !root) return;
    focusAfter.current = null;
    const other: Direction = wanted.direction === 'up' ? 'down' : 'up';
    const button = [wanted.direction, other]
      .map((direction) => root.querySelector<HTMLButtonElement>(`[data-move="${moveKey(wanted.itemId, direction)}"]`))
      .find((candidate) => candidate !== null && !candidate.disabled);
    button?.focus();
  });

  const move = (item: ReadingListItemResponse, direction: Direction) => {
    const items = list.data?.items ?? [];
    const from = items.findIndex((entry) => entry.id === item.id);
    const to = from + (direction === 'up' ? -1 : 1);
    if (from < 0 || to < 0 || to >= items.length) return;
    if (pending.current === 0) confirmed.current = items;
    const next = [...items];
    next.splice(from, 1);
    next.splice(to, 0, item);
    focusAfter.current = { itemId: item.id, direction };
    list.set({ items: next });
    setFailure(null);
    setAnnouncement(t('owner.reading.movedTo', { title: item.book.title, position: to + 1, count: next.length }));

    const ids = next.map((entry) => entry.id);
    const myRound = round.current;
    pending.current += 1;
    queue.current = queue.current.then(async () => {
      try {
        if (myRound !== round.current) return;
        const saved = await send('put', `${base}/order`, readingListOrderSchema, { ids }, readingListSchema);
        confirmed.current = saved.items;
        // A later move is already on the page; its own answer brings the server's list.
        if (pending.current === 1) list.set(saved);
      } catch (err) {
        round.current += 1;
        const focused = document.activeElement?.getAttribute('data-move');
        const [id, was] = focused?.split('-') ?? [];
        if (id && (was === 'up' || was === 'down')) focusAfter.current = { itemId: Number(id), direction: was };
        list.set({ items: confirmed.current });
        // Moves made after this one (each already said in the live region) are dropped with it: say so.
        const undone = pending.current > 1 ? 'owner.reading.moveFailedWithLater' : 'owner.reading.moveFailed';
        setFailure(t(undone, { title: item.book.title, reason: refusal(err) }));
        // Whatever made the server refuse (someone else's change, most often), show the list as it is.
        list.reload();
      } finally {
        pending.current -= 1;
      }
    });
  };

  return { move, announcement, failure };
}
