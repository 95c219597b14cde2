// The composition root: builds every service from the configuration (compose/services.ts),
// mounts the HTTP side (compose/routes.ts) and starts and stops the node (compose/runtime.ts).
// Nothing else constructs services; modules get what they need as arguments.
import type http from 'node:http';
import type express from 'express';
import type { DatabaseHandle } from '../db/open.js';
import type { AudioTaps, MeetingHub, WorkerPool } from '../sfu/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { SignalingServer } from '../signaling/server.js';
import type { JoinPasswordGuard } from './clubs/join-password.js';
import type { MaintenanceSweep } from './maintenance.js';
import { Cleanup } from './compose/cleanup.js';
import { mountHttp } from './compose/routes.js';
import { startRuntime } from './compose/runtime.js';
import { buildServices } from './compose/services.js';
import type { NotesAuthorizer } from './notes/server.js';
import type { NotesStore } from './notes/store.js';
import type { Transcription } from './transcripts/start-live.js';

export interface Roundtable {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  server: http.Server;
  /** The Express app the server runs (its router stack lists every mounted route). */
  app: express.Express;
  /** http://host:port the server actually listens on. */
  url: string;
  sfu: WorkerPool | null;
  /** The meetings' media on this node (null without SFU workers). */
  meetings: MeetingHub | null;
  /** Tapped meeting audio, for transcription. */
  audioTaps: AudioTaps | null;
  /** Live transcription of the meetings hosted here (null without the SFU). */
  transcription: Transcription | null;
  /** The notes store. */
  notesStore: NotesStore;
  /** Socket.IO (presence, knocks, chat) on the same port, under /socket.io/. */
  signaling: SignalingServer;
  /** The limits on club join-password guesses (their windows can be started over). */
  joinPasswords: JoinPasswordGuard;
  /** Periodic housekeeping (tests move the clock and wait for its next pass). */
  maintenance: MaintenanceSweep;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Who may read or write which notes document; club roles decide by default. */
  notesAuthorizer?: NotesAuthorizer;
  /**
   * Times grace periods, rate windows, caches, sweeps and heartbeats (tests move it by hand).
   * Presence and meeting claims keep real time: Redis expires them in real time.
   */
  clock?: Clock;
}

export async function startRoundtable(config: Config, options: StartOptions = {}): Promise<Roundtable> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cleanup = new Cleanup(logger);
  try {
    const services = await buildServices(config, { logger, clock: options.clock ?? systemClock, ...(options.notesAuthorizer ? { notesAuthorizer: options.notesAuthorizer } : {}) }, cleanup);
    const app = mountHttp(services);
    const runtime = await startRuntime(services, app, cleanup);
    return {
      config,
      logger,
      database: services.database,
      server: runtime.server,
      app,
      url: runtime.url,
      sfu: services.sfu,
      meetings: services.meetings,
      audioTaps: services.audioTaps,
      transcription: services.transcription,
      notesStore: services.notesStore,
      signaling: runtime.signaling,
      joinPasswords: services.joinPasswords,
      maintenance: services.maintenance,
      close: () => runtime.close(),
    };
  } catch (err) {
    await cleanup.closeAll();
    throw err;
  }
}
