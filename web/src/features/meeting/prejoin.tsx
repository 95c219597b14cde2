// The device check before entering: camera preview, microphone level, device pickers, and
// whether to join with the microphone and camera on. The opened tracks are handed to the room,
// so joining does not open the devices a second time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { openCamera, openMic, useAudioLevel, useDeviceLists, type DeviceChoice } from './devices.js';

export interface PrejoinResult {
  mic: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
  devices: DeviceChoice;
}

function usePreviewTrack(on: boolean, deviceId: string | null, open: (id: string | null) => Promise<MediaStreamTrack>, handedOver: { current: boolean }) {
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!on) {
      setTrack(null);
      return;
    }
    let opened: MediaStreamTrack | null = null;
    let live = true;
    open(deviceId).then(
      (found) => {
        if (!live) return found.stop();
        opened = found;
        setFailed(false);
        setTrack(found);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (!handedOver.current) opened?.stop();
    };
  }, [on, deviceId]);
  return { track, failed };
}

export function Prejoin({ onJoin, joining, mayStart }: { onJoin: (result: PrejoinResult) => void; joining: boolean; mayStart: boolean }) {
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [micId, setMicId] = useState<string | null>(null);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const handedOver = useRef(false);
  const mic = usePreviewTrack(micOn, micId, openMic, handedOver);
  const camera = usePreviewTrack(cameraOn, cameraId, openCamera, handedOver);
  const lists = useDeviceLists(mic.track !== null || camera.track !== null);
  const level = useAudioLevel(mic.track);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (video.current) video.current.srcObject = camera.track ? new MediaStream([camera.track]) : null;
  }, [camera.track]);

  // A device still opening would otherwise join switched off although its box is ticked.
  const opening = (micOn && !mic.track && !mic.failed) || (cameraOn && !camera.track && !camera.failed);
  const join = () => {
    handedOver.current = true;
    onJoin({ mic: micOn ? mic.track : null, camera: cameraOn ? camera.track : null, devices: { micId, cameraId } });
  };

  return (
    <section class="prejoin" aria-labelledby="prejoin-heading">
      <h2 id="prejoin-heading">{t('meeting.prejoin.heading')}</h2>
      <div class="prejoin-body">
        <div class="prejoin-preview">
          {camera.track ? (
            <video ref={video} class="tile-video mirror" autoPlay playsInline muted aria-label={t('meeting.prejoin.preview')} />
          ) : (
            <div class="tile-placeholder">
              <span>{t('meeting.prejoin.noCamera')}</span>
            </div>
          )}
        </div>
        <div class="prejoin-settings stack">
          {(mic.failed || camera.failed) && (
            <p class="notice notice-warning" role="alert">
              {t('meeting.prejoin.blocked')}
            </p>
          )}
          <label class="checkbox">
            <input type="checkbox" checked={micOn} onChange={(e) => setMicOn(e.currentTarget.checked)} /> {t('meeting.prejoin.micOn')}
          </label>
          <DevicePicker id="prejoin-mic" label={t('meeting.prejoin.mic')} devices={lists.mics} value={micId} onValue={setMicId} disabled={!micOn} />
          <meter class="level" min={0} max={1} low={0.15} high={0.8} optimum={0.5} value={level} aria-label={t('meeting.prejoin.level')} />
          <label class="checkbox">
            <input type="checkbox" checked={cameraOn} onChange={(e) => setCameraOn(e.currentTarget.checked)} /> {t('meeting.prejoin.cameraOn')}
          </label>
          <DevicePicker id="prejoin-camera" label={t('meeting.prejoin.camera')} devices={lists.cameras} value={cameraId} onValue={setCameraId} disabled={!cameraOn} />
          {mayStart && <p class="muted small">{t('meeting.prejoin.startHint')}</p>}
          <button type="button" class="btn btn-primary" disabled={joining || opening} aria-busy={joining || opening} onClick={join}>
            {joining ? t('meeting.prejoin.joining') : t('meeting.prejoin.join')}
          </button>
        </div>
      </div>
    </section>
  );
}

export function DevicePicker({ id, label, devices, value, onValue, disabled }: { id: string; label: string; devices: MediaDeviceInfo[]; value: string | null; onValue: (id: string | null) => void; disabled?: boolean }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value ?? ''} disabled={disabled} onChange={(e) => onValue(e.currentTarget.value || null)}>
        <option value="">{t('meeting.prejoin.deviceDefault')}</option>
        {devices
          .filter((d) => d.deviceId && d.deviceId !== 'default')
          .map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || t('meeting.prejoin.deviceUnnamed', { n: i + 1 })}
            </option>
          ))}
      </select>
    </div>
  );
}
