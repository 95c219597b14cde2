// A profile picture from an upload, cheapest check first: the size, the type by its magic
// bytes, the pixel count from the header (a bomb is refused before a pixel is decoded), then
// one decode that turns it upright and re-encodes it as a square WebP. sharp keeps no metadata
// unless asked, so EXIF (GPS included), XMP and ICC blocks of the upload are gone.
import fs from 'node:fs';
import sharp from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { AvatarRefusal } from '../../shared/protocol/users.js';
import { sniffImageType } from '../uploads/images.js';
import type { UploadedPart } from '../uploads/multipart.js';

export interface AvatarLimits {
  maxBytes: number;
  maxPixels: number;
  /** The side of the square kept. */
  size: number;
}

const refused = (code: 'unsupported_media_type' | 'payload_too_large', message: string, details: AvatarRefusal) => new AppError(code, message, details);
const corrupt = (message: string) => new AppError('validation_failed', `Invalid request: avatar: ${message}`, [{ path: 'avatar', message }]);

/** The upload's first bytes (enough to sniff its type): the buffer, or the start of its temp file. */
async function headOf(content: Buffer | string): Promise<Buffer> {
  if (typeof content !== 'string') return content.subarray(0, 16);
  const file = await fs.promises.open(content, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The square WebP made from `part`, or an AppError saying which check refused it. */
export async function avatarFrom(part: UploadedPart, limits: AvatarLimits): Promise<Buffer> {
  if (part.tooLarge || part.size > limits.maxBytes) {
    throw refused('payload_too_large', `The picture is larger than ${limits.maxBytes} bytes`, { reason: 'too_many_bytes', max_bytes: limits.maxBytes });
  }
  if (part.size === 0) throw corrupt('file is empty');
  const type = sniffImageType(await headOf(part.content));
  if (type === 'image/heic') throw refused('unsupported_media_type', 'HEIC pictures are not supported; send PNG, JPEG or WebP', { reason: 'heic' });
  if (!type) throw refused('unsupported_media_type', 'Not a PNG, JPEG or WebP image', { reason: 'not_an_image' });

  let width: number;
  let height: number;
  try {
    const header = await sharp(part.content, { limitInputPixels: false }).metadata();
    width = header.width ?? 0;
    height = header.height ?? 0;
  } catch {
    throw corrupt('image header is corrupt');
  }
  if (width <= 0 || height <= 0) throw corrupt('image has no dimensions');
  if (width * height > limits.maxPixels) {
    throw refused('payload_too_large', `The picture has ${width}×${height} pixels, more than ${limits.maxPixels}`, { reason: 'too_many_pixels', max_pixels: limits.maxPixels, width, height });
  }
  try {
    // failOn 'truncated' refuses data that ends early instead of padding it grey; 'attention'
    // keeps the busiest part (usually a face) when the picture is cropped to a square.
    return await sharp(part.content, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .resize(limits.size, limits.size, { fit: 'cover', position: sharp.strategy.attention })
      .webp({ quality: 85 })
      .toBuffer();
  } catch {
    throw corrupt('image data is corrupt or truncated');
  }
}
