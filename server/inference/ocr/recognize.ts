// Text-line direction (0° / 180°) and recognition (PaddleOCR v4 rec, CTC) over crops.
import { ort, type OnnxSession } from '../onnx.js';
import { resizeRgb, SYMMETRIC, writeChw, type RgbImage } from './raster.js';
import { restoreSpaces } from './spacing.js';

const CLS_HEIGHT = 48;
const CLS_WIDTH = 192;
const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;
const REC_MAX_WIDTH = 3200;

export interface LineReading {
  text: string;
  confidence: number;
  /** The CTC time step at which each character of `text` was emitted. */
  steps: number[];
}

async function fitHeight(line: RgbImage, height: number, maxWidth: number): Promise<RgbImage> {
  const width = Math.max(1, Math.min(maxWidth, Math.ceil((height * line.width) / line.height)));
  return resizeRgb(line, width, height);
}

/** Probability that each line is upside down. */
export async function upsideDownScores(session: OnnxSession, lines: RgbImage[], batchSize = 8): Promise<number[]> {
  const scores: number[] = [];
  for (let start = 0; start < lines.length; start += batchSize) {
    const batch = lines.slice(start, start + batchSize);
    const input = new Float32Array(batch.length * 3 * CLS_HEIGHT * CLS_WIDTH);
    for (const [i, line] of batch.entries()) {
      writeChw(await fitHeight(line, CLS_HEIGHT, CLS_WIDTH), input, i * 3 * CLS_HEIGHT * CLS_WIDTH, CLS_WIDTH, CLS_HEIGHT, SYMMETRIC);
    }
    const outputs = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input, [batch.length, 3, CLS_HEIGHT, CLS_WIDTH]) });
    const probabilities = outputs[session.outputNames[0] as string]?.data as Float32Array;
    for (let i = 0; i < batch.length; i += 1) scores.push(probabilities[i * 2 + 1] as number);
  }
  return scores;
}

/** Greedy CTC decoding: best class per step, repeats merged, blanks (class 0) dropped. */
export function ctcDecode(probabilities: Float32Array, steps: number, classes: number, offset: number, alphabet: string[]): LineReading {
  let text = '';
  const emitted: number[] = [];
  let confidenceSum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t += 1) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probabilities[base] as number;
    for (let k = 1; k < classes; k += 1) {
      const p = probabilities[base + k] as number;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best] ?? '';
      emitted.push(t);
      confidenceSum += bestP;
      kept += 1;
    }
    previous = best;
  }
  return { text, confidence: kept > 0 ? confidenceSum / kept : 0, steps: emitted };
}

/**
 * Recognises lines in batches of similar width (sorted by aspect ratio, as PaddleOCR does),
 * so padding stays small. Results come back in the input order.
 */
export async function recognizeLines(session: OnnxSession, lines: RgbImage[], alphabet: string[], batchSize = 6): Promise<LineReading[]> {
  const order = lines.map((line, index) => ({ index, ratio: line.width / line.height })).sort((a, b) => a.ratio - b.ratio);
  const results = new Array<LineReading>(lines.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const maxRatio = Math.max(REC_MIN_WIDTH / REC_HEIGHT, ...batch.map((b) => b.ratio));
    const width = Math.min(REC_MAX_WIDTH, Math.ceil(REC_HEIGHT * maxRatio));
    const input = new Float32Array(batch.length * 3 * REC_HEIGHT * width);
    const resizedWidths: number[] = [];
    for (const [i, item] of batch.entries()) {
      const resized = await fitHeight(lines[item.index] as RgbImage, REC_HEIGHT, width);
      resizedWidths.push(resized.width);
      writeChw(resized, input, i * 3 * REC_HEIGHT * width, width, REC_HEIGHT, SYMMETRIC);
    }
    const outputs = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, width]) });
    const output = outputs[session.outputNames[0] as string];
    const [, steps, classes] = output?.dims as [number, number, number];
    const probabilities = output?.data as Float32Array;
    for (const [i, item] of batch.entries()) {
      const line = lines[item.index] as RgbImage;
      const reading = ctcDecode(probabilities, steps, classes, i * steps * classes, alphabet);
      // Step t covers input columns [t, t+1) × width/steps; the crop was scaled to resizedWidth.
      const toCrop = (width / steps) * (line.width / (resizedWidths[i] as number));
      const text = restoreSpaces(reading.text, (c) => ((reading.steps[c] as number) + 0.5) * toCrop, line);
      results[item.index] = { ...reading, text };
    }
  }
  return results;
}
