// The club page's Notebook tab: the club notebook's text (its export, shown as text only), the
// newest quotes first, loaded again when a quote is sent from this browser or the tab is shown.
import { useEffect } from 'preact/hooks';
import { fetchApi } from '../../api/http.js';
import { t, tn } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import type { ClubTabProps } from '../club/tabs.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { notebookBlocks, type NotebookBlock } from './notebook-text.js';
import { lastQuote } from './project-status.js';
import './photos.css';

const LATEST = 3;

function Block({ block }: { block: NotebookBlock }) {
  if (block.kind === 'paragraph') return <p class="photos-notebook-text">{block.text}</p>;
  return (
    <figure class="photos-notebook-quote">
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

  useEffect(() => {
    const onShown = () => {
      if (document.visibilityState === 'visible') notebook.reload();
    };
    document.addEventListener('visibilitychange', onShown);
    return () => document.removeEventListener('visibilitychange', onShown);
  }, [notebook.reload]);

  const blocks = notebook.data ?? [];
  const quotes = blocks.filter((b) => b.kind === 'quote');
  const latest = quotes.slice(-LATEST).reverse();

  return (
    <div class="photos-notebook stack">
      <div class="cluster photos-notebook-bar">
        <p class="muted small">{t('photos.notebook.intro')}</p>
        <button type="button" class="btn btn-small" onClick={notebook.reload} disabled={notebook.loading}>
          {notebook.loading ? t('photos.notebook.refreshing') : t('photos.notebook.refresh')}
        </button>
      </div>
      {notebook.loading && !notebook.data ? (
        <Loading />
      ) : notebook.error ? (
        <ErrorMessage error={notebook.error} onRetry={notebook.reload} />
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
                <Block key={i} block={block} />
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
        {notebook.data && !notebook.loading ? tn('photos.notebook.quoteCount', quotes.length) : ''}
      </p>
    </div>
  );
}
