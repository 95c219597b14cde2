// Calendar subscription addresses (see db/migrations/0016_calendar_feeds.ts and 0017_calendar_feed_keys.ts).
import type { Generated } from 'kysely';
import type { CreatedAt, NullableTimestamp } from './common.js';

export interface CalendarFeedsTable {
  id: Generated<number>;
  user_id: number;
  club_id: number;
  /** sha256 of the address's token, hex. */
  token_hash: string;
  /**
   * Only on rows made before 0017 and not yet sealed: the token was an HMAC of it under a key
   * derived from the signing key. Null on every newer row.
   */
  nonce: string | null;
  /** The token, AES-256-GCM sealed under the server's calendar feed key (server_secrets), so the same address can be shown again. */
  sealed_token: string | null;
  created_at: CreatedAt;
  revoked_at: NullableTimestamp;
}

export interface CalendarTables {
  calendar_feeds: CalendarFeedsTable;
}
