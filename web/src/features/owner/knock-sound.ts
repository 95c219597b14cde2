// A soft two-note chime for a new knock, made with WebAudio (no sound files). Off unless the
// person turns it on; the choice is remembered in this browser.
import { signal } from '@preact/signals';

const STORAGE_KEY = 'roundtable.knockSound';

function saved(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

export const knockSoundOn = signal(saved());

export function setKnockSound(on: boolean): void {
  knockSoundOn.value = on;
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  // Turning it on is a user gesture: the moment a browser lets an AudioContext start.
  if (on) void audio()?.resume();
}

let context: AudioContext | null = null;
function audio(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  context = new AudioContext();
  return context;
}

/** Two quiet sine notes, a fifth apart, each fading out: noticeable, not alarming. */
export function playKnockSound(): void {
  if (!knockSoundOn.value) return;
  const ctx = audio();
  if (!ctx || ctx.state !== 'running') return;
  const start = ctx.currentTime + 0.02;
  [523.25, 783.99].forEach((frequency, index) => {
    const at = start + index * 0.18;
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.type = 'sine';
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.08, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
    tone.connect(gain).connect(ctx.destination);
    tone.start(at);
    tone.stop(at + 0.65);
  });
}
