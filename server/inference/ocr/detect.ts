// DB text detection (PaddleOCR v4 det): probability map → binary map → regions → rotated
// boxes scored by mean probability, unclipped, and scaled back to the page.
import { ort, type OnnxSession } from '../onnx.js';
import { connectedRegions, minAreaRect, regionCorners, unclip, type RotatedRect } from './geometry.js';
import { IMAGENET, resizeRgb, writeChw, type RgbImage } from './raster.js';

export interface DetectionSettings {
  /** The longer side is scaled to at most this (then both to multiples of 32). */
  limitSideLength: number;
  binaryThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSide: number;
}

export const DEFAULT_DETECTION: DetectionSettings = {
  limitSideLength: 960,
  binaryThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSide: 3,
};

export interface DetectedBox {
  rect: RotatedRect;
  score: number;
}

function detectionSize(width: number, height: number, limit: number): [number, number] {
  const scale = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1;
  const round32 = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return [round32(width), round32(height)];
}

function meanScore(region: number[], probabilities: Float32Array): number {
  let sum = 0;
  for (const p of region) sum += probabilities[p] as number;
  return sum / region.length;
}

export async function detectText(session: OnnxSession, image: RgbImage, settings: DetectionSettings = DEFAULT_DETECTION): Promise<DetectedBox[]> {
  const [width, height] = detectionSize(image.width, image.height, settings.limitSideLength);
  const resized = await resizeRgb(image, width, height);
  const input = new Float32Array(3 * width * height);
  writeChw(resized, input, 0, width, height, IMAGENET);
  const outputs = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input, [1, 3, height, width]) });
  const probabilities = outputs[session.outputNames[0] as string]?.data;
  if (!(probabilities instanceof Float32Array)) throw new Error('unexpected detection output');

  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i += 1) mask[i] = (probabilities[i] as number) > settings.binaryThreshold ? 1 : 0;
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  const boxes: DetectedBox[] = [];
  for (const region of connectedRegions(mask, width, height)) {
    const kernel = minAreaRect(regionCorners(region, width));
    if (Math.min(kernel.width, kernel.height) < settings.minSide) continue;
    const score = meanScore(region, probabilities);
    if (score < settings.boxThreshold) continue;
    const grown = unclip(kernel, settings.unclipRatio);
    if (Math.min(grown.width, grown.height) < settings.minSide + 2) continue;
    // Back to page coordinates; text boxes are near-horizontal, so scaling the centre and
    // the sides by their axis is accurate enough (det keeps the aspect ratio within 32 px).
    const cos = Math.abs(Math.cos(grown.angle));
    const sin = Math.abs(Math.sin(grown.angle));
    boxes.push({
      rect: {
        center: { x: grown.center.x * scaleX, y: grown.center.y * scaleY },
        width: grown.width * (cos * scaleX + sin * scaleY),
        height: grown.height * (cos * scaleY + sin * scaleX),
        angle: grown.angle,
      },
      score,
    });
  }
  return boxes;
}
