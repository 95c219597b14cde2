// A study group's seasons and dues, read-only: a member sees their own; moderators and the owner
// see everyone's, the season's total and the club's. Recording dues is the owner console's job.
import { useState } from 'preact/hooks';
import { duesEntrySchema, duesListSchema, seasonListSchema, type DuesEntry, type SeasonResponse } from '../../../../shared/protocol/content.js';
import { get } from '../../api/http.js';
import { formatDate, t } from '../../i18n/index.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { allowed, formatAmount, formatDay, useContentLive } from './content-common.js';
import './content-tabs.css';
import type { ClubTabProps } from './tabs.js';
import { displayName } from '../../live/me.js';

export default function DuesTab({ club }: ClubTabProps) {
  const isStudy = club.study !== null;
  const seasons = useResource((signal) => (isStudy ? get(`/api/clubs/${club.id}/seasons`, seasonListSchema, { signal }).then((list) => list.items) : Promise.resolve([])), [club.id, isStudy]);
  const [chosen, setChosen] = useState<number | null>(null);
  // A new season or recorded dues: load both again (round is part of the dues' load).
  const [round, setRound] = useState(0);
  useContentLive(club.id, ['season', 'dues'], () => {
    seasons.reload();
    setRound((n) => n + 1);
  });

  if (!isStudy) {
    return (
      <section class="content-tab" aria-labelledby="dues-title">
        <h2 id="dues-title">{t('content.dues.title')}</h2>
        <Empty>{t('content.dues.notStudy')}</Empty>
      </section>
    );
  }
  if (!seasons.data && seasons.loading) return <Loading />;
  if (!seasons.data) return <ErrorMessage error={seasons.error} onRetry={seasons.reload} />;
  const list = seasons.data;
  const current = list[list.length - 1];
  const season = list.find((s) => s.season === chosen) ?? current;

  return (
    <section class="content-tab stack" aria-labelledby="dues-title">
      <div class="content-head">
        <h2 id="dues-title">{t('content.dues.title')}</h2>
        {list.length > 1 && (
          <label class="content-season-pick">
            <span>{t('content.dues.season')}</span>
            <select value={season?.season} onChange={(event) => setChosen(Number(event.currentTarget.value))}>
              {[...list].reverse().map((s) => (
                <option key={s.season} value={s.season}>
                  {seasonName(s)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {season ? <SeasonDues clubId={club.id} season={season} everyone={allowed(club, 'dues.read_all')} round={round} /> : <Empty>{t('content.dues.noSeasons')}</Empty>}
    </section>
  );
}

function seasonName(season: SeasonResponse): string {
  return season.ended_at === null ? t('content.dues.seasonCurrent', { season: season.season }) : t('content.dues.seasonNumber', { season: season.season });
}

function seasonSpan(season: SeasonResponse): string {
  return season.ended_at ? t('content.dues.seasonSpan', { from: formatDate(season.started_at), to: formatDate(season.ended_at) }) : t('content.dues.seasonSince', { from: formatDate(season.started_at) });
}

function PaidState({ entry }: { entry: DuesEntry }) {
  return entry.paid ? (
    <span class="content-paid">{entry.paid_on ? t('content.dues.paidOn', { date: formatDay(entry.paid_on) }) : t('content.dues.paid')}</span>
  ) : (
    <span class="content-unpaid">{t('content.dues.unpaid')}</span>
  );
}

function SeasonDues({ clubId, season, everyone, round }: { clubId: number; season: SeasonResponse; everyone: boolean; round: number }) {
  const dues = useResource(
    async (signal) =>
      everyone
        ? { kind: 'all' as const, list: await get(`/api/clubs/${clubId}/seasons/${season.season}/dues`, duesListSchema, { signal }) }
        : { kind: 'mine' as const, entry: await get(`/api/clubs/${clubId}/seasons/${season.season}/dues/me`, duesEntrySchema, { signal }) },
    [clubId, season.season, everyone, round],
  );
  const headingId = `dues-season-${season.season}`;
  let body;
  if (!dues.data && dues.loading) body = <Loading />;
  else if (!dues.data) body = <ErrorMessage error={dues.error} onRetry={dues.reload} />;
  else if (dues.data.kind === 'mine') {
    const { entry } = dues.data;
    body = (
      <dl class="content-facts">
        <dt>{t('content.dues.yours')}</dt>
        <dd>
          <PaidState entry={entry} />
        </dd>
        <dt>{t('content.dues.amount')}</dt>
        <dd>{formatAmount(entry.amount)}</dd>
      </dl>
    );
  } else {
    const { list } = dues.data;
    const paid = list.items.filter((entry) => entry.paid).length;
    body = (
      <>
        <dl class="content-facts">
          <dt>{t('content.dues.seasonTotal')}</dt>
          <dd>{formatAmount(list.season_total)}</dd>
          <dt>{t('content.dues.clubTotal')}</dt>
          <dd>{formatAmount(list.total_money)}</dd>
          <dt>{t('content.dues.paidCount')}</dt>
          <dd>{t('content.dues.paidOf', { paid, total: list.items.length })}</dd>
        </dl>
        <div class="content-table-wrap">
          <table class="content-table">
            <caption class="visually-hidden">{t('content.dues.tableCaption', { season: season.season })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('content.dues.member')}</th>
                <th scope="col">{t('content.dues.state')}</th>
                <th scope="col" class="content-num">
                  {t('content.dues.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((entry) => (
                <tr key={entry.user.id}>
                  <th scope="row">{displayName(entry.user)}</th>
                  <td>
                    <PaidState entry={entry} />
                  </td>
                  <td class="content-num">{formatAmount(entry.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }
  return (
    <section aria-labelledby={headingId} class="stack">
      <h3 id={headingId}>{seasonName(season)}</h3>
      <p class="small muted">{seasonSpan(season)}</p>
      {body}
    </section>
  );
}
