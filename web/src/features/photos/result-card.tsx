// One page photo: its thumbnail, the lines read from it as checkboxes, and the chosen lines
// sent as a quote to a club's notebook.
import { useState } from 'preact/hooks';
import type { MyClub } from '../../../../shared/protocol/clubs.js';
import { quoteResponseSchema, quoteSchema, type ImageResponse, type ResultResponse } from '../../../../shared/protocol/projects.js';
import { send } from '../../api/http.js';
import { t, tn } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { AuthedImage } from './authed-image.js';
import { quoteSent } from './project-status.js';

type Outcome = { kind: 'done'; club: MyClub } | { kind: 'error'; words: string } | null;

export function ResultCard({ projectId, image, result, club }: { projectId: number; image: ImageResponse; result: ResultResponse | undefined; club: MyClub | undefined }) {
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [page, setPage] = useState('');
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const headingId = `photo-${image.id}`;
  const lines = result?.lines ?? [];

  const toggle = (index: number, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(index);
      else next.delete(index);
      return next;
    });

  const quote = async () => {
    if (!club || chosen.size === 0) return;
    setPending(true);
    setOutcome(null);
    const doc = `club.${club.id}`;
    try {
      await send('post', `/api/projects/${projectId}/results/${image.id}/quote`, quoteSchema, { doc, lines: [...chosen].sort((a, b) => a - b), ...(page.trim() ? { page: page.trim() } : {}) }, quoteResponseSchema);
      setOutcome({ kind: 'done', club });
      setChosen(new Set());
      quoteSent(doc);
    } catch (err) {
      setOutcome({ kind: 'error', words: errorWords(err) });
    } finally {
      setPending(false);
    }
  };

  return (
    <article class="card photos-result" aria-labelledby={headingId}>
      <div class="photos-result-head">
        {image.thumbnail_url && <AuthedImage src={image.thumbnail_url} alt={t('photos.result.thumbAlt', { name: image.old_name })} class="photos-thumb" />}
        <div>
          <h3 id={headingId}>{image.old_name}</h3>
          <p class="muted small">{result ? tn('photos.result.lines', lines.length) : t('photos.result.notRead')}</p>
        </div>
      </div>
      {result && lines.length > 0 && (
        <>
          <fieldset class="photos-lines">
            <legend class="visually-hidden">{t('photos.result.pick', { name: image.old_name })}</legend>
            <div class="cluster">
              <button type="button" class="btn btn-small btn-quiet" onClick={() => setChosen(new Set(lines.map((_, i) => i)))}>
                {t('photos.result.all')}
              </button>
              <button type="button" class="btn btn-small btn-quiet" onClick={() => setChosen(new Set())} disabled={chosen.size === 0}>
                {t('photos.result.none')}
              </button>
            </div>
            <ol class="photos-line-list">
              {lines.map((line, index) => (
                <li key={index}>
                  <label class="photos-line">
                    <input type="checkbox" checked={chosen.has(index)} onChange={(e) => toggle(index, e.currentTarget.checked)} />
                    <span>{line.text}</span>
                  </label>
                </li>
              ))}
            </ol>
          </fieldset>
          <div class="photos-quote">
            <div class="field photos-page-field">
              <label for={`page-${image.id}`}>
                {t('photos.quote.page')} <span class="muted small">({t('common.optional')})</span>
              </label>
              <input id={`page-${image.id}`} value={page} maxLength={20} inputMode="numeric" onInput={(e) => setPage(e.currentTarget.value)} />
            </div>
            <button type="button" class="btn btn-primary" disabled={!club || chosen.size === 0 || pending} onClick={() => void quote()}>
              {pending ? t('photos.quote.pending') : !club ? t('photos.quote.noClub') : chosen.size === 0 ? t('photos.quote.pickFirst') : tn('photos.quote.send', chosen.size, { club: club.title })}
            </button>
          </div>
          <div role="status" class="photos-quote-result">
            {outcome?.kind === 'done' && (
              <p class="notice notice-success">
                {t('photos.quote.done', { club: outcome.club.title })}{' '}
                <a href={`/clubs/${outcome.club.id}/notebook`} onClick={onLinkClick}>
                  {t('photos.quote.open')}
                </a>
              </p>
            )}
            {outcome?.kind === 'error' && <p class="status status-error">{outcome.words}</p>}
          </div>
        </>
      )}
      {result && lines.length === 0 && <p class="muted">{t('photos.result.noText')}</p>}
    </article>
  );
}
