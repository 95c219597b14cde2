// The moderation queue: open reports of posts, comments and people, each dismissed or acted on
// (the reported post or comment removed).
import { reportResolveSchema, reportResponseSchema, type ReportResponse } from '../../../../shared/protocol/posts.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { get, send } from '../../api/http.js';
import { formatRelative, t, type MessageKey } from '../../i18n/index.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';

const reportPage = pageSchema(reportResponseSchema);
const REASON_WORDS: Record<ReportResponse['reason'], MessageKey> = { spam: 'owner.reports.reason.spam', abuse: 'owner.reports.reason.abuse', off_topic: 'owner.reports.reason.off_topic', other: 'owner.reports.reason.other' };
const KIND_WORDS: Record<ReportResponse['target']['kind'], MessageKey> = { post: 'owner.reports.kind.post', comment: 'owner.reports.kind.comment', user: 'owner.reports.kind.user' };

export function ManageReports({ club }: { club: ClubResponse }) {
  const list = useResource((signal) => get(`/api/clubs/${club.id}/reports`, reportPage, { signal, query: { status: 'open', limit: 50 } }), [club.id]);
  const { busy, run } = useRunner();
  const [dialog, confirm] = useConfirm();

  const resolve = async (report: ReportResponse, action: 'dismiss' | 'remove_content') => {
    if (action === 'remove_content' && !(await confirm(t('owner.reports.removeTitle'), report.target.excerpt, t('owner.reports.remove')))) return;
    const done = action === 'dismiss' ? t('owner.reports.dismissed') : t('owner.reports.removed');
    if (await run(`${action}-${report.id}`, () => send('post', `/api/clubs/${club.id}/reports/${report.id}/resolve`, reportResolveSchema, { action }, reportResponseSchema), done)) list.reload();
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-reports">
      <h2 id="manage-reports">{t('owner.manage.reports')}</h2>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('owner.reports.none')}</Empty>
      ) : (
        <ul class="list">
          {list.data.items.map((report) => (
            <li key={report.id} class="manage-row">
              <div class="manage-row-main">
                <span class="tag">{t(KIND_WORDS[report.target.kind])}</span> <strong>{report.target.excerpt}</strong>
                <div class="muted small">
                  {t('owner.reports.by', { name: report.reporter.username, reason: t(REASON_WORDS[report.reason]) })} · {formatRelative(report.created_at)}
                </div>
                {report.detail && <p class="small">{report.detail}</p>}
              </div>
              <div class="cluster">
                <button type="button" class="btn btn-small" disabled={busy !== null} onClick={() => void resolve(report, 'dismiss')}>
                  {busy === `dismiss-${report.id}` ? t('owner.working') : t('owner.reports.dismiss')}
                </button>
                {report.target.kind !== 'user' && !report.target.removed && (
                  <button type="button" class="btn btn-danger btn-small" disabled={busy !== null} onClick={() => void resolve(report, 'remove_content')}>
                    {busy === `remove_content-${report.id}` ? t('owner.working') : t('owner.reports.remove')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {dialog}
    </section>
  );
}
