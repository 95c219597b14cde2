// What every club feature module is given by the composition root.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { ClubEvent } from '../shared/protocol/club-events.js';
import type { ApiDeps } from './http/api.js';
import type { BlobStore } from './uploads/store.js';

export interface ClubEventPublisher {
  publish(clubId: number, actorId: number | null, event: ClubEvent): Promise<void>;
}

export interface FeatureDeps extends ApiDeps {
  db: Kysely<Database>;
  config: Config;
  logger: Logger;
  events: ClubEventPublisher;
  blobs: BlobStore;
}
