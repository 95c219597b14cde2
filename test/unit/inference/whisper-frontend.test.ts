// Whisper's log-mel front end, checked against properties that follow from its definition.
import assert from 'node:assert/strict';
import { createFftPlan } from '../../../server/inference/asr/whisper/fft.js';
import { hzToMel, melFilterbank, melToHz, WHISPER_FRAMES, WhisperFrontEnd } from '../../../server/inference/asr/whisper/mel.js';

const RATE = 16_000;

function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
}

function minOf(values: Float32Array): number {
  return values.reduce((a, b) => Math.min(a, b), Infinity);
}

function maxOf(values: Float32Array): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

function seededNoise(length: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

describe('Whisper FFT', () => {
  for (const size of [400, 200, 60, 7, 2, 1]) {
    it(`matches a direct DFT for length ${size}`, () => {
      const re = seededNoise(size, size + 1);
      const im = seededNoise(size, size + 2);
      const outRe = new Float64Array(size);
      const outIm = new Float64Array(size);
      createFftPlan(size).transform(re, im, outRe, outIm);
      for (let k = 0; k < size; k += 1) {
        let sumRe = 0;
        let sumIm = 0;
        for (let n = 0; n < size; n += 1) {
          const angle = (-2 * Math.PI * k * n) / size;
          sumRe += (re[n] as number) * Math.cos(angle) - (im[n] as number) * Math.sin(angle);
          sumIm += (re[n] as number) * Math.sin(angle) + (im[n] as number) * Math.cos(angle);
        }
        assert.ok(Math.abs((outRe[k] as number) - sumRe) < 1e-9 && Math.abs((outIm[k] as number) - sumIm) < 1e-9, `bin ${k}`);
      }
    });
  }

  it('refuses lengths with a prime factor it has no butterfly for', () => {
    assert.throws(() => createFftPlan(22), /prime factor/);
  });
});

describe('Whisper mel filterbank (Slaney, librosa defaults)', () => {
  it('uses the Slaney mel scale: linear to 1 kHz (15 mels), logarithmic above', () => {
    assert.ok(Math.abs(hzToMel(1000) - 15) < 1e-12);
    assert.ok(Math.abs(hzToMel(200) - 3) < 1e-12);
    assert.ok(Math.abs(hzToMel(6400) - 42) < 1e-9); // 27 mels per factor 6.4 above 1 kHz
    for (const hz of [0, 123, 999, 1000, 4321, 8000]) assert.ok(Math.abs(melToHz(hzToMel(hz)) - hz) < 1e-9);
  });

  for (const nMels of [80, 128]) {
    it(`normalises each of ${nMels} bands to unit area (norm='slaney') and spans 0–8 kHz`, () => {
      const bank = melFilterbank(nMels);
      assert.equal(bank.edgesHz[0], 0);
      assert.ok(Math.abs((bank.edgesHz[nMels + 1] as number) - 8000) < 1e-6);
      for (let m = 0; m < nMels; m += 1) {
        // A triangle of width W and height 2/W has area 1; summed over 40 Hz bins, the error
        // is at most one bin times the height, 80/W. Bands narrower than two bins are skipped.
        const width = (bank.edgesHz[m + 2] as number) - (bank.edgesHz[m] as number);
        if (width < 80) continue;
        let sum = 0;
        for (let k = 0; k < 201; k += 1) sum += bank.weights[m * 201 + k] as number;
        assert.ok(Math.abs(sum * 40 - 1) <= 80 / width, `band ${m} (width ${width} Hz) area ${sum * 40}`);
      }
    });
  }
});

describe('Whisper log-mel front end', () => {
  for (const nMels of [80, 128] as const) {
    const frontEnd = new WhisperFrontEnd(nMels);
    const bank = melFilterbank(nMels);

    it(`puts a pure tone in the mel band around its frequency (${nMels} bands)`, () => {
      for (const hz of [440, 1000, 2000, 3000, 4000, 6000, 7000]) {
        const { data } = frontEnd.compute(tone(hz, 1));
        const frame = 50; // well inside the tone
        let best = 0;
        for (let m = 1; m < nMels; m += 1) if ((data[m * WHISPER_FRAMES + frame] as number) > (data[best * WHISPER_FRAMES + frame] as number)) best = m;
        // The loudest band's triangle contains the tone, and its centre is the closest centre
        // (in mels) or the next one: the tone's Hann main lobe (±80 Hz) straddles narrow bands.
        assert.ok((bank.edgesHz[best] as number) < hz && hz < (bank.edgesHz[best + 2] as number), `${hz} Hz peaked in band ${best}`);
        let nearest = 0;
        for (let m = 0; m < nMels; m += 1) {
          if (Math.abs(hzToMel(bank.edgesHz[m + 1] as number) - hzToMel(hz)) < Math.abs(hzToMel(bank.edgesHz[nearest + 1] as number) - hzToMel(hz))) nearest = m;
        }
        assert.ok(Math.abs(best - nearest) <= 1, `${hz} Hz: band ${best}, nearest centre ${nearest}`);
        // The peak is the spectrogram's maximum, (max + 4) / 4 after normalisation; far bands sit on the floor 2 below it.
        const peak = data[best * WHISPER_FRAMES + frame] as number;
        assert.ok(Math.abs(peak - maxOf(data)) < 1e-6);
        assert.ok(Math.abs(minOf(data) - (peak - 2)) < 1e-6);
      }
    });

    it(`gives silence a flat spectrogram: every value (log10(1e-10) + 4) / 4 = -1.5 (${nMels} bands)`, () => {
      const { data, frames } = frontEnd.compute(new Float32Array(RATE * 2));
      assert.equal(frames, WHISPER_FRAMES);
      assert.ok(data.every((value) => value === -1.5));
    });

    it(`always returns ${nMels} x 3000 frames: short input is zero-padded, input past 30 s is not read`, () => {
      for (const seconds of [0, 0.01, 1, 29.99, 30]) {
        const { data, frames } = frontEnd.compute(tone(1000, seconds));
        assert.equal(frames, 3000);
        assert.equal(data.length, nMels * 3000);
      }
      const thirty = tone(1000, 30);
      const longer = new Float32Array(RATE * 35);
      longer.set(thirty);
      longer.fill(0.9, thirty.length); // loud audio after 30 s would change the maximum if it were read
      assert.deepEqual(frontEnd.compute(longer).data, frontEnd.compute(thirty).data);
    });

    it(`pads after the audio with zeros: frames wholly past the end sit exactly on the floor (${nMels} bands)`, () => {
      const { data } = frontEnd.compute(tone(2000, 1));
      const floor = minOf(data);
      // Frame t covers samples [160t - 200, 160t + 200): past 16,000 samples from t = 102 on.
      for (let t = 102; t < WHISPER_FRAMES; t += 1) {
        for (let m = 0; m < nMels; m += 1) assert.equal(data[m * WHISPER_FRAMES + t], floor, `frame ${t} band ${m}`);
      }
      // Frames wholly inside the tone are above the floor in the tone's band.
      const band = bank.edgesHz.findIndex((edge) => edge > 2000) - 2;
      for (let t = 2; t <= 97; t += 1) assert.ok((data[band * WHISPER_FRAMES + t] as number) > floor + 1, `frame ${t}`);
    });
  }
});
