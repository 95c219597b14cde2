// The header's live count of knocks waiting for this person, with a popover to answer them
// where they are (like a meeting lobby's "someone wants to join"). The count is announced to
// screen readers as it changes; a soft chime is there for those who turn it on.
import { useSignalEffect } from '@preact/signals';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { session } from '../../api/session.js';
import { t, tn } from '../../i18n/index.js';
import { KnockList } from './knock-list.js';
import { knockSoundOn, playKnockSound, setKnockSound } from './knock-sound.js';
import { followKnocks, knockArrivals, waitingKnocks } from './knocks-store.js';
import './owner.css';

/** A door, drawn inline (no icon font or image file), in the text colour. */
function DoorIcon() {
  return (
    <svg class="knock-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d="M5 21V4a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v17M3 21h18M16 5h3v16" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
      <circle cx="12.5" cy="12.5" r="1.1" fill="currentColor" />
    </svg>
  );
}

export function KnockBadge() {
  const userId = session.value?.userId;
  const [open, setOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();

  useEffect(() => {
    if (userId !== undefined) followKnocks();
  }, [userId]);

  // A new knock: say so (and chime, when asked to).
  const seen = useRef(knockArrivals.peek());
  useSignalEffect(() => {
    const arrivals = knockArrivals.value;
    if (arrivals === seen.current) return;
    seen.current = arrivals;
    setAnnouncement(tn('owner.badge.announce', waitingKnocks.peek().length));
    playKnockSound();
  });

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close(true);
    };
    const onPointer = (event: PointerEvent) => {
      if (wrapper.current && !wrapper.current.contains(event.target as Node)) close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const knocks = waitingKnocks.value;
  const count = knocks.length;
  return (
    <div class="knock-badge" ref={wrapper}>
      <button
        ref={button}
        type="button"
        class={`btn btn-quiet knock-button${count > 0 ? ' has-knocks' : ''}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <DoorIcon />
        <span class="knock-label">{t('owner.badge.label')}</span>
        <span class="visually-hidden">{tn('owner.badge.count', count)}</span>
        {count > 0 && (
          <span class="badge knock-count" aria-hidden="true">
            {count}
          </span>
        )}
      </button>
      <p class="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </p>
      {open && (
        <div ref={panel} id={panelId} class="knock-popover card" role="region" aria-labelledby={headingId} tabIndex={-1}>
          <div class="knock-popover-head">
            <h2 id={headingId}>{t('owner.badge.title')}</h2>
            <button type="button" class="btn-icon" aria-label={t('common.close')} onClick={() => close(true)}>
              ×
            </button>
          </div>
          <KnockList knocks={knocks} showClub />
          <label class="checkbox knock-sound">
            <input type="checkbox" checked={knockSoundOn.value} onChange={(event) => setKnockSound(event.currentTarget.checked)} />
            {t('owner.badge.sound')}
          </label>
        </div>
      )}
    </div>
  );
}
