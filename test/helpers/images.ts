// Image files for upload tests: good ones, and every kind of bad one, made by the test.
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { HttpClient, HttpResponse } from './http.js';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG of a few hundred bytes that claims width × height grey pixels. */
export function pngBomb(width = 60_000, height = 60_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc(10 * (width + 1)); // ten rows of zeros; the rest is never sent
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function photo(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#7a5' } }).png().toBuffer();
}

/** A JPEG stored sideways (EXIF orientation 6) with a GPS position in its metadata. */
export async function sidewaysJpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: '#345' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
    .toBuffer();
}

export interface UploadFile {
  name: string;
  data: Buffer;
  type?: string;
}

export function upload(http: HttpClient, projectId: number, token: string, files: UploadFile[], field = 'images'): Promise<HttpResponse> {
  const form = new FormData();
  for (const file of files) form.append(field, new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.name);
  return fetch(`${http.baseUrl}/api/projects/${projectId}/images/`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).then(async (res) => ({
    status: res.status,
    body: await res.json(),
    headers: res.headers,
  }));
}
