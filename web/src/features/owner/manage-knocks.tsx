// The club's waiting knocks: loaded once over REST (and after every reconnect), kept live by
// the same store as the header's badge.
import { useEffect } from 'preact/hooks';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { knockResponseSchema } from '../../../../shared/protocol/clubs.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { get } from '../../api/http.js';
import { connectCount } from '../../api/socket.js';
import { t } from '../../i18n/index.js';
import { ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { KnockList } from './knock-list.js';
import { followKnocks, setClubKnocks, waitingKnocks } from './knocks-store.js';

const knockPage = pageSchema(knockResponseSchema);

export function ManageKnocks({ club }: { club: ClubResponse }) {
  const connects = connectCount.value;
  useEffect(() => followKnocks(), []);
  const loaded = useResource((signal) => get(`/api/clubs/${club.id}/knocks`, knockPage, { signal, query: { limit: 100 } }), [club.id, connects]);
  useEffect(() => {
    if (loaded.data) setClubKnocks(club.id, loaded.data.items);
  }, [loaded.data, club.id]);
  const knocks = waitingKnocks.value.filter((knock) => knock.club_id === club.id);
  return (
    <section class="card manage-section" aria-labelledby="manage-knocks">
      <h2 id="manage-knocks">{t('owner.manage.knocks')}</h2>
      {loaded.error ? <ErrorMessage error={loaded.error} onRetry={loaded.reload} /> : loaded.loading && !loaded.data ? <Loading /> : <KnockList knocks={knocks} showClub={false} />}
    </section>
  );
}
