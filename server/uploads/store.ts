// Content-addressed blobs under DATA_DIR/files: a blob's path is its SHA-256, so names
// people chose never become paths, identical uploads are stored once, and a write is atomic
// (temp file + rename).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class BlobStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true, mode: 0o700 });
  }

  /** Where uploads in progress and blobs being written are kept (same file system as the blobs). */
  get tempDir(): string {
    return path.join(this.root, 'tmp');
  }

  static digest(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 digest');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(data: Buffer): Promise<string> {
    const sha256 = BlobStore.digest(data);
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return sha256;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(this.tempDir, randomBytes(8).toString('hex'));
    await fs.promises.writeFile(temp, data, { mode: 0o600 });
    await fs.promises.rename(temp, target);
    return sha256;
  }

  /**
   * Moves a file already written under tempDir into the store, hashed as it streams from disk
   * (a large upload is never read whole into memory). The file is gone afterwards.
   */
  async putFile(file: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) {
      await fs.promises.rm(file, { force: true });
      return sha256;
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.rename(file, target);
    return sha256;
  }

  read(sha256: string): Promise<Buffer> {
    return fs.promises.readFile(this.pathOf(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
  }
}
