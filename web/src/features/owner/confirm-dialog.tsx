// "Are you sure?" before a destructive action: a modal <dialog> (the browser traps focus in
// it and Esc cancels), focus back on what opened it afterwards.
import { useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { t } from '../../i18n/index.js';

interface Question {
  title: string;
  body: string;
  confirm: string;
  resolve: (yes: boolean) => void;
}

export function useConfirm(): [JSX.Element | null, (title: string, body: string, confirm: string) => Promise<boolean>] {
  const [question, setQuestion] = useState<Question | null>(null);
  const opener = useRef<HTMLElement | null>(null);

  const ask = (title: string, body: string, confirm: string) =>
    new Promise<boolean>((resolve) => {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setQuestion({ title, body, confirm, resolve });
    });

  const answer = (yes: boolean) => {
    question?.resolve(yes);
    setQuestion(null);
    opener.current?.focus();
  };

  const element = question ? (
    <dialog
      class="confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      ref={(node) => {
        if (node && !node.open) node.showModal();
      }}
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      <h2 id="confirm-title">{question.title}</h2>
      <p id="confirm-body">{question.body}</p>
      <div class="cluster">
        <button type="button" class="btn btn-danger" onClick={() => answer(true)}>
          {question.confirm}
        </button>
        <button type="button" class="btn" onClick={() => answer(false)} autoFocus>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  ) : null;
  return [element, ask];
}
