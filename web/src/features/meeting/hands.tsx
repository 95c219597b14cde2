// Raised hands: the queue everyone sees beside the controls (first raised first), the host's
// "Lower hand" for each person, and a spoken line when someone raises theirs.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RaisedHand } from '../../../../shared/protocol/meetings-media.js';
import { formatNumber, t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';
import type { MeetingSession } from './media-session.js';
import './hands.css';

/** 1 for the first hand raised, null when the person's hand is down. */
export function handPosition(queue: RaisedHand[], userId: number | null): number | null {
  const index = queue.findIndex((h) => h.user_id === userId);
  return index < 0 ? null : index + 1;
}

export interface HandsQueueProps {
  session: MeetingSession;
  nameOf: (userId: number) => string;
  /** Owners and moderators lower others' hands. */
  mayLower: boolean;
}

export function HandsQueue({ session, nameOf, mayLower }: HandsQueueProps) {
  const queue = session.hands.value;
  const me = session.self.value.userId;
  const [pending, setPending] = useState<number | null>(null);
  if (queue.length === 0) return null;
  const lower = (userId: number) => {
    setPending(userId);
    const done = userId === me ? session.raiseHand(false) : session.lowerHand(userId);
    done.then(
      () => setPending(null),
      (err: unknown) => {
        setPending(null);
        notify(errorWords(err), 'error');
      },
    );
  };
  return (
    <section class="hands-queue" aria-labelledby="hands-title">
      <h2 id="hands-title" class="hands-title">
        {t('meeting.hands.title')}
      </h2>
      <ol class="hands-list">
        {queue.map((hand, index) => {
          const name = nameOf(hand.user_id);
          return (
            <li key={hand.user_id} class="hands-item">
              {/* The list tells screen readers the place; the number is for the eye. */}
              <span class="hands-place" aria-hidden="true">
                {formatNumber(index + 1)}.
              </span>
              <span class="hands-name">{hand.user_id === me ? t('meeting.room.you', { name }) : name}</span>
              {mayLower && hand.user_id !== me && (
                <button type="button" class="btn btn-small" disabled={pending === hand.user_id} onClick={() => lower(hand.user_id)}>
                  {t('meeting.hands.lowerOther')}
                  <span class="visually-hidden"> {t('meeting.hands.of', { name })}</span>
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Reads out who raised a hand (the queue itself is on screen). */
export function HandsAnnouncer({ session, nameOf }: { session: MeetingSession; nameOf: (userId: number) => string }) {
  const queue = session.hands.value;
  const me = session.self.value.userId;
  const seen = useRef<Set<number> | null>(null);
  const [line, setLine] = useState('');
  useEffect(() => {
    const before = seen.current;
    seen.current = new Set(queue.map((h) => h.user_id));
    // The queue one finds on joining is on screen; only what changes after is read out.
    if (!before) return;
    const raised = queue.filter((h) => !before.has(h.user_id));
    if (raised.length === 0) return;
    setLine(raised.map((h) => (h.user_id === me ? t('meeting.hands.youRaised', { position: handPosition(queue, me) ?? 0 }) : t('meeting.hands.raisedBy', { name: nameOf(h.user_id) }))).join(' '));
  }, [queue, me, nameOf]);
  return (
    <p class="visually-hidden" aria-live="polite">
      {line}
    </p>
  );
}
