// Editing the club (the owner): title, summary, detail, visibility, password, seats, keywords
// and the meeting schedule. Only what changed is sent; the server's field problems show under
// their fields.
import { useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { clubResponseSchema, clubUpdateSchema, type ClubResponse } from '../../../../shared/protocol/clubs.js';
import { toApiError, type ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { formatDate, t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { useFocusFirstProblem } from '../../ui/focus-problem.js';
import { notify } from '../../ui/toast.js';

type Update = z.input<typeof clubUpdateSchema>;
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
/** The paths this form has an input for; a problem elsewhere is said in the form's alert. */
const FIELD_PATHS = ['title', 'summary', 'detail', 'join_password', 'max_members', 'keywords', 'schedule.times', 'schedule.weekdays', 'schedule.start_time', 'schedule.duration_minutes', 'schedule.time_zone'];

function weekdayName(day: number): string {
  // 2023-01-01 was a Sunday (day 0).
  return formatDate(new Date(Date.UTC(2023, 0, 1 + day, 12)), { weekday: 'short', timeZone: 'UTC' });
}

export function ManageClub({ club, reloadClub }: { club: ClubResponse; reloadClub: () => void }) {
  const [title, setTitle] = useState(club.title);
  const [summary, setSummary] = useState(club.summary);
  const [detail, setDetail] = useState(club.detail ?? '');
  const [visibility, setVisibility] = useState(club.visibility);
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const [maxMembers, setMaxMembers] = useState(String(club.max_members));
  const [keywords, setKeywords] = useState(club.keywords.join(', '));
  const [hasSchedule, setHasSchedule] = useState(club.schedule !== null);
  const [times, setTimes] = useState(String(club.schedule?.times ?? 1));
  const [period, setPeriod] = useState<'week' | 'month'>(club.schedule?.period ?? 'week');
  const [weekdays, setWeekdays] = useState<number[]>(club.schedule?.weekdays ?? [4]);
  const [startTime, setStartTime] = useState(club.schedule?.start_time ?? '19:30');
  const [duration, setDuration] = useState(String(club.schedule?.duration_minutes ?? 90));
  const [zone, setZone] = useState(club.schedule?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstProblem(form, error);

  const changes = (): Update => {
    const body: Update = {};
    if (title !== club.title) body.title = title;
    if (summary !== club.summary) body.summary = summary;
    if (detail !== (club.detail ?? '')) body.detail = detail;
    if (visibility !== club.visibility) body.visibility = visibility;
    if (removePassword) body.join_password = null;
    else if (password) body.join_password = password;
    if (maxMembers !== String(club.max_members)) body.max_members = Number(maxMembers);
    const words = keywords.split(',').map((word) => word.trim()).filter(Boolean);
    if (words.join(',') !== club.keywords.join(',')) body.keywords = words;
    const schedule = hasSchedule
      ? { times: Number(times), period, weekdays, start_time: startTime, duration_minutes: Number(duration), time_zone: zone }
      : null;
    const before = club.schedule
      ? { times: club.schedule.times, period: club.schedule.period, weekdays: club.schedule.weekdays, start_time: club.schedule.start_time, duration_minutes: club.schedule.duration_minutes, time_zone: club.schedule.time_zone }
      : null;
    if (JSON.stringify(schedule) !== JSON.stringify(before)) body.schedule = schedule;
    return body;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const body = changes();
    if (Object.keys(body).length === 0) {
      notify(t('owner.club.nothing'), 'info');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await send('patch', `/api/clubs/${club.id}`, clubUpdateSchema, body, clubResponseSchema);
      notify(t('owner.club.saved'), 'success');
      setPassword('');
      setRemovePassword(false);
      reloadClub();
    } catch (err) {
      // Said once, in the form: under the fields it names, else in the alert above Save. (A toast
      // as well said it twice, and a second refusal stacked another copy.)
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  };

  const problems = [...(error?.fieldProblems() ?? new Map<string, string>())];
  // A field shows its own problems and those of its parts (keywords.3 under Keywords).
  const under = (key: string, path: string) => key === path || key.startsWith(`${path}.`);
  const problem = (path: string) => problems.find(([key]) => under(key, path))?.[1];
  // What no field shows (the body as a whole, a field this form has no input for) goes in the alert.
  const unplaced = problems.filter(([key]) => !FIELD_PATHS.some((path) => under(key, path))).map(([, words]) => words);
  const toggleDay = (day: number, on: boolean) => setWeekdays((days) => (on ? [...new Set([...days, day])].sort((a, b) => a - b) : days.filter((d) => d !== day)));

  return (
    <section class="card manage-section" aria-labelledby="manage-club">
      <h2 id="manage-club">{t('owner.manage.club')}</h2>
      <form ref={form} class="manage-form" onSubmit={(event) => void save(event)} noValidate>
        <Field label={t('owner.club.title')} value={title} onValue={setTitle} required maxLength={100} error={problem('title')} />
        <Field label={t('owner.club.summary')} value={summary} onValue={setSummary} maxLength={150} error={problem('summary')} />
        <Field label={t('owner.club.detail')} value={detail} onValue={setDetail} multiline rows={5} maxLength={10_000} error={problem('detail')} />
        <fieldset class="manage-fieldset">
          <legend>{t('owner.club.visibility')}</legend>
          <label class="checkbox">
            <input type="radio" name="visibility" value="public" checked={visibility === 'public'} onChange={() => setVisibility('public')} />
            {t('owner.club.public')}
          </label>
          <label class="checkbox">
            <input type="radio" name="visibility" value="private" checked={visibility === 'private'} onChange={() => setVisibility('private')} />
            {t('owner.club.private')}
          </label>
        </fieldset>
        <fieldset class="manage-fieldset">
          <legend>{t('owner.club.password')}</legend>
          <p class="muted small">{club.has_password ? t('owner.club.passwordSet') : t('owner.club.passwordNone')}</p>
          {!removePassword && (
            <Field label={t('owner.club.newPassword')} type="password" autoComplete="new-password" value={password} onValue={setPassword} minLength={6} maxLength={128} hint={t('owner.club.passwordHint')} error={problem('join_password')} />
          )}
          {club.has_password && (
            <label class="checkbox">
              <input type="checkbox" checked={removePassword} onChange={(event) => setRemovePassword(event.currentTarget.checked)} />
              {t('owner.club.removePassword')}
            </label>
          )}
        </fieldset>
        <Field label={t('owner.club.maxMembers')} type="number" min={1} value={maxMembers} onValue={setMaxMembers} error={problem('max_members')} hint={t('owner.club.maxMembersHint', { count: club.member_count })} />
        <Field label={t('owner.club.keywords')} value={keywords} onValue={setKeywords} hint={t('owner.club.keywordsHint')} error={problem('keywords')} />
        <fieldset class="manage-fieldset">
          <legend>{t('owner.club.schedule')}</legend>
          <label class="checkbox">
            <input type="checkbox" checked={hasSchedule} onChange={(event) => setHasSchedule(event.currentTarget.checked)} />
            {t('owner.club.hasSchedule')}
          </label>
          {hasSchedule && (
            <div class="manage-form">
              <div class="cluster">
                <Field label={t('owner.club.times')} type="number" min={1} max={31} value={times} onValue={setTimes} error={problem('schedule.times')} />
                <div class="field">
                  <label for="schedule-period">{t('owner.club.period')}</label>
                  <select id="schedule-period" value={period} onChange={(event) => setPeriod(event.currentTarget.value as 'week' | 'month')}>
                    <option value="week">{t('owner.club.perWeek')}</option>
                    <option value="month">{t('owner.club.perMonth')}</option>
                  </select>
                </div>
              </div>
              <fieldset class="manage-fieldset">
                <legend>{t('owner.club.weekdays')}</legend>
                <div class="weekday-picks">
                  {WEEKDAYS.map((day) => (
                    <label key={day} class="checkbox">
                      <input
                        type="checkbox"
                        checked={weekdays.includes(day)}
                        onChange={(event) => toggleDay(day, event.currentTarget.checked)}
                        aria-invalid={problem('schedule.weekdays') ? true : undefined}
                        aria-describedby={problem('schedule.weekdays') ? 'manage-club-weekdays-error' : undefined}
                      />
                      {weekdayName(day)}
                    </label>
                  ))}
                </div>
                {problem('schedule.weekdays') && (
                  <p class="field-error" id="manage-club-weekdays-error">
                    {problem('schedule.weekdays')}
                  </p>
                )}
              </fieldset>
              <div class="cluster">
                <Field label={t('owner.club.startTime')} type="time" value={startTime} onValue={setStartTime} error={problem('schedule.start_time')} />
                <Field label={t('owner.club.duration')} type="number" min={15} max={720} value={duration} onValue={setDuration} error={problem('schedule.duration_minutes')} />
              </div>
              <Field label={t('owner.club.timeZone')} value={zone} onValue={setZone} hint={t('owner.club.timeZoneHint')} error={problem('schedule.time_zone')} />
            </div>
          )}
        </fieldset>
        {error && (problems.length === 0 || unplaced.length > 0) && (
          <p class="status status-error" role="alert" tabIndex={-1}>
            {problems.length === 0 ? errorWords(error) : unplaced.join(' ')}
          </p>
        )}
        <div>
          <button type="submit" class="btn btn-primary" disabled={saving}>
            {saving ? t('owner.saving') : t('owner.club.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
