// Upload checks, cheapest first: the name, the size, the type by magic bytes, the pixel
// count from the header (before any pixel is decoded, so a bomb is refused in
// microseconds), then a full decode that re-encodes the image upright (EXIF orientation
// applied) with every metadata block (GPS included) dropped, plus its thumbnail.
import fs from 'node:fs';
import sharp from 'sharp';

export interface UploadLimits {
  maxBytes: number;
  maxPixels: number;
}

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface AcceptedImage {
  data: Buffer;
  type: ImageType;
  extension: string;
  width: number;
  height: number;
  thumbnail: Buffer;
  thumbnailWidth: number;
  thumbnailHeight: number;
}

export type Inspection = { ok: true; image: AcceptedImage } | { ok: false; reason: string };

const THUMBNAIL_SIZE = 320;
const MAX_NAME_LENGTH = 255;

type Sniffed = ImageType | 'image/heic' | null;

/** The image type by its first bytes, whatever the name or the declared type say. */
export function sniffImageType(data: Buffer): Sniffed {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (data.length >= 12 && data.toString('latin1', 4, 8) === 'ftyp' && /^(heic|heix|hevc|hevx|mif1|msf1)$/.test(data.toString('latin1', 8, 12))) return 'image/heic';
  return null;
}

/** Why a client-supplied file name is refused, or null when it is fine to show. */
export function badFileName(name: string): string | null {
  if (name.length === 0) return 'file name is empty';
  if (name.length > MAX_NAME_LENGTH) return `file name is longer than ${MAX_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'file name contains control characters';
  if (/[/\\]/.test(name) || name === '.' || name === '..') return 'file name must not contain a path';
  return null;
}

const EXTENSIONS: Record<ImageType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The first bytes of an upload (enough to sniff its type) and its size. */
async function headOf(input: Buffer | string): Promise<{ head: Buffer; size: number }> {
  if (typeof input !== 'string') return { head: input, size: input.length };
  const file = await fs.promises.open(input, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size: (await file.stat()).size };
  } finally {
    await file.close();
  }
}

/** `input` is the upload's bytes, or the path of the temp file holding a large one. */
export async function inspectImage(input: Buffer | string, limits: UploadLimits): Promise<Inspection> {
  const { head, size } = await headOf(input);
  if (size === 0) return { ok: false, reason: 'file is empty' };
  if (size > limits.maxBytes) return { ok: false, reason: `file is larger than ${limits.maxBytes} bytes` };
  const type = sniffImageType(head);
  if (type === 'image/heic') return { ok: false, reason: 'HEIC images are not supported by this server; upload JPEG, PNG or WebP' };
  if (!type) return { ok: false, reason: 'not a JPEG, PNG or WebP image' };

  let width: number;
  let height: number;
  try {
    const header = await sharp(input, { limitInputPixels: false }).metadata();
    width = header.width ?? 0;
    height = header.height ?? 0;
  } catch {
    return { ok: false, reason: 'image header is corrupt' };
  }
  if (width <= 0 || height <= 0) return { ok: false, reason: 'image has no dimensions' };
  if (width * height > limits.maxPixels) {
    return { ok: false, reason: `image has ${width}×${height} pixels, more than the limit of ${limits.maxPixels}` };
  }

  try {
    // failOn 'truncated' refuses images whose data ends early instead of padding them grey.
    const source = () => sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'truncated' }).rotate();
    const upright = source();
    const encoder = type === 'image/jpeg' ? upright.jpeg({ quality: 90 }) : type === 'image/png' ? upright.png() : upright.webp({ quality: 90 });
    // The thumbnail comes from the original, so JPEG shrink-on-load can decode it at a fraction
    // of the size; both run at once on libvips' threads.
    const [full, thumb] = await Promise.all([
      encoder.toBuffer({ resolveWithObject: true }),
      source().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer({ resolveWithObject: true }),
    ]);
    return {
      ok: true,
      image: {
        data: full.data,
        type,
        extension: EXTENSIONS[type],
        width: full.info.width,
        height: full.info.height,
        thumbnail: thumb.data,
        thumbnailWidth: thumb.info.width,
        thumbnailHeight: thumb.info.height,
      },
    };
  } catch {
    return { ok: false, reason: 'image data is corrupt or truncated' };
  }
}
