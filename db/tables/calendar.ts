// Calendar subscription addresses (see db/migrations/0016_calendar_feeds.ts).
import type { Generated } from 'kysely';
import type { CreatedAt, NullableTimestamp } from './common.js';

export interface CalendarFeedsTable {
  id: Generated<number>;
  user_id: number;
  club_id: number;
  /** sha256 of the address's token, hex. */
  token_hash: string;
  /** Random; the token is an HMAC of it under a server key, so the row alone does not give the address. */
  nonce: string;
  created_at: CreatedAt;
  revoked_at: NullableTimestamp;
}

export interface CalendarTables {
  calendar_feeds: CalendarFeedsTable;
}
