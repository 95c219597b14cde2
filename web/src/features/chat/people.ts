// Who wrote what: the club's members by id, loaded once per tab and again when a message comes
// from someone not in the list yet (they joined after it was loaded).
import { signal } from '@preact/signals';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { memberResponseSchema } from '../../../../shared/protocol/clubs.js';
import { get } from '../../api/http.js';
import { displayName } from '../../live/me.js';

const MAX_PAGES = 20;

export class People {
  readonly names = signal<ReadonlyMap<number, string>>(new Map());
  private loading: Promise<void> | null = null;
  private asked = new Set<number>();

  constructor(readonly clubId: number) {}

  load(): Promise<void> {
    this.loading ??= this.fetchAll().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** A name for `userId`, asking the server again (once per person) when it is unknown. */
  nameOf(userId: number): string | null {
    const name = this.names.value.get(userId);
    if (name === undefined && !this.asked.has(userId) && this.names.value.size > 0) {
      this.asked.add(userId);
      queueMicrotask(() => void this.load());
    }
    return name ?? null;
  }

  private async fetchAll(): Promise<void> {
    const names = new Map(this.names.value);
    let cursor: string | undefined;
    try {
      for (let n = 0; n < MAX_PAGES; n++) {
        const page = await get(`/api/clubs/${this.clubId}/members`, pageSchema(memberResponseSchema), { query: { limit: 100, cursor } });
        for (const member of page.items) names.set(member.user.id, displayName(member.user));
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
    } catch {
      // Names stay as they were; messages show "A former member" meanwhile.
    }
    this.names.value = names;
  }
}
