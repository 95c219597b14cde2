// Dues of a study group: the seasons, who paid this season (moderators read it), recording a
// payment and starting the next season (the owner).
import { useState } from 'preact/hooks';
import { can } from '../../../../shared/permissions.js';
import { duesEntrySchema, duesListSchema, duesRecordSchema, seasonListSchema, seasonResponseSchema, type DuesEntry } from '../../../../shared/protocol/content.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { act, get, send } from '../../api/http.js';
import { formatDate, formatNumber, t } from '../../i18n/index.js';
import { displayName } from '../../live/me.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';
import { useMemberEvents } from './use-member-events.js';

function DuesRow({ club, season, entry, onChanged }: { club: ClubResponse; season: number; entry: DuesEntry; onChanged: () => void }) {
  const mayRecord = can(club.me.role, 'dues.record');
  const [amount, setAmount] = useState(String(entry.amount || club.study?.entrance_fee || 0));
  const { busy, run } = useRunner();
  const name = displayName(entry.user);
  const record = async (paid: boolean) => {
    const body = { paid, amount: Number(amount) };
    if (await run('record', () => send('put', `/api/clubs/${club.id}/seasons/${season}/dues/${entry.user.id}`, duesRecordSchema, body, duesEntrySchema), paid ? t('owner.dues.markedPaid', { name }) : t('owner.dues.markedUnpaid', { name }))) onChanged();
  };
  const amountId = `dues-${season}-${entry.user.id}`;
  return (
    <li class="manage-row">
      <div class="manage-row-main">
        <strong>{name}</strong>{' '}
        {entry.paid ? (
          <span class="badge">{t('owner.dues.paidOn', { date: entry.paid_on ? formatDate(`${entry.paid_on}T12:00:00`) : '' })}</span>
        ) : (
          <span class="badge badge-quiet">{t('owner.dues.unpaid')}</span>
        )}
        {entry.paid && <span class="muted small"> · {formatNumber(entry.amount)}</span>}
      </div>
      {mayRecord && (
        <div class="cluster">
          <label for={amountId} class="visually-hidden">
            {t('owner.dues.amountFor', { name })}
          </label>
          <input id={amountId} class="input dues-amount" type="number" min={0} inputMode="numeric" value={amount} onInput={(event) => setAmount(event.currentTarget.value)} />
          {entry.paid ? (
            <button type="button" class="btn btn-small" disabled={busy !== null} onClick={() => void record(false)}>
              {busy ? t('owner.working') : t('owner.dues.markUnpaid')}
              <span class="visually-hidden"> {name}</span>
            </button>
          ) : (
            <button type="button" class="btn btn-primary btn-small" disabled={busy !== null} onClick={() => void record(true)}>
              {busy ? t('owner.working') : t('owner.dues.markPaid')}
              <span class="visually-hidden"> {name}</span>
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function ManageDues({ club, reloadClub }: { club: ClubResponse; reloadClub: () => void }) {
  const seasons = useResource((signal) => get(`/api/clubs/${club.id}/seasons`, seasonListSchema, { signal }), [club.id]);
  const current = seasons.data?.items.at(-1)?.season ?? club.study?.season ?? 1;
  const [chosen, setChosen] = useState<number | null>(null);
  const season = chosen ?? current;
  const dues = useResource((signal) => get(`/api/clubs/${club.id}/seasons/${season}/dues`, duesListSchema, { signal }), [club.id, season]);
  // Dues are listed per active member: someone let in or removed changes the list.
  useMemberEvents(club.id, dues.reload);
  const { busy, run } = useRunner();
  const [dialog, confirm] = useConfirm();

  const nextSeason = async () => {
    if (!(await confirm(t('owner.dues.nextTitle'), t('owner.dues.nextBody'), t('owner.dues.next')))) return;
    if (await run('season', () => act('post', `/api/clubs/${club.id}/seasons`, seasonResponseSchema), t('owner.dues.nextDone'))) {
      setChosen(null);
      seasons.reload();
      reloadClub();
    }
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-dues">
      <h2 id="manage-dues">{t('owner.manage.dues')}</h2>
      {seasons.error && <ErrorMessage error={seasons.error} onRetry={seasons.reload} />}
      <div class="cluster">
        {seasons.data && (
          <div class="field">
            <label for="dues-season">{t('owner.dues.season')}</label>
            <select id="dues-season" value={season} onChange={(event) => setChosen(Number(event.currentTarget.value))}>
              {seasons.data.items.map((item) => (
                <option key={item.season} value={item.season}>
                  {t('owner.dues.seasonName', { n: item.season, date: formatDate(item.started_at) })}
                </option>
              ))}
            </select>
          </div>
        )}
        {can(club.me.role, 'season.manage') && (
          <button type="button" class="btn" disabled={busy !== null} onClick={() => void nextSeason()}>
            {busy === 'season' ? t('owner.working') : t('owner.dues.next')}
          </button>
        )}
      </div>
      {dues.error ? (
        <ErrorMessage error={dues.error} onRetry={dues.reload} />
      ) : !dues.data ? (
        <Loading />
      ) : (
        <>
          <p class="muted">{t('owner.dues.totals', { season: formatNumber(dues.data.season_total), total: formatNumber(dues.data.total_money) })}</p>
          <ul class="list">
            {dues.data.items.map((entry) => (
              <DuesRow key={`${season}-${entry.user.id}-${entry.paid}`} club={club} season={season} entry={entry} onChanged={dues.reload} />
            ))}
          </ul>
        </>
      )}
      {dialog}
    </section>
  );
}
