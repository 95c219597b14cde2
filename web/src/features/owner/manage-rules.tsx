// The club's rules: add one at the end, delete one.
import { useState } from 'preact/hooks';
import { ruleCreateSchema, ruleListSchema, ruleResponseSchema, type RuleResponse } from '../../../../shared/protocol/content.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { act, get, send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';

export function ManageRules({ club }: { club: ClubResponse }) {
  const list = useResource((signal) => get(`/api/clubs/${club.id}/rules`, ruleListSchema, { signal }), [club.id]);
  const { busy, run } = useRunner();
  const [text, setText] = useState('');
  const [dialog, confirm] = useConfirm();
  const base = `/api/clubs/${club.id}/rules`;

  const add = async (event: Event) => {
    event.preventDefault();
    if (await run('add', () => send('post', base, ruleCreateSchema, { text }, ruleResponseSchema), t('owner.rules.added'))) {
      setText('');
      list.reload();
    }
  };
  const remove = async (rule: RuleResponse) => {
    if (!(await confirm(t('owner.rules.deleteTitle'), rule.text, t('common.delete')))) return;
    if (await run(`delete-${rule.id}`, () => act('delete', `${base}/${rule.id}`), t('owner.rules.deleted'))) list.reload();
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-rules">
      <h2 id="manage-rules">{t('owner.manage.rules')}</h2>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('owner.rules.none')}</Empty>
      ) : (
        <ol class="list">
          {list.data.items.map((rule) => (
            <li key={rule.id} class="manage-row">
              <span class="manage-row-main">{rule.text}</span>
              <button type="button" class="btn btn-quiet btn-small" disabled={busy !== null} onClick={() => void remove(rule)}>
                {busy === `delete-${rule.id}` ? t('owner.working') : t('common.delete')}
                <span class="visually-hidden"> {rule.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      <form class="manage-form" onSubmit={(event) => void add(event)}>
        <Field label={t('owner.rules.new')} value={text} onValue={setText} required maxLength={500} />
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy === 'add' || !text.trim()}>
            {busy === 'add' ? t('owner.saving') : t('owner.rules.add')}
          </button>
        </div>
      </form>
      {dialog}
    </section>
  );
}
