// The club's goals by start date, with their dates (when set) and how many are done; a member
// may tick a goal done or not done.
import { pageSchema } from '../../../../shared/protocol/common.js';
import { goalDoneSchema, goalResponseSchema, type GoalResponse } from '../../../../shared/protocol/content.js';
import { get, send } from '../../api/http.js';
import { formatDate, t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { allowed, formatDay, useAction, useContentLive, usePaged } from './content-common.js';
import { ShowMore } from './content-more.js';
import './content-tabs.css';
import type { ClubTabProps } from './tabs.js';

const goalPage = pageSchema(goalResponseSchema);
const PAGE = 100;
const TYPE_LABEL = { sub_goal: 'content.goals.typeSubGoal', homework: 'content.goals.typeHomework', meeting: 'content.goals.typeMeeting', other: 'content.goals.typeOther' } as const;

function datesOf(goal: GoalResponse): string {
  if (goal.starts_on && goal.ends_on) return t('content.goals.between', { from: formatDay(goal.starts_on), to: formatDay(goal.ends_on) });
  if (goal.starts_on) return t('content.goals.from', { date: formatDay(goal.starts_on) });
  if (goal.ends_on) return t('content.goals.until', { date: formatDay(goal.ends_on) });
  return t('content.goals.noDates');
}

export default function GoalsTab({ club }: ClubTabProps) {
  const canComplete = allowed(club, 'goal.complete');
  const goals = usePaged((cursor, signal) => get(`/api/clubs/${club.id}/goals`, goalPage, { signal, query: { limit: PAGE, cursor } }), [club.id]);
  useContentLive(club.id, ['goal'], goals.reload);

  if (!goals.items && goals.loading) return <Loading />;
  if (!goals.items) return <ErrorMessage error={goals.error} onRetry={goals.reload} />;
  const items = goals.items;
  const done = items.filter((goal) => goal.done).length;
  const replace = (next: GoalResponse) => goals.set((current) => current.map((goal) => (goal.id === next.id ? next : goal)));

  return (
    <section class="content-tab stack" aria-labelledby="goals-title">
      <h2 id="goals-title">{t('content.goals.title')}</h2>
      {items.length === 0 ? (
        <Empty>{t('content.goals.empty')}</Empty>
      ) : (
        <>
          <div class="content-summary">
            <p>{t('content.goals.progress', { done, total: items.length })}</p>
            <progress class="progress" max={items.length} value={done} aria-label={t('content.goals.progress', { done, total: items.length })} />
          </div>
          <ul class="list">
            {items.map((goal) => (
              <GoalRow key={goal.id} clubId={club.id} goal={goal} canComplete={canComplete} onChanged={replace} />
            ))}
          </ul>
          <ShowMore paged={goals} />
        </>
      )}
    </section>
  );
}

function GoalRow({ clubId, goal, canComplete, onChanged }: { clubId: number; goal: GoalResponse; canComplete: boolean; onChanged: (goal: GoalResponse) => void }) {
  const [state, run] = useAction();
  const toggle = () =>
    run(async () => {
      onChanged(await send('post', `/api/clubs/${clubId}/goals/${goal.id}/done`, goalDoneSchema, { done: !goal.done }, goalResponseSchema));
    });
  const pending = state.kind === 'pending';
  return (
    <li class={`content-goal${goal.done ? ' content-goal-done' : ''}`}>
      <div class="content-goal-main">
        <h3 class="content-goal-title">
          <span class="visually-hidden">{goal.done ? t('content.goals.doneMark') : t('content.goals.openMark')} </span>
          <span aria-hidden="true" class="content-goal-mark">
            {goal.done ? '✓' : '○'}
          </span>{' '}
          {goal.title}
        </h3>
        <p class="cluster small">
          <span class="tag">{t(TYPE_LABEL[goal.type])}</span>
          <span class="muted">{datesOf(goal)}</span>
          {goal.done && goal.done_at && <span class="muted">{t('content.goals.doneOn', { date: formatDate(goal.done_at) })}</span>}
        </p>
        {goal.explanation && <p class="content-text">{goal.explanation}</p>}
        {state.kind === 'failed' && (
          <p class="field-error" role="alert">
            {errorWords(state.error)}
          </p>
        )}
      </div>
      {canComplete && (
        <button
          type="button"
          class="btn btn-small"
          disabled={pending}
          aria-busy={pending}
          aria-label={pending ? undefined : t(goal.done ? 'content.goals.markOpenNamed' : 'content.goals.markDoneNamed', { title: goal.title })}
          onClick={() => void toggle()}
        >
          {pending ? t('content.saving') : goal.done ? t('content.goals.markOpen') : t('content.goals.markDone')}
        </button>
      )}
    </li>
  );
}
