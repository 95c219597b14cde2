// Secrets the server makes for itself and shares between its nodes (see db/migrations/0017_calendar_feed_keys.ts).
import type { CreatedAt } from './common.js';

export interface ServerSecretsTable {
  /** What the secret is for, e.g. 'calendar-feed-key'. */
  name: string;
  /** base64url; never logged. */
  secret: string;
  created_at: CreatedAt;
}

export interface SecretTables {
  server_secrets: ServerSecretsTable;
}
