import assert from 'node:assert/strict';
import { SpeechSegmenter, type SegmenterOptions, type Utterance } from '../../../server/inference/vad/segmenter.js';

const W = 512;
const RATE = 16_000;
const win = (seconds: number) => Math.round((seconds * RATE) / W);

/** Runs probabilities (one per 32 ms window) through a segmenter; each window's samples hold its index. */
function segment(probabilities: number[], options: SegmenterOptions = {}): Utterance[] {
  const s = new SpeechSegmenter(options);
  const out: Utterance[] = [];
  probabilities.forEach((p, i) => out.push(...s.push(new Float32Array(W).fill(i), p)));
  return [...out, ...s.flush()];
}

const repeat = (p: number, seconds: number) => Array<number>(win(seconds)).fill(p);
/** Seconds at which the window after `parts` begins. */
const at = (...parts: number[][]) => (parts.reduce((n, p) => n + p.length, 0) * W) / RATE;
const near = (a: number, b: number, tolerance = W / RATE) => Math.abs(a - b) <= tolerance;

describe('speech segmenter', () => {
  it('cuts one padded utterance where the speech is, with its samples on the stream clock', () => {
    const [before, talk] = [repeat(0.05, 2), repeat(0.9, 1.5)];
    const [u, ...rest] = segment([...before, ...talk, ...repeat(0.05, 2)], { padBefore: 0.2, padAfter: 0.2, minSilence: 0.5 });
    assert.equal(rest.length, 0);
    assert.ok(u);
    const speechStart = at(before);
    const speechEnd = at(before, talk);
    assert.ok(near(u.speechStart, speechStart) && near(u.speechEnd, speechEnd), `${u.speechStart}..${u.speechEnd}`);
    assert.ok(near(u.start, speechStart - 0.2) && near(u.end, speechEnd + 0.2), `${u.start}..${u.end}`);
    assert.equal(u.samples.length, Math.round((u.end - u.start) * RATE));
    // The samples are the stream's own: the first is from the window the start falls in.
    assert.equal(u.samples[0], Math.floor((u.start * RATE) / W));
    assert.equal(u.continuation, false);
  });

  it('has hysteresis: probabilities between the thresholds neither start speech nor end it', () => {
    const between = [...repeat(0.05, 1), ...repeat(0.45, 2), ...repeat(0.05, 1)];
    assert.deepEqual(segment(between), [], 'never reached 0.5');
    const dip = [...repeat(0.05, 1), ...repeat(0.9, 1), ...repeat(0.4, 2), ...repeat(0.9, 1), ...repeat(0.05, 1)];
    const utterances = segment(dip, { minSilence: 0.3 });
    assert.equal(utterances.length, 1, 'a long dip to 0.4 does not end the utterance');
    const drop = [...repeat(0.05, 1), ...repeat(0.9, 1), ...repeat(0.3, 0.5), ...repeat(0.9, 1), ...repeat(0.05, 1)];
    assert.equal(segment(drop, { minSilence: 0.3 }).length, 2, 'positive control: a 0.5 s drop below 0.35 does');
  });

  it('bridges pauses shorter than the minimum silence and drops bursts shorter than the minimum speech', () => {
    const pause = [...repeat(0.05, 1), ...repeat(0.9, 1), ...repeat(0.05, 0.3), ...repeat(0.9, 1), ...repeat(0.05, 1)];
    assert.equal(segment(pause, { minSilence: 0.5 }).length, 1);
    const parts = [repeat(0.05, 1), repeat(0.9, 0.1), repeat(0.05, 1)];
    const kept = segment([...parts.flat(), ...repeat(0.9, 0.5), ...repeat(0.05, 1)], { minSpeech: 0.25 });
    assert.equal(kept.length, 1, 'the 0.1 s click is dropped');
    assert.ok(near(kept[0]!.speechStart, at(...parts)), 'the 0.5 s speech is kept');
  });

  it('splits an utterance longer than the maximum at the quietest window of its last part, as one turn', () => {
    const probs = repeat(0.9, 11);
    const quiet = win(8); // the quietest moment, inside the last 4 s before 10 s
    probs[quiet] = 0.4;
    probs[win(3)] = 0.36; // quieter, but outside the search
    const out = segment([...repeat(0.05, 1), ...probs, ...repeat(0.05, 1)], { maxUtterance: 10, splitSearch: 4, padBefore: 0 });
    assert.equal(out.length, 2);
    const cut = ((win(1) + quiet) * W + W / 2) / RATE;
    assert.ok(near(out[0]!.end, cut, 1e-9) && near(out[1]!.start, cut, 1e-9), `${out[0]!.end} / ${out[1]!.start} vs ${cut}`);
    assert.equal(out[0]!.continuation, false);
    assert.equal(out[1]!.continuation, true);
    assert.ok(out[0]!.end - out[0]!.start <= 10);
  });

  it('ends an utterance still open at the end of the stream', () => {
    const parts = [repeat(0.05, 1), repeat(0.9, 1)];
    const out = segment(parts.flat());
    assert.equal(out.length, 1);
    assert.equal(out[0]!.speechEnd, at(...parts));
  });

  it('holds only the padding while idle, however long the silence', () => {
    const s = new SpeechSegmenter({ padBefore: 0.2 });
    let held = 0;
    for (let i = 0; i < win(600); i++) {
      s.push(new Float32Array(W), 0.01);
      held = Math.max(held, s.heldSamples);
    }
    assert.ok(held <= 0.2 * RATE + 2 * W, `held ${held} samples`);
    const out: Utterance[] = [];
    for (let i = 0; i < win(1); i++) out.push(...s.push(new Float32Array(W), 0.9));
    const [u] = [...out, ...s.flush()];
    assert.ok(u, 'positive control: the speech after the silence is cut');
    assert.ok(near(u.speechStart, (win(600) * W) / RATE));
    assert.ok(u.speechStart - u.start <= 0.2 + 1e-9, 'padding only, not the ten minutes before');
  });
});
