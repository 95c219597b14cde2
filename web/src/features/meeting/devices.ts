// Cameras and microphones: opening them with a chosen device, listing them (names appear only
// once the page may use them), and how loud the microphone is (a WebAudio analyser).
import { useEffect, useState } from 'preact/hooks';

export interface DeviceChoice {
  micId: string | null;
  cameraId: string | null;
}

export interface DeviceLists {
  mics: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
}

/** 640×360 is plenty for a tile and leaves simulcast room for three layers. */
const CAMERA_SIZE = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } };

export async function openMic(deviceId: string | null): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new Error('no microphone track');
  return track;
}

export async function openCamera(deviceId: string | null): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { ...CAMERA_SIZE, deviceId: { exact: deviceId } } : CAMERA_SIZE });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no camera track');
  return track;
}

export async function openScreen(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no screen track');
  return track;
}

export async function listDevices(): Promise<DeviceLists> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return { mics: all.filter((d) => d.kind === 'audioinput'), cameras: all.filter((d) => d.kind === 'videoinput') };
}

/** The device lists, read again when a device is plugged in or out. */
export function useDeviceLists(ready: boolean): DeviceLists {
  const [lists, setLists] = useState<DeviceLists>({ mics: [], cameras: [] });
  useEffect(() => {
    if (!ready) return;
    let live = true;
    const read = () => void listDevices().then((found) => live && setLists(found), () => undefined);
    read();
    navigator.mediaDevices.addEventListener('devicechange', read);
    return () => {
      live = false;
      navigator.mediaDevices.removeEventListener('devicechange', read);
    };
  }, [ready]);
  return lists;
}

/** 0…1: how loud the track is now, sampled on animation frames (nothing when there is no track). */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) {
      setLevel(0);
      return;
    }
    const audio = new AudioContext();
    const source = audio.createMediaStreamSource(new MediaStream([track]));
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let frame = 0;
    let last = 0;
    const tick = (now: number) => {
      frame = requestAnimationFrame(tick);
      // Ten updates a second are enough for the eye and spare the renderer.
      if (now - last < 100) return;
      last = now;
      analyser.getByteTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += ((sample - 128) / 128) ** 2;
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void audio.close();
    };
  }, [track]);
  return level;
}
