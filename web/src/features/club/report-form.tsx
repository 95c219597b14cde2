// Reporting a post or a comment to the club's hosts: a Report button that opens a short form
// (why, and anything they should know), then thanks in its place. Focus moves into the form when
// it opens and back to the button when it is cancelled (Esc cancels too), or onto the thanks.
import type { JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { REPORT_DETAIL_MAX, REPORT_REASONS, reportCreateSchema, reportResponseSchema, type ReportReason } from '../../../../shared/protocol/posts.js';
import { ApiError } from '../../api/errors.js';
import { send } from '../../api/http.js';
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { useAction } from './content-common.js';

export type ReportTarget = { post_id: number } | { comment_id: number };
type Outcome = 'sent' | 'already';

interface ReportWords {
  /** The button's name: starts with its visible "Report" and says what it reports. */
  open: string;
  /** The form's title. */
  heading: string;
}

/**
 * The Report button (to sit with the item's other actions) and its panel (the form, or the
 * thanks once sent, to sit below them). Both null when `enabled` is false.
 */
export function useReport(target: ReportTarget, words: ReportWords, enabled: boolean): { button: JSX.Element | null; panel: JSX.Element | null } {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const said = useRef<HTMLParagraphElement>(null);
  const focusNext = useRef<'opener' | 'said' | null>(null);
  useEffect(() => {
    if (focusNext.current === 'opener') opener.current?.focus();
    else if (focusNext.current === 'said') said.current?.focus();
    focusNext.current = null;
  });
  if (!enabled) return { button: null, panel: null };

  const close = () => {
    focusNext.current = 'opener';
    setOpen(false);
  };
  const done = (result: Outcome) => {
    focusNext.current = 'said';
    setOpen(false);
    setOutcome(result);
  };

  const button =
    outcome === null && !open ? (
      <button type="button" ref={opener} class="btn btn-small btn-quiet" aria-label={words.open} onClick={() => setOpen(true)}>
        {t('content.report.open')}
      </button>
    ) : null;
  const panel = outcome ? (
    <p ref={said} tabIndex={-1} class="small content-ok" role="status">
      {t(outcome === 'sent' ? 'content.report.thanks' : 'content.report.already')}
    </p>
  ) : open ? (
    <ReportForm target={target} heading={words.heading} onDone={done} onCancel={close} />
  ) : null;
  return { button, panel };
}

function ReportForm({ target, heading, onDone, onCancel }: { target: ReportTarget; heading: string; onDone: (outcome: Outcome) => void; onCancel: () => void }) {
  const id = useId();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [detail, setDetail] = useState('');
  const [state, run] = useAction();
  const choices = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    choices.current?.querySelector('input')?.focus();
  }, []);
  const pending = state.kind === 'pending';
  const error = state.kind === 'failed' ? state.error : null;
  const problems = error instanceof ApiError ? error.fieldProblems() : new Map<string, string>();

  const submit = (event: Event) => {
    event.preventDefault();
    // The radios are required, so the browser asks for a reason before this runs.
    if (reason === null) return;
    void run(async () => {
      try {
        await send('post', '/api/reports', reportCreateSchema, { ...target, reason, detail }, reportResponseSchema);
        onDone('sent');
      } catch (err) {
        // Reported before (in another tab, or before a reload): the hosts have it all the same.
        if (err instanceof ApiError && err.code === 'conflict') onDone('already');
        else throw err;
      }
    });
  };

  return (
    <form
      class="card content-report stack"
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <p id={`${id}-title`} class="content-report-title">
        {heading}
      </p>
      <fieldset ref={choices} class="content-report-reasons" aria-describedby={`${id}-hint`}>
        <legend>{t('content.report.reason')}</legend>
        {REPORT_REASONS.map((value) => (
          <label key={value} class="content-radio">
            <input type="radio" name={`${id}-reason`} value={value} checked={reason === value} required onChange={() => setReason(value)} />
            {t(`content.report.reason.${value}`)}
          </label>
        ))}
      </fieldset>
      <p id={`${id}-hint`} class="small muted">
        {t('content.report.hint')}
      </p>
      <Field label={t('content.report.detail')} value={detail} onValue={setDetail} multiline rows={3} maxLength={REPORT_DETAIL_MAX} error={problems.get('detail')} />
      <div class="cluster">
        <button type="submit" class="btn btn-primary btn-small" disabled={pending} aria-busy={pending}>
          {pending ? t('content.sending') : t('content.report.send')}
        </button>
        <button type="button" class="btn btn-quiet btn-small" onClick={onCancel} disabled={pending}>
          {t('content.cancel')}
        </button>
      </div>
      {error !== null && problems.size === 0 && (
        <p class="field-error" role="alert">
          {errorWords(error)}
        </p>
      )}
    </form>
  );
}
