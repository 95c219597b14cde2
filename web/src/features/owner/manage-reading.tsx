// The reading list: find a book in the catalogue and add it; move a book up or down; take a book off.
import { useRef, useState } from 'preact/hooks';
import { bookResponseSchema, readingListItemCreateSchema, readingListItemResponseSchema, type BookResponse, type ReadingListItemResponse } from '../../../../shared/protocol/books.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { act, get, send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { moveKey, readingListSchema, useReadingOrder, type Direction } from './reading-order.js';
import { useRunner } from './use-action.js';

const bookPage = pageSchema(bookResponseSchema);

export function ManageReading({ club }: { club: ClubResponse }) {
  const list = useResource((signal) => get(`/api/clubs/${club.id}/reading-list`, readingListSchema, { signal }), [club.id]);
  const { busy, run } = useRunner();
  const [dialog, confirm] = useConfirm();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<BookResponse[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const base = `/api/clubs/${club.id}/reading-list`;
  const section = useRef<HTMLElement>(null);
  const order = useReadingOrder(base, list, section);
  const listed = new Set(list.data?.items.map((item) => item.book.id));
  // While a book is added or taken off, or the list loads, the order on the page is about to
  // change: a move then would name a list that no longer holds and be refused as someone else's change.
  const settling = busy !== null || list.loading;

  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return;
    setSearching(true);
    setSearchError(null);
    try {
      setFound((await get('/api/books', bookPage, { query: { q: query.trim(), limit: 10 } })).items);
    } catch (err) {
      setSearchError(errorWords(err));
    } finally {
      setSearching(false);
    }
  };
  const add = async (book: BookResponse) => {
    // The list changes on the page before the action counts as done, so a move made next names the list as it now is.
    const added = async () => {
      const item = await send('post', base, readingListItemCreateSchema, { book_id: book.id }, readingListItemResponseSchema);
      list.set((current) => ({ items: [...(current?.items ?? []), item] }));
    };
    if (await run(`add-${book.id}`, added, t('owner.reading.added', { title: book.title }))) list.reload();
  };
  const remove = async (item: ReadingListItemResponse) => {
    if (!(await confirm(t('owner.reading.removeTitle', { title: item.book.title }), t('owner.reading.removeBody'), t('owner.reading.remove')))) return;
    const removed = async () => {
      await act('delete', `${base}/${item.id}`);
      list.set((current) => ({ items: (current?.items ?? []).filter((entry) => entry.id !== item.id) }));
    };
    if (await run(`remove-${item.id}`, removed, t('owner.reading.removed', { title: item.book.title }))) list.reload();
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-reading" ref={section}>
      <h2 id="manage-reading">{t('owner.manage.reading')}</h2>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('owner.reading.none')}</Empty>
      ) : (
        <ol class="list">
          {list.data.items.map((item, index, items) => (
            <li key={item.id} class="manage-row">
              <div class="manage-row-main">
                <span class="reading-place muted" aria-hidden="true">
                  {index + 1}.
                </span>{' '}
                <strong>{item.book.title}</strong> <span class="muted small">{item.book.author}</span>
              </div>
              <div class="cluster reading-actions">
                {items.length > 1 && (
                  <>
                    <MoveButton item={item} direction="up" blocked={settling} disabled={index === 0} onMove={order.move} />
                    <MoveButton item={item} direction="down" blocked={settling} disabled={index === items.length - 1} onMove={order.move} />
                  </>
                )}
                <button type="button" class="btn btn-quiet btn-small" disabled={busy !== null} onClick={() => void remove(item)}>
                  {busy === `remove-${item.id}` ? t('owner.working') : t('owner.reading.remove')}
                  <span class="visually-hidden"> {item.book.title}</span>
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      {order.failure && (
        <p class="status status-error" role="alert">
          {order.failure}
        </p>
      )}
      <p class="visually-hidden" aria-live="polite">
        {order.announcement}
      </p>
      <h3>{t('owner.reading.add')}</h3>
      <form class="cluster" role="search" onSubmit={(event) => void search(event)}>
        <Field label={t('owner.reading.search')} type="search" value={query} onValue={setQuery} maxLength={200} />
        <button type="submit" class="btn" disabled={searching}>
          {searching ? t('owner.reading.searching') : t('common.search')}
        </button>
      </form>
      {searchError && (
        <p class="status status-error" role="alert">
          {searchError}
        </p>
      )}
      <div aria-live="polite">
        {found && found.length === 0 && <Empty>{t('owner.reading.noBooks')}</Empty>}
        {found && found.length > 0 && (
          <ul class="list">
            {found.map((book) => (
              <li key={book.id} class="manage-row">
                <div class="manage-row-main">
                  <strong>{book.title}</strong> <span class="muted small">{book.author}</span>
                </div>
                <button type="button" class="btn btn-small" disabled={busy !== null || listed.has(book.id)} onClick={() => void add(book)}>
                  {listed.has(book.id) ? t('owner.reading.onList') : busy === `add-${book.id}` ? t('owner.working') : t('common.add')}
                  <span class="visually-hidden"> {book.title}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {dialog}
    </section>
  );
}

/** An arrow that moves one entry; named with the book, since every entry has one. Blocked while the list settles. */
function MoveButton({ item, direction, blocked, disabled, onMove }: { item: ReadingListItemResponse; direction: Direction; blocked: boolean; disabled: boolean; onMove: (item: ReadingListItemResponse, direction: Direction) => void }) {
  const label = t(direction === 'up' ? 'owner.reading.moveUp' : 'owner.reading.moveDown', { title: item.book.title });
  // aria-disabled, not disabled, while the list settles: a button that has focus keeps it.
  const press = () => {
    if (!blocked) onMove(item, direction);
  };
  return (
    <button type="button" class="btn btn-small reading-move" aria-label={label} title={label} data-move={moveKey(item.id, direction)} disabled={disabled} aria-disabled={blocked} onClick={press}>
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
        <path d={direction === 'up' ? 'M5 12.5 10 7.5l5 5' : 'M5 7.5l5 5 5-5'} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
    </button>
  );
}
