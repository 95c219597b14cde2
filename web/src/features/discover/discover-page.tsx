// Discover: search and filters (kept in the address, so a search can be shared and goes back and
// forward), the clubs picked for the viewer with the reason on each, and the results, paged.
// Finding clubs needs an account: signed out, the page says so and points to log in / sign up.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { CLUB_KINDS, type clubSearchQuerySchema } from '../../../../shared/protocol/clubs.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { clubCardSchema, recommendationListSchema, type ClubCard as Card } from '../../../../shared/protocol/discovery.js';
import { get } from '../../api/http.js';
import { session } from '../../api/session.js';
import { t } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { navigate, onLinkClick } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { kindWords, weekdayWords } from '../club/club-words.js';
import { ClubCard } from './club-card.js';
import './discover.css';

const cardPageSchema = pageSchema(clubCardSchema);
type SearchQuery = z.input<typeof clubSearchQuerySchema>;

interface Filters {
  q: string;
  kind: string;
  keyword: string;
  weekday: string;
  hasSeats: boolean;
}

function filtersOf(query: URLSearchParams): Filters {
  return { q: query.get('q') ?? '', kind: query.get('kind') ?? '', keyword: query.get('keyword') ?? '', weekday: query.get('weekday') ?? '', hasSeats: query.get('has_seats') === 'true' };
}

/** The query GET /api/clubs takes (clubSearchQuerySchema): empty filters are left out. */
function searchOf(filters: Filters): Record<keyof SearchQuery, string | undefined> {
  return {
    q: filters.q.trim() || undefined,
    kind: filters.kind || undefined,
    keyword: filters.keyword.trim().toLowerCase() || undefined,
    weekday: filters.weekday || undefined,
    has_seats: filters.hasSeats ? 'true' : undefined,
    limit: undefined,
    cursor: undefined,
  };
}

function addressOf(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.keyword.trim()) params.set('keyword', filters.keyword.trim());
  if (filters.weekday) params.set('weekday', filters.weekday);
  if (filters.hasSeats) params.set('has_seats', 'true');
  const text = params.toString();
  return text ? `/discover?${text}` : '/discover';
}

function SignedOut() {
  return (
    <Page title={t('discover.title')}>
      <p class="prose">{t('discover.intro')}</p>
      <p class="notice">{t('discover.signInToBrowse')}</p>
      <p class="cluster">
        <a class="btn btn-primary" href="/signup" onClick={onLinkClick}>
          {t('discover.home.signup')}
        </a>
        <a class="btn" href="/login?next=%2Fdiscover" onClick={onLinkClick}>
          {t('discover.home.login')}
        </a>
      </p>
    </Page>
  );
}

function Recommended() {
  const picks = useResource((signal) => get('/api/clubs/recommended', recommendationListSchema, { signal, query: { limit: 6 } }), []);
  return (
    <section class="discover-section" aria-labelledby="discover-recommended">
      <h2 id="discover-recommended">{t('discover.recommended')}</h2>
      {picks.loading && !picks.data && <Loading />}
      {picks.error && <ErrorMessage error={picks.error} onRetry={picks.reload} />}
      {picks.data &&
        (picks.data.items.length === 0 ? (
          <Empty>{t('discover.recommendedNone')}</Empty>
        ) : (
          <div class="grid">
            {picks.data.items.map((club) => (
              <ClubCard key={club.id} club={club} reasons={club.reasons} />
            ))}
          </div>
        ))}
    </section>
  );
}

function Results({ filters }: { filters: Filters }) {
  const query = searchOf(filters);
  const key = JSON.stringify(query);
  const first = useResource((signal) => get('/api/clubs', cardPageSchema, { signal, query: { ...query, limit: 20 } }), [key]);
  const [extra, setExtra] = useState<{ items: Card[]; next: string | null } | null>(null);
  const [more, setMore] = useState<{ pending: boolean; error: string | null }>({ pending: false, error: null });
  useEffect(() => {
    setExtra(null);
    setMore({ pending: false, error: null });
  }, [key, first.data]);

  const next = extra ? extra.next : (first.data?.next_cursor ?? null);
  const loadMore = async () => {
    if (!next) return;
    setMore({ pending: true, error: null });
    try {
      const page = await get('/api/clubs', cardPageSchema, { query: { ...query, limit: 20, cursor: next } });
      setExtra((current) => ({ items: [...(current?.items ?? []), ...page.items], next: page.next_cursor }));
      setMore({ pending: false, error: null });
    } catch (err) {
      setMore({ pending: false, error: errorWords(err) });
    }
  };
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  return (
    <section class="discover-section" aria-labelledby="discover-results" aria-busy={first.loading}>
      <h2 id="discover-results">{filters.q.trim() ? t('discover.resultsFor', { q: filters.q.trim() }) : t('discover.results')}</h2>
      {first.loading && !first.data && <Loading />}
      {first.error && <ErrorMessage error={first.error} onRetry={first.reload} />}
      {first.data &&
        (items.length === 0 ? (
          <Empty>{t('discover.noResults')}</Empty>
        ) : (
          <div class="grid">
            {items.map((club) => (
              <ClubCard key={club.id} club={club} />
            ))}
          </div>
        ))}
      {next && (
        <button type="button" class="btn discover-more" disabled={more.pending} aria-busy={more.pending} onClick={() => void loadMore()}>
          {more.pending ? t('common.loading') : t('common.more')}
        </button>
      )}
      {more.error && (
        <p class="status status-error" role="alert">
          {more.error}
        </p>
      )}
    </section>
  );
}

function SearchForm({ applied }: { applied: Filters }) {
  const [draft, setDraft] = useState<Filters>(applied);
  // Follow the address when it changes (back/forward), but not on the first run: effects run
  // after paint, and resetting then would wipe what someone typed in the meantime.
  const shownAddress = useRef(addressOf(applied));
  useEffect(() => {
    const address = addressOf(applied);
    if (address === shownAddress.current) return;
    shownAddress.current = address;
    setDraft(applied);
  }, [addressOf(applied)]);
  const change = (patch: Partial<Filters>) => setDraft((current) => ({ ...current, ...patch }));
  const submit = (event: Event) => {
    event.preventDefault();
    navigate(addressOf(draft));
  };
  const filtered = applied.kind || applied.keyword || applied.weekday || applied.hasSeats || applied.q;
  return (
    <form class="discover-search" role="search" onSubmit={submit}>
      <div class="discover-search-row">
        <Field label={t('discover.search.label')} type="search" value={draft.q} onValue={(q) => change({ q })} maxLength={200} />
        <button type="submit" class="btn btn-primary">
          {t('discover.search.submit')}
        </button>
      </div>
      <fieldset class="discover-filters">
        <legend class="field-label">{t('discover.filters')}</legend>
        <div class="field">
          <label for="discover-kind">{t('discover.filter.kind')}</label>
          <select id="discover-kind" value={draft.kind} onChange={(event) => change({ kind: event.currentTarget.value })}>
            <option value="">{t('discover.filter.anyKind')}</option>
            {CLUB_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kindWords(kind)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('discover.filter.keyword')} value={draft.keyword} onValue={(keyword) => change({ keyword })} maxLength={40} />
        <div class="field">
          <label for="discover-weekday">{t('discover.filter.weekday')}</label>
          <select id="discover-weekday" value={draft.weekday} onChange={(event) => change({ weekday: event.currentTarget.value })}>
            <option value="">{t('discover.filter.anyDay')}</option>
            {[1, 2, 3, 4, 5, 6, 0].map((day) => (
              <option key={day} value={String(day)}>
                {weekdayWords(day)}
              </option>
            ))}
          </select>
        </div>
        <label class="checkbox">
          <input type="checkbox" checked={draft.hasSeats} onChange={(event) => change({ hasSeats: event.currentTarget.checked })} /> {t('discover.filter.hasSeats')}
        </label>
        {filtered && (
          <a class="btn btn-quiet" href="/discover" onClick={onLinkClick}>
            {t('discover.filter.clear')}
          </a>
        )}
      </fieldset>
    </form>
  );
}

export default function DiscoverPage({ query }: RouteProps) {
  if (session.value === null) return <SignedOut />;
  const applied = filtersOf(query);
  const searching = Boolean(applied.q || applied.kind || applied.keyword || applied.weekday || applied.hasSeats);
  return (
    <Page title={t('discover.title')} wide>
      <p class="muted">{t('discover.intro')}</p>
      <SearchForm applied={applied} />
      {!searching && <Recommended />}
      <Results filters={applied} />
    </Page>
  );
}
