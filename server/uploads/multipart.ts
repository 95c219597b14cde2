// Streaming multipart parsing with limits enforced while bytes arrive: a file over the
// per-file limit is cut off and reported, never buffered whole; the request as a whole and
// the number of files are capped too. A file stays in memory only up to `memoryBytes`; past
// that it goes on to a temp file, so parallel uploads of large files cost disk, not heap.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';

export interface UploadedPart {
  field: string;
  name: string;
  /** The bytes, or the path of the temp file holding them (see discardParts). */
  content: Buffer | string;
  size: number;
  /** True when the file was longer than the per-file limit (content holds only the start). */
  tooLarge: boolean;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxRequestBytes: number;
  /** A file past this many bytes is written to `tempDir` instead of kept in memory. */
  memoryBytes: number;
  tempDir: string;
}

/** Removes the temp files of parts that did not fit in memory. */
export async function discardParts(parts: UploadedPart[]): Promise<void> {
  await Promise.all(parts.map((p) => (typeof p.content === 'string' ? fs.promises.rm(p.content, { force: true }) : Promise.resolve())));
}

/** Collects one file stream: in memory while small, then in a temp file. */
class PartSink {
  private chunks: Buffer[] = [];
  private file: fs.WriteStream | null = null;
  private filePath: string | null = null;
  size = 0;

  constructor(
    private readonly source: NodeJS.ReadableStream,
    private readonly limits: MultipartLimits,
  ) {}

  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.file && this.size <= this.limits.memoryBytes) {
      this.chunks.push(chunk);
      return;
    }
    if (!this.file) {
      this.filePath = path.join(this.limits.tempDir, `upload-${randomBytes(12).toString('hex')}`);
      this.file = fs.createWriteStream(this.filePath, { mode: 0o600 });
      this.file.on('error', () => {}); // reported by finish()
      for (const held of this.chunks) this.file.write(held);
      this.chunks = [];
    }
    // Backpressure: the request is read no faster than the disk takes it.
    if (!this.file.write(chunk)) {
      this.source.pause();
      this.file.once('drain', () => this.source.resume());
    }
  }

  /** The content once the stream has ended: the buffer, or the temp file's path once written. */
  async finish(): Promise<Buffer | string> {
    if (!this.file || !this.filePath) return Buffer.concat(this.chunks);
    const file = this.file;
    await new Promise<void>((resolve, reject) => {
      file.once('error', reject);
      file.end(resolve);
    });
    return this.filePath;
  }

  /** Drops whatever was collected (a failed request). */
  async discard(): Promise<void> {
    this.chunks = [];
    if (this.file && this.filePath) {
      this.file.destroy();
      await fs.promises.rm(this.filePath, { force: true });
    }
  }
}

/**
 * The files of a multipart request. Text fields are collected into `fields` when it is given
 * (a value cut off at the field size limit is refused); otherwise they are ignored.
 */
export function readMultipart(req: Request, limits: MultipartLimits, fields?: Map<string, string>): Promise<UploadedPart[]> {
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
    const sinks: PartSink[] = [];
    const pending: Array<Promise<UploadedPart>> = [];
    let received = 0;
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(error);
      // Parts already complete are dropped too: nothing of a failed request stays on disk.
      for (const sink of sinks) void sink.discard();
    };
    parser.on('file', (field, stream, info) => {
      const sink = new PartSink(stream, limits);
      sinks.push(sink);
      const ended = new Promise<void>((resolve) => stream.once('end', resolve));
      pending.push(
        ended.then(async () => ({
          field,
          name: info.filename ?? '',
          content: await sink.finish(),
          size: sink.size,
          tooLarge: (stream as { truncated?: boolean }).truncated === true,
        })),
      );
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > limits.maxRequestBytes) fail(new AppError('payload_too_large', `Upload is larger than ${limits.maxRequestBytes} bytes`));
        else if (!failed) sink.write(chunk);
      });
    });
    if (fields) {
      parser.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
        if (info.valueTruncated) fail(new AppError('validation_failed', `Field "${name}" is too long`, [{ path: name, message: 'at most 10000 bytes' }]));
        else fields.set(name, value);
      });
    }
    parser.on('filesLimit', () => fail(new AppError('validation_failed', `At most ${limits.maxFiles} files per request`, [{ path: 'images', message: `at most ${limits.maxFiles} files` }])));
    parser.on('error', () => fail(new AppError('validation_failed', 'Malformed multipart request', [{ path: '', message: 'malformed multipart body' }])));
    parser.on('close', () => {
      if (failed) return;
      Promise.all(pending).then(resolve, () => fail(new AppError('internal_error', 'Could not store the upload for checking')));
    });
    // A client that goes away mid-body never lets busboy finish: end the parse here, so the
    // upload's slot and temp files are given back.
    req.once('close', () => {
      if (!req.complete) fail(new AppError('bad_request', 'Upload was interrupted'));
    });
    req.pipe(parser);
  });
}
