// Create a club: kind, name, words about it, who can find it, seats, keywords and, if it meets
// regularly, when. The body is checked against clubCreateSchema before it is sent; then the new
// club opens.
import { useMemo, useRef, useState } from 'preact/hooks';
import { clubCreateSchema, clubResponseSchema, type ClubCreate } from '../../../../shared/protocol/clubs.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { t, type MessageKey } from '../../i18n/index.js';
import type { RouteProps } from '../../routes.js';
import { navigate } from '../../router.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { useFocusFirstProblem } from '../../ui/focus-problem.js';
import { Page } from '../../ui/page.js';
import { notify } from '../../ui/toast.js';
import { kindWords, visibilityWords, weekdayWords } from './club-words.js';
import './club.css';

type Kind = ClubCreate['kind'];
type Visibility = NonNullable<ClubCreate['visibility']>;

function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function Choice<V extends string>({ legend, name, value, options, words, hint, onValue }: { legend: string; name: string; value: V; options: readonly V[]; words: (v: V) => string; hint?: string; onValue: (v: V) => void }) {
  return (
    <fieldset class="field club-choice">
      <legend class="field-label">{legend}</legend>
      <div class="cluster">
        {options.map((option) => (
          <label key={option} class="checkbox">
            <input type="radio" name={name} value={option} checked={value === option} onChange={() => onValue(option)} /> {words(option)}
          </label>
        ))}
      </div>
      {hint && <p class="field-hint">{hint}</p>}
    </fieldset>
  );
}

export default function NewClubPage(_props: RouteProps) {
  const [kind, setKind] = useState<Kind>('book');
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [detail, setDetail] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [maxMembers, setMaxMembers] = useState('6');
  const [keywords, setKeywords] = useState('');
  const [password, setPassword] = useState('');
  const [regular, setRegular] = useState(false);
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [startTime, setStartTime] = useState('19:30');
  const [duration, setDuration] = useState('90');
  const zone = useMemo(viewerZone, []);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstProblem(form, error);
  // Each problem in the viewer's words, from its code and numbers (ui/field-problem-words.ts);
  // a few fields say every problem they can have in one sentence of their own. The seats have
  // several (below 1, over the server's limit, not whole), so they keep the problem's own words.
  const problems = error?.fieldProblems() ?? new Map<string, string>();
  const known: Partial<Record<string, MessageKey>> = {
    title: 'club.new.problem.title',
    join_password: 'club.new.problem.password',
    'schedule.weekdays': 'club.new.problem.weekdays',
    'schedule.duration_minutes': 'club.new.problem.duration',
  };
  const problem = (path: string): string | undefined => {
    const words = problems.get(path) ?? [...problems].find(([key]) => key.startsWith(`${path}.`))?.[1];
    const key = known[path];
    return words && key ? t(key) : words;
  };
  const weekdaysProblem = problem('schedule.weekdays');

  const body = (): ClubCreate => ({
    kind,
    title,
    summary,
    detail,
    visibility,
    max_members: Number(maxMembers),
    keywords: keywords
      .split(/[,，、]/)
      .map((word) => word.trim())
      .filter(Boolean),
    ...(visibility === 'private' && password ? { join_password: password } : {}),
    ...(regular ? { schedule: { times: Math.max(1, weekdays.length), period: 'week' as const, weekdays, start_time: startTime, duration_minutes: Number(duration), time_zone: zone } } : {}),
  });

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const club = await send('post', '/api/clubs', clubCreateSchema, body(), clubResponseSchema);
      notify(t('club.new.created'), 'success');
      navigate(`/clubs/${club.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('unexpected', String(err)));
      setPending(false);
    }
  };

  const toggleDay = (day: number) => setWeekdays((days) => (days.includes(day) ? days.filter((d) => d !== day) : [...days, day].sort((a, b) => a - b)));

  return (
    <Page title={t('club.new.title')}>
      <p class="muted prose">{t('club.new.intro')}</p>
      <form ref={form} class="form-wide" onSubmit={(event) => void onSubmit(event)} noValidate>
        <Choice legend={t('club.new.kind')} name="kind" value={kind} options={['book', 'study'] as const} words={kindWords} onValue={setKind} />
        <Field label={t('club.new.name')} value={title} onValue={setTitle} required maxLength={100} error={problem('title')} autoFocus />
        <Field label={t('club.new.summary')} value={summary} onValue={setSummary} maxLength={150} hint={t('club.new.summaryHint')} error={problem('summary')} />
        <Field label={t('club.new.detail')} value={detail} onValue={setDetail} multiline rows={5} hint={t('club.new.detailHint')} error={problem('detail')} />
        <Choice
          legend={t('club.new.visibility')}
          name="visibility"
          value={visibility}
          options={['public', 'private'] as const}
          words={visibilityWords}
          hint={visibility === 'public' ? t('club.new.visibility.publicHint') : t('club.new.visibility.privateHint')}
          onValue={setVisibility}
        />
        {visibility === 'private' && (
          <Field label={t('club.new.password')} type="password" autoComplete="new-password" value={password} onValue={setPassword} hint={t('club.new.passwordHint')} error={problem('join_password')} />
        )}
        <Field label={t('club.new.maxMembers')} type="number" min={1} value={maxMembers} onValue={setMaxMembers} hint={t('club.new.maxMembersHint')} error={problem('max_members')} />
        <Field label={t('club.new.keywords')} value={keywords} onValue={setKeywords} hint={t('club.new.keywordsHint')} error={problem('keywords')} />
        <label class="checkbox">
          <input type="checkbox" checked={regular} onChange={(event) => setRegular(event.currentTarget.checked)} /> {t('club.new.schedule')}
        </label>
        {regular && (
          <div class="card club-schedule-fields">
            <fieldset class="field">
              <legend class="field-label">{t('club.new.weekdays')}</legend>
              <div class="cluster">
                {[1, 2, 3, 4, 5, 6, 0].map((day) => (
                  <label key={day} class="checkbox">
                    <input
                      type="checkbox"
                      checked={weekdays.includes(day)}
                      onChange={() => toggleDay(day)}
                      aria-invalid={weekdaysProblem ? true : undefined}
                      aria-describedby={weekdaysProblem ? 'new-club-weekdays-error' : undefined}
                    />{' '}
                    {weekdayWords(day, 'short')}
                  </label>
                ))}
              </div>
              {weekdaysProblem && (
                <p class="field-error" id="new-club-weekdays-error">
                  {weekdaysProblem}
                </p>
              )}
            </fieldset>
            <Field label={t('club.new.startTime')} type="time" value={startTime} onValue={setStartTime} error={problem('schedule.start_time')} />
            <Field label={t('club.new.duration')} type="number" min={15} max={720} value={duration} onValue={setDuration} error={problem('schedule.duration_minutes')} />
            <p class="small muted">
              {t('club.new.timeZone')}: {zone}
            </p>
          </div>
        )}
        {error && (
          <p class="status status-error" role="alert" tabIndex={-1}>
            {errorWords(error)}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={pending} aria-busy={pending}>
          {pending ? t('club.new.pending') : t('club.new.submit')}
        </button>
      </form>
    </Page>
  );
}
