// The meeting's summary: key points, decisions, open questions and action items, each with the
// lines it came from. A transcript citation is a button that shows that line in the transcript;
// a minutes citation shows the cited paragraph in the minutes.
import type { Citation, SummaryContent, SummaryItem, SummaryResponse } from '../../../../../shared/protocol/intelligence.js';
import { summaryResponseSchema } from '../../../../../shared/protocol/intelligence.js';
import { act } from '../../../api/http.js';
import { formatDateTime, t, type MessageKey } from '../../../i18n/index.js';
import { errorWords } from '../../../ui/errors.js';
import { Loading } from '../../../ui/status.js';
import { useState } from 'preact/hooks';
import { knownNames } from './names.js';
import { speakerName } from './transcript-pane.js';
import { clockOf } from './transcript-lines.js';

interface Props {
  meetingId: number;
  summary: SummaryResponse | null;
  /** Still asking the server whether there is one. */
  loading: boolean;
  mayCreate: boolean;
  onSummary: (summary: SummaryResponse) => void;
  onCite: (citation: Citation) => void;
}

function CitationButton({ citation, n, onCite }: { citation: Citation; n: number; onCite: (c: Citation) => void }) {
  const names = knownNames.value;
  const label =
    citation.kind === 'segment'
      ? t('meeting.summary.citeLine', { n, name: citation.speaker_name ?? speakerName(citation.speaker_id, names), time: clockOf(citation.start_ms) })
      : t('meeting.summary.citeMinutes', { n });
  return (
    <button type="button" class="citation" onClick={() => onCite(citation)} aria-label={label} title={citation.quote}>
      {n}
    </button>
  );
}

function Items({ title, items, onCite, detail }: { title: MessageKey; items: SummaryItem[]; onCite: (c: Citation) => void; detail?: (i: number) => string | null }) {
  if (items.length === 0) return null;
  return (
    <section class="summary-section">
      <h3>{t(title)}</h3>
      <ul class="summary-items">
        {items.map((item, i) => (
          <li key={i}>
            <span>{item.text}</span>
            {detail?.(i) && <span class="muted small"> {detail(i)}</span>}{' '}
            <span class="citations">
              {item.citations.map((c, j) => (
                <CitationButton key={j} citation={c} n={j + 1} onCite={onCite} />
              ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Content({ content, onCite }: { content: SummaryContent; onCite: (c: Citation) => void }) {
  const actions = content.action_items;
  const actionDetail = (i: number): string | null => {
    const a = actions[i];
    if (!a) return null;
    const who = a.who?.name ?? t('meeting.summary.everyone');
    return a.by_when ? t('meeting.summary.actionWhoWhen', { who, when: a.by_when }) : t('meeting.summary.actionWho', { who });
  };
  const empty = content.key_points.length + content.decisions.length + content.open_questions.length + actions.length === 0;
  return (
    <div class="summary-content">
      <p class="muted small">{t('meeting.summary.generatedAt', { when: formatDateTime(content.generated_at) })}</p>
      {empty && <p class="muted">{t('meeting.summary.nothing')}</p>}
      <Items title="meeting.summary.keyPoints" items={content.key_points} onCite={onCite} />
      <Items title="meeting.summary.decisions" items={content.decisions} onCite={onCite} />
      <Items title="meeting.summary.openQuestions" items={content.open_questions} onCite={onCite} />
      <Items title="meeting.summary.actionItems" items={actions.map((a) => ({ ...a, text: a.what || a.text }))} onCite={onCite} detail={actionDetail} />
    </div>
  );
}

export function SummaryPane({ meetingId, summary, loading, mayCreate, onSummary, onCite }: Props) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const create = () => {
    setPending(true);
    setError(null);
    act('post', `/api/meetings/${meetingId}/summary`, summaryResponseSchema).then(
      (answer) => {
        setPending(false);
        onSummary(answer);
      },
      (err: unknown) => {
        setPending(false);
        setError(err);
      },
    );
  };

  if (loading && !summary) return <Loading label={t('meeting.summary.loading')} />;
  const working = summary?.status === 'queued' || summary?.status === 'running';
  return (
    <div class="summary-pane">
      {summary?.summary && <Content content={summary.summary} onCite={onCite} />}
      {working && <Loading label={t('meeting.summary.working')} />}
      {summary?.status === 'failed' && <p class="status status-error">{t('meeting.summary.failed')}</p>}
      {!summary?.summary && !working && summary?.status !== 'failed' && <p class="muted">{t('meeting.summary.none')}</p>}
      {mayCreate && !working && (
        <p>
          <button type="button" class="btn" onClick={create} disabled={pending} aria-busy={pending}>
            {pending ? t('meeting.summary.creating') : summary?.summary ? t('meeting.summary.again') : t('meeting.summary.create')}
          </button>
        </p>
      )}
      {error !== null && (
        <p class="status status-error" role="alert">
          {errorWords(error)}
        </p>
      )}
    </div>
  );
}
