// The meeting room: the grid of people, the control bar, the side panel beside the video, the
// recovery messages, the raised hands and the keyboard shortcuts (M, V, H, Esc, ?).
import { useEffect, useRef, useState } from 'preact/hooks';
import { can, type Role } from '../../../../shared/permissions.js';
import { t, tn } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';
import { SidePanel } from './panel/side-panel.js';
import { DevicePicker } from './prejoin.js';
import { useDeviceLists } from './devices.js';
import { handPosition, HandsAnnouncer, HandsQueue } from './hands.js';
import type { MeetingSession } from './media-session.js';
import { RemoteAudio, Tile } from './tile.js';

export interface RoomProps {
  session: MeetingSession;
  clubId: number;
  role: Role;
  moderate: boolean;
  mayEnd: boolean;
  nameOf: (userId: number) => string;
  onLeave: () => void;
}

/** Columns for n tiles: one person fills the room, twelve sit four abreast. */
function columnsFor(count: number): number {
  if (count <= 1) return 1;
  if (count <= 4) return 2;
  if (count <= 9) return 3;
  return 4;
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function Room({ session, clubId, role, moderate, mayEnd, nameOf, onLeave }: RoomProps) {
  const self = session.self.value;
  const peers = session.peers.value;
  const speaker = session.activeSpeaker.value;
  const recovering = session.mediaRecovering.value;
  const state = session.state.value;
  const hands = session.hands.value;
  const handUp = handPosition(hands, self.userId) !== null;
  const [panelOpen, setPanelOpen] = useState(true);
  const [helpOpen, setHelpOpen] = useState(false);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);

  const act = (name: string, action: () => Promise<unknown>, errorKey?: 'meeting.controls.deviceError' | 'meeting.controls.screenError') => {
    setBusy(name);
    action().then(
      () => setBusy(null),
      (err: unknown) => {
        setBusy(null);
        // A device the browser refused has no server code: say it plainly.
        notify(err instanceof DOMException && errorKey ? t(errorKey) : errorWords(err), 'error');
      },
    );
  };
  const toggleMic = () => act('mic', () => session.setMic(!session.self.value.mic), 'meeting.controls.deviceError');
  const toggleCamera = () => act('camera', () => session.setCamera(!session.self.value.camera), 'meeting.controls.deviceError');
  const toggleHand = () => act('hand', () => session.raiseHand(handPosition(session.hands.value, session.self.value.userId) === null));

  // Shortcuts read the session's current state, not this render's.
  const keys = useRef({ toggleMic, toggleCamera, toggleHand, panelOpen, helpOpen });
  keys.current = { toggleMic, toggleCamera, toggleHand, panelOpen, helpOpen };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      const current = keys.current;
      if (event.key === 'm' || event.key === 'M') current.toggleMic();
      else if (event.key === 'v' || event.key === 'V') current.toggleCamera();
      else if (event.key === 'h' || event.key === 'H') current.toggleHand();
      else if (event.key === '?') setHelpOpen(true);
      else if (event.key === 'Escape' && current.panelOpen && !current.helpOpen) setPanelOpen(false);
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const selfName = self.userId ? nameOf(self.userId) : '';
  const tiles = [
    <Tile key="self" session={session} userId={self.userId ?? 0} name={selfName} self track={self.camera ? self.cameraTrack : null} source="camera" micOff={!self.mic} speaking={speaker === self.userId} recovering={recovering.send} moderate={false} hand={handPosition(hands, self.userId)} />,
    ...(self.screen && self.screenTrack
      ? [<Tile key="self-screen" session={session} userId={self.userId ?? 0} name={selfName} self track={self.screenTrack} source="screen" micOff={false} speaking={false} recovering={recovering.send} moderate={false} />]
      : []),
    ...peers.flatMap((peer) => {
      const mic = peer.producers.find((p) => p.source === 'mic');
      const camera = peer.producers.find((p) => p.source === 'camera');
      const name = nameOf(peer.userId);
      const cameraTrack = camera && !camera.paused ? (peer.tracks.camera ?? null) : null;
      const list = [
        <Tile key={`p${peer.userId}`} session={session} userId={peer.userId} name={name} self={false} track={cameraTrack} source="camera" micOff={!mic || mic.paused} speaking={speaker === peer.userId} recovering={recovering.recv} peer={peer} moderate={moderate} hand={handPosition(hands, peer.userId)} />,
      ];
      if (peer.tracks.screen) list.push(<Tile key={`s${peer.userId}`} session={session} userId={peer.userId} name={name} self={false} track={peer.tracks.screen} source="screen" micOff={false} speaking={false} recovering={recovering.recv} moderate={false} />);
      return list;
    }),
  ];

  return (
    <div class={`room${panelOpen ? ' room-with-panel' : ''}`}>
      <RoomStatus session={session} />
      <div class="room-main">
        <section class="room-stage" aria-label={t('meeting.room.video')}>
          <p class="visually-hidden" aria-live="polite">
            {tn('meeting.room.peopleCount', peers.length + 1, { count: peers.length + 1 })}
          </p>
          <div class="grid-tiles" style={{ '--cols': String(columnsFor(tiles.length)) }}>
            {tiles}
          </div>
          {peers.length === 0 && state.kind === 'live' && <p class="muted room-alone">{t('meeting.room.alone')}</p>}
          {peers.map((peer) => peer.tracks.mic && <RemoteAudio key={`a${peer.userId}`} track={peer.tracks.mic} />)}
        </section>
        {panelOpen && (
          <div class="room-panel">
            <SidePanel meetingId={session.meetingId} clubId={clubId} role={role} ended={false} transcription={session.transcription.value} />
          </div>
        )}
      </div>
      <HandsQueue session={session} nameOf={nameOf} mayLower={can(role, 'meeting.lower_hands')} />
      <HandsAnnouncer session={session} nameOf={nameOf} />
      {devicesOpen && <DevicesBar session={session} onClose={() => setDevicesOpen(false)} />}
      <div class="control-bar" role="toolbar" aria-label={t('meeting.controls.label')}>
        <button type="button" class={`btn${self.mic ? '' : ' btn-off'}`} aria-pressed={!self.mic} disabled={busy === 'mic'} onClick={toggleMic}>
          {self.mic ? t('meeting.controls.mute') : t('meeting.controls.unmute')}
        </button>
        <button type="button" class={`btn${self.camera ? '' : ' btn-off'}`} aria-pressed={!self.camera} disabled={busy === 'camera'} onClick={toggleCamera}>
          {self.camera ? t('meeting.controls.cameraOff') : t('meeting.controls.cameraOn')}
        </button>
        {'getDisplayMedia' in navigator.mediaDevices && (
          <button type="button" class="btn" aria-pressed={self.screen} disabled={busy === 'screen'} onClick={() => act('screen', () => session.setScreen(!self.screen), 'meeting.controls.screenError')}>
            {self.screen ? t('meeting.controls.stopSharing') : t('meeting.controls.shareScreen')}
          </button>
        )}
        <button type="button" class={`btn${handUp ? ' btn-primary' : ''}`} aria-pressed={handUp} aria-keyshortcuts="H" disabled={busy === 'hand'} onClick={toggleHand}>
          {handUp ? t('meeting.hands.lower') : t('meeting.hands.raise')}
        </button>
        <button type="button" class="btn" aria-expanded={devicesOpen} onClick={() => setDevicesOpen(!devicesOpen)}>
          {t('meeting.controls.devices')}
        </button>
        <button type="button" class="btn" aria-expanded={panelOpen} onClick={() => setPanelOpen(!panelOpen)}>
          {t('meeting.controls.panel')}
        </button>
        <button type="button" class="btn btn-quiet" onClick={() => setHelpOpen(true)}>
          {t('meeting.controls.help')}
        </button>
        <span class="control-spacer" />
        {mayEnd &&
          (confirmEnd ? (
            <span class="cluster">
              <button type="button" class="btn btn-danger" disabled={busy === 'end'} onClick={() => act('end', () => session.endMeeting())}>
                {t('meeting.controls.endConfirm')}
              </button>
              <button type="button" class="btn btn-quiet" onClick={() => setConfirmEnd(false)}>
                {t('meeting.controls.cancel')}
              </button>
            </span>
          ) : (
            <button type="button" class="btn" onClick={() => setConfirmEnd(true)}>
              {t('meeting.controls.end')}
            </button>
          ))}
        <button type="button" class="btn btn-danger" onClick={onLeave}>
          {t('meeting.controls.leave')}
        </button>
      </div>
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** What is going on with the connection, and what the host did, said once and read out. */
function RoomStatus({ session }: { session: MeetingSession }) {
  const state = session.state.value;
  const notice = session.notice.value;
  const wasAway = useRef(false);
  const [back, setBack] = useState(false);
  useEffect(() => {
    if (state.kind === 'reconnecting' || state.kind === 'rebuilding') {
      wasAway.current = true;
      setBack(false);
    } else if (state.kind === 'live' && wasAway.current) {
      wasAway.current = false;
      setBack(true);
      const timer = setTimeout(() => setBack(false), 5_000);
      return () => clearTimeout(timer);
    }
  }, [state.kind]);
  const [shownNotice, setShownNotice] = useState<typeof notice>(null);
  useEffect(() => {
    setShownNotice(notice);
    if (!notice) return;
    const timer = setTimeout(() => setShownNotice(null), notice.kind === 'warning' ? 10_000 : 6_000);
    return () => clearTimeout(timer);
  }, [notice]);
  const micLocked = session.self.value.rights.mic_locked;
  return (
    <div class="room-status" role="status" aria-live="polite">
      {state.kind === 'reconnecting' && <p class="notice notice-warning">{t('meeting.recovery.reconnecting')}</p>}
      {state.kind === 'rebuilding' && <p class="notice notice-warning">{t('meeting.recovery.rebuilding')}</p>}
      {back && <p class="notice notice-success">{t('meeting.recovery.back')}</p>}
      {shownNotice && <p class={`notice${shownNotice.kind === 'warning' ? ' notice-warning' : ''}`}>{t(shownNotice.key)}</p>}
      {micLocked && shownNotice?.key !== 'meeting.recovery.mutedByHost' && <p class="notice notice-warning">{t('meeting.recovery.mutedByHost')}</p>}
    </div>
  );
}

function DevicesBar({ session, onClose }: { session: MeetingSession; onClose: () => void }) {
  const lists = useDeviceLists(true);
  const self = session.self.value;
  const micId = self.micTrack?.getSettings().deviceId ?? null;
  const cameraId = self.cameraTrack?.getSettings().deviceId ?? null;
  const pick = (kind: 'mic' | 'camera', id: string | null) => {
    if (!id) return;
    session.switchDevice(kind, id).catch(() => notify(t('meeting.controls.deviceError'), 'error'));
  };
  return (
    <div class="devices-bar cluster" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}>
      <DevicePicker id="room-mic" label={t('meeting.prejoin.mic')} devices={lists.mics} value={micId} onValue={(id) => pick('mic', id)} disabled={!self.micTrack} />
      <DevicePicker id="room-camera" label={t('meeting.prejoin.camera')} devices={lists.cameras} value={cameraId} onValue={(id) => pick('camera', id)} disabled={!self.camera} />
    </div>
  );
}

/** A modal dialog: the browser traps focus in it and Esc closes it; focus returns to where it was. */
function HelpOverlay({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const returnTo = document.activeElement;
    dialog?.showModal();
    return () => {
      dialog?.close();
      if (returnTo instanceof HTMLElement) returnTo.focus();
    };
  }, []);
  const rows: Array<[string, string]> = [
    ['M', t('meeting.controls.shortcutMute')],
    ['V', t('meeting.controls.shortcutVideo')],
    ['H', t('meeting.hands.shortcut')],
    ['Esc', t('meeting.controls.shortcutEsc')],
    ['?', t('meeting.controls.shortcutHelp')],
  ];
  return (
    <dialog ref={ref} class="help-dialog card" aria-labelledby="help-title" onClose={onClose} onCancel={onClose}>
      <h2 id="help-title">{t('meeting.controls.shortcutsTitle')}</h2>
      <dl class="shortcuts">
        {rows.map(([key, words]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{words}</dd>
          </div>
        ))}
      </dl>
      <button type="button" class="btn" onClick={onClose}>
        {t('meeting.controls.close')}
      </button>
    </dialog>
  );
}
