// Notices: post, edit (title, text, pinned) and delete.
import { useState } from 'preact/hooks';
import { noticeCreateSchema, noticeListSchema, noticeResponseSchema, noticeUpdateSchema, type NoticeResponse } from '../../../../shared/protocol/content.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { act, get, send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';

function NoticeForm({ initial, busy, onSubmit, onCancel, submitLabel }: { initial?: NoticeResponse; busy: boolean; onSubmit: (v: { title: string; body: string; pinned: boolean }) => Promise<boolean>; onCancel?: () => void; submitLabel: string }) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [pinned, setPinned] = useState(initial?.pinned ?? false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await onSubmit({ title, body, pinned }) && !initial) {
      setTitle('');
      setBody('');
      setPinned(false);
    }
  };
  return (
    <form class="manage-form" onSubmit={(event) => void submit(event)}>
      <Field label={t('owner.notices.titleField')} value={title} onValue={setTitle} required maxLength={150} />
      <Field label={t('owner.notices.body')} value={body} onValue={setBody} multiline rows={3} maxLength={5000} />
      <label class="checkbox">
        <input type="checkbox" checked={pinned} onChange={(event) => setPinned(event.currentTarget.checked)} />
        {t('owner.notices.pinned')}
      </label>
      <div class="cluster">
        <button type="submit" class="btn btn-primary" disabled={busy || !title.trim()}>
          {busy ? t('owner.saving') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="btn btn-quiet" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export function ManageNotices({ club }: { club: ClubResponse }) {
  const list = useResource((signal) => get(`/api/clubs/${club.id}/notices`, noticeListSchema, { signal }), [club.id]);
  const { busy, run } = useRunner();
  const [editing, setEditing] = useState<number | null>(null);
  const [dialog, confirm] = useConfirm();
  const base = `/api/clubs/${club.id}/notices`;

  const add = async (v: { title: string; body: string; pinned: boolean }) => {
    const ok = await run('add', () => send('post', base, noticeCreateSchema, v, noticeResponseSchema), t('owner.notices.added'));
    if (ok) list.reload();
    return ok;
  };
  const edit = (notice: NoticeResponse) => async (v: { title: string; body: string; pinned: boolean }) => {
    const ok = await run(`edit-${notice.id}`, () => send('patch', `${base}/${notice.id}`, noticeUpdateSchema, v, noticeResponseSchema), t('owner.notices.saved'));
    if (ok) {
      setEditing(null);
      list.reload();
    }
    return ok;
  };
  const remove = async (notice: NoticeResponse) => {
    if (!(await confirm(t('owner.notices.deleteTitle', { title: notice.title }), t('owner.notices.deleteBody'), t('common.delete')))) return;
    if (await run(`delete-${notice.id}`, () => act('delete', `${base}/${notice.id}`), t('owner.notices.deleted'))) list.reload();
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-notices">
      <h2 id="manage-notices">{t('owner.manage.notices')}</h2>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('owner.notices.none')}</Empty>
      ) : (
        <ul class="list">
          {list.data.items.map((notice) =>
            editing === notice.id ? (
              <li key={notice.id}>
                <NoticeForm initial={notice} busy={busy === `edit-${notice.id}`} onSubmit={edit(notice)} onCancel={() => setEditing(null)} submitLabel={t('common.save')} />
              </li>
            ) : (
              <li key={notice.id} class="manage-row">
                <div class="manage-row-main">
                  <strong>{notice.title}</strong> {notice.pinned && <span class="tag">{t('owner.notices.pinnedTag')}</span>}
                  {notice.body && <p class="muted small">{notice.body}</p>}
                </div>
                <div class="cluster">
                  <button type="button" class="btn btn-small" onClick={() => setEditing(notice.id)}>
                    {t('common.edit')}
                    <span class="visually-hidden"> {notice.title}</span>
                  </button>
                  <button type="button" class="btn btn-quiet btn-small" disabled={busy !== null} onClick={() => void remove(notice)}>
                    {busy === `delete-${notice.id}` ? t('owner.working') : t('common.delete')}
                    <span class="visually-hidden"> {notice.title}</span>
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <h3>{t('owner.notices.add')}</h3>
      <NoticeForm busy={busy === 'add'} onSubmit={add} submitLabel={t('owner.notices.post')} />
      {dialog}
    </section>
  );
}
