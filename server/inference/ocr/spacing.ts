// Word spaces for Latin text. PaddleOCR's v4 recogniser (trained mostly on Chinese) often
// emits no space between English words, but the crop still shows them: a word space is a
// run of ink-free columns several pixels wide, while the gaps between letters of a word are
// one to three pixels (zero where serifs touch). Each character's CTC time step gives its x
// position, so a space goes wherever such a run lies between two characters.
import type { RgbImage } from './raster.js';

/** A gap at least this fraction of the line's height is a word space. */
const SPACE_GAP_RATIO = 0.2;
const MIN_SPACE_GAP_PX = 3;

/** Columns of the crop that hold no ink (darker than halfway between paper and ink). */
export function inkFreeColumns(line: RgbImage): Uint8Array {
  const { width, height, data } = line;
  const luminance = new Float32Array(width * height);
  for (let i = 0; i < luminance.length; i += 1) {
    luminance[i] = 0.299 * (data[i * 3] as number) + 0.587 * (data[i * 3 + 1] as number) + 0.114 * (data[i * 3 + 2] as number);
  }
  const sorted = Float32Array.from(luminance).sort();
  const ink = sorted[Math.floor(sorted.length * 0.02)] as number;
  const paper = sorted[Math.floor(sorted.length * 0.9)] as number;
  const free = new Uint8Array(width);
  if (paper - ink < 40) return free; // no contrast to judge by: claim nothing
  const threshold = (ink + paper) / 2;
  for (let x = 0; x < width; x += 1) {
    let clear = 1;
    for (let y = 0; y < height; y += 1) {
      if ((luminance[y * width + x] as number) < threshold) {
        clear = 0;
        break;
      }
    }
    free[x] = clear;
  }
  return free;
}

/** Ink-free runs as [start, end) column ranges at least `minWidth` wide. */
export function gapRuns(free: Uint8Array, minWidth: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let x = 0; x <= free.length; x += 1) {
    if (x < free.length && free[x]) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      if (x - start >= minWidth) runs.push([start, x]);
      start = -1;
    }
  }
  return runs;
}

/**
 * Inserts the spaces the recogniser left out. `xOf(i)` is the x position (crop pixels) at
 * which character i was emitted.
 */
export function restoreSpaces(text: string, xOf: (index: number) => number, line: RgbImage): string {
  const chars = [...text];
  if (chars.length < 2) return text;
  const minGap = Math.max(MIN_SPACE_GAP_PX, SPACE_GAP_RATIO * line.height);
  const gaps = gapRuns(inkFreeColumns(line), minGap);
  if (gaps.length === 0) return text;
  let out = chars[0] as string;
  for (let i = 1; i < chars.length; i += 1) {
    const [before, after] = [chars[i - 1] as string, chars[i] as string];
    // Tabular digits (a narrow "1" on a full-width advance) leave wide gaps inside numbers;
    // digits are only split where the recogniser itself emitted the space.
    const insideNumber = /\p{Nd}/u.test(before) && /\p{Nd}/u.test(after);
    if (before !== ' ' && after !== ' ' && !insideNumber) {
      const [left, right] = [xOf(i - 1), xOf(i)];
      if (gaps.some(([start, end]) => (start + end) / 2 > left && (start + end) / 2 < right)) out += ' ';
    }
    out += after;
  }
  return out;
}
