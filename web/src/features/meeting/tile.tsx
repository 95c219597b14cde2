// One person (or one shared screen) in the grid: their video or initials, their name, whether
// they are muted or speaking, the connection hint, and the host's actions for them.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';
import type { MeetingSession, RemotePeer } from './media-session.js';
import { useQuality, type Quality } from './quality.js';

const QUALITY_KEY = {
  good: 'meeting.room.quality.good',
  fair: 'meeting.room.quality.fair',
  poor: 'meeting.room.quality.poor',
  unknown: 'meeting.room.quality.unknown',
} as const;

function Video({ track, mirror, label }: { track: MediaStreamTrack; mirror?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [track]);
  return <video ref={ref} class={mirror ? 'tile-video mirror' : 'tile-video'} autoPlay playsInline muted aria-label={label} />;
}

/** Remote voices play through a hidden element each (a video element carries no audio here). */
export function RemoteAudio({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = new MediaStream([track]);
    void audio.play().catch(() => undefined);
    return () => {
      audio.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay />;
}

function initials(name: string): string {
  return name.trim().slice(0, 2).toUpperCase();
}

export interface TileProps {
  session: MeetingSession;
  name: string;
  /** The person's user id (for the layers a tile asks for and the host's actions). */
  userId: number;
  self: boolean;
  track: MediaStreamTrack | null;
  source: 'camera' | 'screen';
  micOff: boolean;
  speaking: boolean;
  recovering: boolean;
  peer?: RemotePeer;
  moderate: boolean;
  /** Place in the raised-hands queue (1 first), or null when the hand is down. */
  hand?: number | null;
}

export function Tile(props: TileProps) {
  const { session, name, userId, self, track, source } = props;
  const box = useRef<HTMLDivElement>(null);
  // Small tiles ask the SFU for a low simulcast layer: a thumbnail needs no HD.
  useEffect(() => {
    const element = box.current;
    if (!element || self || !track) return;
    const observer = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width ?? 0;
      if (width > 0) session.preferWidth(userId, source, width * Math.min(2, window.devicePixelRatio || 1));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [session, userId, source, self, track]);

  const reader = useMemo(() => (self ? () => session.ownStats() : () => session.statsOf(userId)), [session, self, userId]);
  const quality: Quality = useQuality(source === 'camera' ? reader : null, self ? 'out' : 'in', !props.recovering);
  const label = source === 'screen' ? t('meeting.room.screenOf', { name }) : self ? t('meeting.room.you', { name }) : name;

  return (
    <div ref={box} class={`tile${props.speaking ? ' tile-speaking' : ''}${source === 'screen' ? ' tile-screen' : ''}`} role="group" aria-label={label}>
      {track ? <Video track={track} mirror={self && source === 'camera'} label={label} /> : (
        <div class="tile-placeholder" aria-hidden="true">
          <span class="tile-initials">{initials(name)}</span>
        </div>
      )}
      {props.recovering && (
        <div class="tile-recovering" role="status">
          <span class="spinner" aria-hidden="true" /> {t('meeting.room.mediaRecovering')}
        </div>
      )}
      <div class="tile-bar">
        <span class="tile-name">{label}</span>
        {source === 'camera' && props.hand != null && (
          <span class="tile-flag tile-hand">{t('meeting.hands.badge', { position: props.hand })}</span>
        )}
        {source === 'camera' && props.micOff && <span class="tile-flag">{props.peer?.rights.mic_locked ? t('meeting.people.mutedByHost') : t('meeting.room.micOff')}</span>}
        {source === 'camera' && props.peer && !props.peer.rights.can_publish && <span class="tile-flag">{t('meeting.people.cannotShare')}</span>}
        {props.speaking && <span class="visually-hidden">{t('meeting.room.speaking')}</span>}
        {source === 'camera' && quality !== 'unknown' && (
          <span class={`tile-quality quality-${quality}`} title={t(QUALITY_KEY[quality])}>
            <span aria-hidden="true" class="quality-bars">
              <i />
              <i />
              <i />
            </span>
            <span class="visually-hidden">{t(QUALITY_KEY[quality])}</span>
          </span>
        )}
        {props.moderate && props.peer && source === 'camera' && <HostMenu session={session} peer={props.peer} name={name} />}
      </div>
    </div>
  );
}

function HostMenu({ session, peer, name }: { session: MeetingSession; peer: RemotePeer; name: string }) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const run = (action: () => Promise<unknown>) => {
    setPending(true);
    action().then(
      () => {
        setPending(false);
        setOpen(false);
        setConfirmRemove(false);
        button.current?.focus();
      },
      (err: unknown) => {
        setPending(false);
        notify(errorWords(err), 'error');
      },
    );
  };
  const hasCamera = peer.producers.some((p) => p.source === 'camera' || p.source === 'screen');
  return (
    <div class="host-menu">
      <button
        ref={button}
        type="button"
        class="btn-icon tile-menu-button"
        aria-expanded={open}
        aria-label={t('meeting.people.actionsFor', { name })}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => e.key === 'Escape' && open && (e.stopPropagation(), setOpen(false))}
      >
        ⋯
      </button>
      {open && (
        <div class="host-menu-list" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setOpen(false), button.current?.focus())}>
          {peer.rights.mic_locked ? (
            <button type="button" class="btn btn-small" disabled={pending} onClick={() => run(() => session.muteMember(peer.userId, false))}>
              {t('meeting.people.allowUnmute')}
            </button>
          ) : (
            <button type="button" class="btn btn-small" disabled={pending} onClick={() => run(() => session.muteMember(peer.userId, true))}>
              {t('meeting.people.mute')}
            </button>
          )}
          {hasCamera && (
            <button type="button" class="btn btn-small" disabled={pending} onClick={() => run(() => session.stopVideo(peer.userId))}>
              {t('meeting.people.stopVideo')}
            </button>
          )}
          <button type="button" class="btn btn-small" disabled={pending} onClick={() => run(() => session.setPublishing(peer.userId, !peer.rights.can_publish))}>
            {peer.rights.can_publish ? t('meeting.people.revoke') : t('meeting.people.grant')}
          </button>
          {confirmRemove ? (
            <button type="button" class="btn btn-small btn-danger" disabled={pending} onClick={() => run(() => session.removeMember(peer.userId))}>
              {t('meeting.people.removeConfirm', { name })}
            </button>
          ) : (
            <button type="button" class="btn btn-small btn-danger" disabled={pending} onClick={() => setConfirmRemove(true)}>
              {t('meeting.people.remove')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
