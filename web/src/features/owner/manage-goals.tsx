// Goals: set one (type, title, dates), delete one.
import { useState } from 'preact/hooks';
import { GOAL_TYPES, goalCreateSchema, goalResponseSchema, type GoalResponse } from '../../../../shared/protocol/content.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { act, get, send } from '../../api/http.js';
import { formatDate, t, type MessageKey } from '../../i18n/index.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { useConfirm } from './confirm-dialog.js';
import { useRunner } from './use-action.js';

type GoalType = (typeof GOAL_TYPES)[number];
const TYPE_WORDS: Record<GoalType, MessageKey> = { sub_goal: 'owner.goals.type.sub_goal', homework: 'owner.goals.type.homework', meeting: 'owner.goals.type.meeting', other: 'owner.goals.type.other' };
const goalPage = pageSchema(goalResponseSchema);

export function ManageGoals({ club }: { club: ClubResponse }) {
  const list = useResource((signal) => get(`/api/clubs/${club.id}/goals`, goalPage, { signal, query: { limit: 100 } }), [club.id]);
  const { busy, run } = useRunner();
  const [dialog, confirm] = useConfirm();
  const [type, setType] = useState<GoalType>('sub_goal');
  const [title, setTitle] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const base = `/api/clubs/${club.id}/goals`;

  const add = async (event: Event) => {
    event.preventDefault();
    const body = { type, title, starts_on: startsOn || null, ends_on: endsOn || null };
    if (await run('add', () => send('post', base, goalCreateSchema, body, goalResponseSchema), t('owner.goals.added'))) {
      setTitle('');
      setStartsOn('');
      setEndsOn('');
      list.reload();
    }
  };
  const remove = async (goal: GoalResponse) => {
    if (!(await confirm(t('owner.goals.deleteTitle', { title: goal.title }), t('owner.goals.deleteBody'), t('common.delete')))) return;
    if (await run(`delete-${goal.id}`, () => act('delete', `${base}/${goal.id}`), t('owner.goals.deleted'))) list.reload();
  };

  return (
    <section class="card manage-section" aria-labelledby="manage-goals">
      <h2 id="manage-goals">{t('owner.manage.goals')}</h2>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('owner.goals.none')}</Empty>
      ) : (
        <ul class="list">
          {list.data.items.map((goal) => (
            <li key={goal.id} class="manage-row">
              <div class="manage-row-main">
                <strong>{goal.title}</strong> <span class="tag">{t(TYPE_WORDS[goal.type])}</span> {goal.done && <span class="badge badge-quiet">{t('owner.goals.done')}</span>}
                {(goal.starts_on || goal.ends_on) && (
                  <div class="muted small">
                    {goal.starts_on ? formatDate(`${goal.starts_on}T12:00:00`) : '…'} – {goal.ends_on ? formatDate(`${goal.ends_on}T12:00:00`) : '…'}
                  </div>
                )}
              </div>
              <button type="button" class="btn btn-quiet btn-small" disabled={busy !== null} onClick={() => void remove(goal)}>
                {busy === `delete-${goal.id}` ? t('owner.working') : t('common.delete')}
                <span class="visually-hidden"> {goal.title}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('owner.goals.add')}</h3>
      <form class="manage-form" onSubmit={(event) => void add(event)}>
        <div class="field">
          <label for="goal-type">{t('owner.goals.typeField')}</label>
          <select id="goal-type" value={type} onChange={(event) => setType(event.currentTarget.value as GoalType)}>
            {GOAL_TYPES.map((option) => (
              <option key={option} value={option}>
                {t(TYPE_WORDS[option])}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('owner.goals.titleField')} value={title} onValue={setTitle} required maxLength={150} />
        <div class="cluster">
          <Field label={t('owner.goals.startsOn')} type="date" value={startsOn} onValue={setStartsOn} />
          <Field label={t('owner.goals.endsOn')} type="date" value={endsOn} onValue={setEndsOn} />
        </div>
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy === 'add' || !title.trim()}>
            {busy === 'add' ? t('owner.saving') : t('owner.goals.addButton')}
          </button>
        </div>
      </form>
      {dialog}
    </section>
  );
}
