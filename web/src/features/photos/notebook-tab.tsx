// The club page's Notebook tab: the club notebook's text (its export, shown as text only), the
// newest quotes first. Loaded again when anyone sends a quote to it (the club's notes.changed
// event), after a reconnect, when the tab is shown, and on Refresh; quotes that arrive while it
// is open are said in the polite live region and marked New, and focus stays where it was.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchApi } from '../../api/http.js';
import { t, tn } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import { useClubEventsLive } from '../club/content-common.js';
import type { ClubTabProps } from '../club/tabs.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { newQuotes, notebookBlocks, type NotebookBlock, type NotebookQuote } from './notebook-text.js';
import { lastQuote } from './project-status.js';
import './photos.css';

const LATEST = 3;

function Block({ block, fresh = false }: { block: NotebookBlock; fresh?: boolean }) {
  if (block.kind === 'paragraph') return <p class="photos-notebook-text">{block.text}</p>;
  return (
    <figure class="photos-notebook-quote">
      {fresh && <span class="badge">{t('photos.notebook.new')}</span>}
      <blockquote class="photos-notebook-text">{block.text}</blockquote>
      {block.source && <figcaption class="muted small">— {block.source}</figcaption>}
    </figure>
  );
}

export default function NotebookTab({ club }: ClubTabProps) {
  const doc = `club.${club.id}`;
  const quoted = lastQuote.value?.doc === doc ? lastQuote.value.n : 0;
  const notebook = useResource(async (signal) => {
    const res = await fetchApi('get', `/api/collab/${doc}/export`, undefined, false, { signal, query: { format: 'txt' } });
    return notebookBlocks(await res.text());
  }, [doc, quoted]);
  useClubEventsLive(club.id, (event) => event.type === 'notes.changed' && event.doc === doc, notebook.reload);

  // Quotes not in the load before (by their words and source, not by count) are new: said once
  // in the live region, and marked New until more arrive. A load nobody asked for that brings
  // nothing says nothing.
  const seen = useRef<NotebookQuote[] | null>(null);
  /** The quotes as they were before the last arrival: what is not among them is marked New. */
  const [before, setBefore] = useState<NotebookQuote[] | null>(null);
  const asked = useRef(false);
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (!notebook.data) return;
    const quotes = notebook.data.filter((b): b is NotebookQuote => b.kind === 'quote');
    const added = newQuotes(seen.current, quotes);
    const first = seen.current === null;
    if (first) setBefore(quotes);
    else if (added.length > 0) setBefore(seen.current);
    seen.current = quotes;
    if (added.length > 0) {
      const source = added.length === 1 ? quotes[added[0] ?? -1]?.source : null;
      setSaid(added.length > 1 ? tn('photos.notebook.arrivedMany', added.length) : source ? t('photos.notebook.arrived', { source }) : t('photos.notebook.arrivedNoSource'));
    } else if (first || asked.current) {
      setSaid(tn('photos.notebook.quoteCount', quotes.length));
    }
    asked.current = false;
  }, [notebook.data]);
  const refresh = () => {
    if (notebook.loading) return;
    asked.current = true;
    notebook.reload();
  };

  useEffect(() => {
    const onShown = () => {
      if (document.visibilityState === 'visible') notebook.reload();
    };
    document.addEventListener('visibilitychange', onShown);
    return () => document.removeEventListener('visibilitychange', onShown);
  }, [notebook.reload]);

  const blocks = notebook.data ?? [];
  const quotes = blocks.filter((b): b is NotebookQuote => b.kind === 'quote');
  const latest = quotes.slice(-LATEST).reverse();
  const fresh = new Set(newQuotes(before, quotes));

  return (
    <div class="photos-notebook stack">
      <div class="cluster photos-notebook-bar">
        <p class="muted small">{t('photos.notebook.intro')}</p>
        {/* aria-disabled, not disabled: a load started by someone else's quote must not take focus off the button. */}
        <button type="button" class="btn btn-small" onClick={refresh} aria-disabled={notebook.loading}>
          {notebook.loading ? t('photos.notebook.refreshing') : t('photos.notebook.refresh')}
        </button>
      </div>
      {notebook.loading && !notebook.data ? (
        <Loading />
      ) : notebook.error ? (
        <ErrorMessage error={notebook.error} onRetry={refresh} />
      ) : blocks.length === 0 ? (
        <Empty>
          {t('photos.notebook.empty')}{' '}
          <a href="/photos" onClick={onLinkClick}>
            {t('photos.notebook.toPhotos')}
          </a>
        </Empty>
      ) : (
        <>
          {latest.length > 0 && (
            <section aria-labelledby="notebook-latest" class="card">
              <h2 id="notebook-latest">{t('photos.notebook.latest')}</h2>
              <p class="muted small">{tn('photos.notebook.quoteCount', quotes.length)}</p>
              {latest.map((block, i) => (
                <Block key={quotes.length - i} block={block} fresh={fresh.has(quotes.length - 1 - i)} />
              ))}
            </section>
          )}
          <section aria-labelledby="notebook-all" class="card">
            <h2 id="notebook-all">{t('photos.notebook.all')}</h2>
            <div class="photos-notebook-body">
              {blocks.map((block, i) => (
                <Block key={i} block={block} />
              ))}
            </div>
          </section>
        </>
      )}
      <p class="visually-hidden" role="status">
        {notebook.loading && asked.current ? '' : said}
      </p>
    </div>
  );
}
