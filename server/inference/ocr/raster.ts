// Decoded images as plain RGB buffers, and the pixel work OCR needs on them: resizing
// (through sharp), sampling a rotated rectangle out of a page, and turning rows of pixels
// into normalised CHW tensors in the BGR order PaddleOCR models were trained on.
import sharp from 'sharp';
import { rectCorners, type RotatedRect } from './geometry.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major RGB. */
  data: Buffer;
}

/** Decodes any image sharp reads, applying its EXIF orientation. */
export async function decodeRgb(input: Buffer, limitInputPixels = 40_000_000): Promise<RgbImage> {
  const { data, info } = await sharp(input, { limitInputPixels }).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

export async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width === image.width && height === image.height) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { width, height, data };
}

export function rotate180(image: RgbImage): RgbImage {
  const data = Buffer.alloc(image.data.length);
  const pixels = image.width * image.height;
  for (let i = 0; i < pixels; i += 1) {
    const j = pixels - 1 - i;
    data[j * 3] = image.data[i * 3] as number;
    data[j * 3 + 1] = image.data[i * 3 + 1] as number;
    data[j * 3 + 2] = image.data[i * 3 + 2] as number;
  }
  return { width: image.width, height: image.height, data };
}

/** The rotated rectangle's content as an upright image (bilinear sampling, edges clamped). */
export function cropRotated(image: RgbImage, rect: RotatedRect): RgbImage {
  const width = Math.max(1, Math.round(rect.width));
  const height = Math.max(1, Math.round(rect.height));
  const [topLeft, topRight, , bottomLeft] = rectCorners(rect);
  const ux = (topRight.x - topLeft.x) / width;
  const uy = (topRight.y - topLeft.y) / width;
  const vx = (bottomLeft.x - topLeft.x) / height;
  const vy = (bottomLeft.y - topLeft.y) / height;
  const data = Buffer.alloc(width * height * 3);
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let row = 0; row < height; row += 1) {
    for (let col = 0; col < width; col += 1) {
      // Sample at pixel centres.
      const sx = Math.min(maxX, Math.max(0, topLeft.x + (col + 0.5) * ux + (row + 0.5) * vx - 0.5));
      const sy = Math.min(maxY, Math.max(0, topLeft.y + (col + 0.5) * uy + (row + 0.5) * vy - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c += 1) {
        const p00 = image.data[(y0 * image.width + x0) * 3 + c] as number;
        const p01 = image.data[(y0 * image.width + x1) * 3 + c] as number;
        const p10 = image.data[(y1 * image.width + x0) * 3 + c] as number;
        const p11 = image.data[(y1 * image.width + x1) * 3 + c] as number;
        data[(row * width + col) * 3 + c] = Math.round(p00 * (1 - fx) * (1 - fy) + p01 * fx * (1 - fy) + p10 * (1 - fx) * fy + p11 * fx * fy);
      }
    }
  }
  return { width, height, data };
}

export interface Normalisation {
  mean: [number, number, number];
  std: [number, number, number];
}

/** ImageNet statistics (detection) and the symmetric [-1, 1] scaling (classifier, recogniser). */
export const IMAGENET: Normalisation = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
export const SYMMETRIC: Normalisation = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/**
 * Writes `image` into `target` (a CHW float tensor of `channels × tensorHeight × tensorWidth`,
 * already zero-filled), left-aligned, channels in BGR order.
 */
export function writeChw(image: RgbImage, target: Float32Array, offset: number, tensorWidth: number, tensorHeight: number, norm: Normalisation): void {
  const plane = tensorWidth * tensorHeight;
  const width = Math.min(image.width, tensorWidth);
  const height = Math.min(image.height, tensorHeight);
  for (let c = 0; c < 3; c += 1) {
    const source = 2 - c; // BGR
    const scale = 1 / (255 * (norm.std[c] as number));
    const shift = (norm.mean[c] as number) / (norm.std[c] as number);
    const base = offset + c * plane;
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        target[base + y * tensorWidth + x] = (image.data[(y * image.width + x) * 3 + source] as number) * scale - shift;
      }
    }
  }
}
