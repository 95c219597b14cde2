// A bound on the uploads one user has in progress on this node. Each upload holds a body
// being parsed and an image being decoded; without a bound, one account could tie up every
// libvips thread and the temp space with parallel requests.
import { AppError } from '../../shared/errors.js';

export class UploadSlots {
  // Only users with an upload in progress have an entry, so the map stays as small as the
  // number of uploads running.
  private readonly busy = new Map<number, number>();

  constructor(private readonly perUser: number) {}

  /** Takes a slot or throws 429 `too_many_uploads`; the returned function gives it back (once). */
  take(userId: number): () => void {
    const held = this.busy.get(userId) ?? 0;
    if (held >= this.perUser) {
      throw new AppError('too_many_uploads', `At most ${this.perUser} uploads at a time; wait for one to finish`, { retry_after: 1, limit: this.perUser }, { 'Retry-After': '1' });
    }
    this.busy.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.busy.get(userId) ?? 1) - 1;
      if (left > 0) this.busy.set(userId, left);
      else this.busy.delete(userId);
    };
  }

  /** Users with an upload in progress (for tests and metrics). */
  get users(): number {
    return this.busy.size;
  }
}
