// Streaming multipart parsing with limits enforced while bytes arrive: a file over the
// per-file limit is cut off and reported, never buffered whole; the request as a whole and
// the number of files are capped too.
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';

export interface UploadedPart {
  field: string;
  name: string;
  data: Buffer;
  /** True when the file was longer than the per-file limit (data holds only the start). */
  tooLarge: boolean;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxRequestBytes: number;
}

export function readMultipart(req: Request, limits: MultipartLimits): Promise<UploadedPart[]> {
  const type = req.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    return Promise.reject(new AppError('unsupported_media_type', 'Send images as multipart/form-data'));
  }
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > limits.maxRequestBytes) {
    return Promise.reject(new AppError('payload_too_large', `Upload is larger than ${limits.maxRequestBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 20, fieldSize: 10_000, parts: limits.maxFiles + 20 },
        defParamCharset: 'utf8',
        // Keep the name as sent, so a name with a path is refused rather than quietly trimmed.
        preservePath: true,
      });
    } catch {
      reject(new AppError('validation_failed', 'Malformed multipart request', [{ path: '', message: 'malformed multipart body' }]));
      return;
    }
    const parts: UploadedPart[] = [];
    let received = 0;
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > limits.maxRequestBytes) fail(new AppError('payload_too_large', `Upload is larger than ${limits.maxRequestBytes} bytes`));
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        parts.push({ field, name: info.filename ?? '', data: Buffer.concat(chunks), tooLarge: (stream as { truncated?: boolean }).truncated === true });
      });
    });
    parser.on('filesLimit', () => fail(new AppError('validation_failed', `At most ${limits.maxFiles} files per request`, [{ path: 'images', message: `at most ${limits.maxFiles} files` }])));
    parser.on('error', () => fail(new AppError('validation_failed', 'Malformed multipart request', [{ path: '', message: 'malformed multipart body' }])));
    parser.on('close', () => {
      if (!failed) resolve(parts);
    });
    req.pipe(parser);
  });
}
