// The composition root: builds every service from the configuration and wires them.
// Nothing else constructs services; modules get what they need as arguments.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase, type DatabaseHandle } from '../db/open.js';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AudioTaps, MeetingHub, WorkerPool, mediaSettingsFrom, metricsRouter, sfuMetrics } from '../sfu/index.js';
import type { Bus } from '../shared/bus.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { TokenService } from '../shared/auth/tokens.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createHttpApp } from './app.js';
import { AccountService } from './auth/accounts.js';
import { loadSigningKeys } from './auth/keys.js';
import { authRoutes } from './auth/routes.js';
import { SessionService } from './auth/sessions.js';
import { createMemoryBus } from './bus/memory.js';
import { createRedisBus } from './bus/redis.js';
import { healthRoutes, Readiness } from './health.js';
import { authenticate } from './http/authenticate.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './http/rate-limit.js';
import { clientIpReader } from './http/client-ip.js';
import { MailDispatcher } from './mail/outbox.js';
import { ModelRegistry, readModelDefinitions } from './inference/registry.js';
import { JobRunner } from './projects/jobs.js';
import { projectRoutes } from './projects/routes.js';
import { QuoteService } from './projects/quotes.js';
import { ProjectService } from './projects/service.js';
import { FileService } from './uploads/files.js';
import { fileRoutes } from './uploads/routes.js';
import { UploadSlots } from './uploads/slots.js';
import { BlobStore } from './uploads/store.js';
import { ProfileService } from './users/profiles.js';
import { userRoutes } from './users/routes.js';
import { DocumentRegistry } from './notes/documents.js';
import { startSpeech, startTranscription, type Transcription } from './transcripts/start-live.js';
import { noAnnouncer, TranscriptSink } from './transcripts/sink.js';
import { RECORDING_JOB, RecordingJob } from './recordings/job.js';
import { recordingRoutes } from './recordings/routes.js';
import { RecordingService } from './recordings/service.js';
import { NotesServer, type NotesAuthorizer } from './notes/server.js';
import { NotesStore } from './notes/store.js';
import { RedisNotesRelay } from './notes/redis-relay.js';
import { meetingTemplateSeeder } from './notes/template.js';
import { ClubAccessService } from './clubs/access.js';
import { ClubService } from './clubs/service.js';
import { MembershipService } from './clubs/membership.js';
import { JoinPasswordGuard } from './clubs/join-password.js';
import { clubRoutes } from './clubs/routes.js';
import { discoveryRoutes } from './clubs/discovery-routes.js';
import { scheduleRoutes } from './clubs/schedule-routes.js';
import { contentRoutes } from './content/routes.js';
import { bookRoutes } from './books/routes.js';
import { postsRoutes } from './posts/routes.js';
import { meetingsRoutes } from './meetings/routes.js';
import { chatRoutes } from './chat/routes.js';
import { ChatStore } from './chat/store.js';
import { SignalingServer } from '../signaling/server.js';
import { meetingsFeature, meetingsUnavailable } from '../signaling/features/meetings/index.js';
import { DatabaseMeetingCatalog } from './meetings/catalog.js';
import { LocalMeetingLocator, RedisMeetingLocator } from './meetings/locator.js';
import { MeetingRecords } from './meetings/records.js';
import { AppError } from '../shared/errors.js';
import { OpenApiRegistry } from './http/openapi.js';
import { docsRoutes } from './http/docs-routes.js';
import type { ApiDeps } from './http/api.js';
import type { FeatureDeps } from './features.js';
import { clubNotesAuthorizer, databaseNotesLookup } from './notes/club-authorizer.js';
import { notesAccess, type NotesAccess } from './transcripts/documents.js';
import { transcriptRoutes } from './transcripts/routes.js';
import { MemorySearch } from './search/memory.js';
import { searchRoutes } from './search/routes.js';
import { SummaryJob } from './summaries/job.js';
import { SUMMARY_JOB, SummaryService } from './summaries/service.js';
import { summaryRoutes } from './summaries/routes.js';
import { loadEmbeddingReranker } from './inference/embed/reranker.js';

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
  /** The notes store, when the notes endpoint is mounted. */
  notesStore: NotesStore | null;
  /** Socket.IO (presence, knocks, chat) on the same port, under /socket.io/. */
  signaling: SignalingServer;
  /** The limits on club join-password guesses (their windows can be started over). */
  joinPasswords: JoinPasswordGuard;
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

async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000 });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Cannot connect to Redis at REDIS_URL: ${(err as Error).message}`);
  }
  return redis;
}

export async function startRoundtable(config: Config, options: StartOptions = {}): Promise<Roundtable> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const cleanup: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'error while closing');
      }
    }
  };

  try {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const readiness = new Readiness();

    const database = await openDatabase(config.database);
    cleanup.push(() => database.close());
    const { applied } = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    readiness.register('database', async () => {
      await database.ping();
      return { ok: true, detail: database.dialect };
    });
    readiness.register('migrations', () => ({ ok: true, detail: `${applied.length} applied at start` }));

    let redis: Redis | null = null;
    let bus: Bus;
    let rateLimitStore: RateLimitStore;
    if (config.redis.url) {
      const client = await connectRedis(config.redis.url, logger);
      redis = client;
      cleanup.push(() => void client.disconnect());
      bus = await createRedisBus(client, `${config.redis.prefix}bus:`, logger);
      rateLimitStore = new RedisRateLimitStore(client, `${config.redis.prefix}rl:`);
      readiness.register('redis', async () => ({ ok: (await client.ping()) === 'PONG' }));
    } else {
      bus = createMemoryBus(logger);
      rateLimitStore = new MemoryRateLimitStore();
    }
    cleanup.push(() => bus.close(), () => rateLimitStore.close());

    const tokens = new TokenService({
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      accessTtlSeconds: config.auth.accessTtlSeconds,
      refreshTtlSeconds: config.auth.refreshTtlSeconds,
      keys: await loadSigningKeys(config.auth.key, config.dataDir, logger),
    });
    const sessions = new SessionService(database.db, tokens, bus, config.auth.sessionCacheSeconds * 1000, clock);
    cleanup.push(() => sessions.close());
    const mail = new MailDispatcher(database.db, logger.child({ module: 'mail' }), config.mail);
    cleanup.push(() => mail.close());
    const accounts = new AccountService(database.db, sessions, mail, {
      publicUrl: config.http.publicUrl,
      requireEmailVerification: config.auth.requireEmailVerification,
    });
    const windowMs = config.auth.rateLimit.windowSeconds * 1000;
    const limits = {
      perIp: rateLimitStore.limiter('auth-ip', config.auth.rateLimit.perIp, windowMs),
      perAccount: rateLimitStore.limiter('auth-account', config.auth.rateLimit.perAccount, windowMs),
    };
    const requireAuth = authenticate(tokens, sessions);

    let sfu: WorkerPool | null = null;
    if (config.sfu.workers > 0) {
      const pool = await WorkerPool.start(
        { count: config.sfu.workers, rtcMinPort: config.sfu.rtcMinPort, rtcMaxPort: config.sfu.rtcMaxPort, logLevel: config.sfu.logLevel },
        logger.child({ module: 'sfu' }),
      );
      sfu = pool;
      cleanup.push(() => pool.close());
      readiness.register('sfu', () => ({ ok: pool.allAlive(), detail: `${pool.size} workers` }));
    }

    const definitions = readModelDefinitions(config.models.file).filter(
      (m) => config.models.enabled === 'all' || config.models.enabled.includes(m.id),
    );
    const models = new ModelRegistry(definitions, config.models, logger.child({ module: 'models' }));
    cleanup.push(() => models.close());
    readiness.register('models', () => models.readiness());
    // Speech recognition and voice activity, for live meetings and uploaded recordings; closed
    // after the job runner (cleanup runs in reverse), so a job in hand can finish its step.
    const speech = await startSpeech({ config: config.transcription, models, logger: logger.child({ module: 'transcription' }) });
    cleanup.push(() => speech.close());
    const blobs = new BlobStore(path.join(config.dataDir, 'files'));
    const jobs = new JobRunner(database.db, models, blobs, bus, logger.child({ module: 'jobs' }));
    cleanup.push(() => jobs.close());
    const clubAccess = new ClubAccessService(database.db);
    const projects = new ProjectService(database.db, blobs, models, jobs, clubAccess, { ...config.uploads });

    const clubService = new ClubService(database.db, clubAccess, bus, config.clubs);
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const joinPasswords = new JoinPasswordGuard(rateLimitStore, config.clubs.joinPasswordLimit, metrics);
    const membership = new MembershipService(database.db, clubService, joinPasswords);
    let meetings: MeetingHub | null = null;
    let audioTaps: AudioTaps | null = null;
    if (sfu) {
      const pool = sfu;
      const taps = new AudioTaps(logger.child({ module: 'audio-taps' }));
      const hub = new MeetingHub({ pool, settings: mediaSettingsFrom(config.sfu), recorder: new MeetingRecords(database.db, clubService), logger: logger.child({ module: 'meetings' }), taps, clock });
      meetings = hub;
      audioTaps = taps;
      cleanup.push(() => hub.close());
      sfuMetrics(pool, metrics, hub);
    }
    const registry = new OpenApiRegistry();
    const apiDeps: ApiDeps = { registry, requireAuth, clubs: clubAccess };
    const features: FeatureDeps = { ...apiDeps, db: database.db, config, logger, events: clubService, blobs };
    // Order matters: fixed paths (/clubs/recommended) before /clubs/:clubId.
    const featureApis = [
      discoveryRoutes(features),
      clubRoutes({ ...features, clubService, membership }),
      scheduleRoutes(features),
      contentRoutes(features),
      bookRoutes(features),
      postsRoutes(features),
      meetingsRoutes(features),
      chatRoutes(features),
    ];
    const apiDocs = docsRoutes(apiDeps, { title: 'Roundtable', version: '0.1.0', serverUrl: config.http.publicUrl });

    let notes: NotesServer | null = null;
    let notesStore: NotesStore | null = null;
    let quotes: QuoteService;
    let intelligenceNotes: NotesAccess;
    {
      const store = new NotesStore(database.db, logger.child({ module: 'notes' }), {
        groupCommitMs: config.notes.groupCommitMs,
        compactAfterUpdates: config.notes.compactAfterUpdates,
      });
      notesStore = store;
      // With Redis, updates and presence reach the other nodes serving the same document.
      const relay = redis ? new RedisNotesRelay(redis, `${config.redis.prefix}notes:`, logger.child({ module: 'notes' })) : null;
      if (relay) cleanup.push(() => relay.close());
      const documents = new DocumentRegistry(store, logger.child({ module: 'notes' }), config.notes.idleMs, { relay, seed: meetingTemplateSeeder(database.db) });
      const authorize = options.notesAuthorizer ?? clubNotesAuthorizer(clubAccess, databaseNotesLookup(database.db));
      const server = new NotesServer({
        db: database.db,
        documents,
        tokens,
        sessions,
        bus,
        logger: logger.child({ module: 'notes' }),
        allowedOrigins: config.http.allowedOrigins,
        authorize,
        limits: config.notes,
        clock,
      });
      quotes = new QuoteService({ db: database.db, projects, documents, authorize });
      intelligenceNotes = notesAccess(documents);
      notes = server;
      cleanup.push(() => server.close());
    }

    // Live transcription of meetings hosted here: taps → voice activity → recognition → segments.
    let transcription: Transcription | null = null;
    const transcriptSink = new TranscriptSink(database.db, intelligenceNotes, meetings ?? noAnnouncer);
    if (meetings && audioTaps) {
      const built = startTranscription({ config: config.transcription, speech, db: database.db, taps: audioTaps, sink: transcriptSink, metrics, logger: logger.child({ module: 'transcription' }) });
      transcription = built;
      cleanup.push(() => built.close(0));
    }

    // Meeting intelligence: transcripts, summaries (jobs of the one runner), the club's memory.
    const reranker = config.intelligence.embedModelDir ? await loadEmbeddingReranker(config.intelligence.embedModelDir, logger.child({ module: 'embed' })) : null;
    if (reranker) cleanup.push(() => reranker.close());
    models.registerEngine({
      id: 'extractive-summary',
      name: 'Meeting summary (extractive, with citations)',
      description: 'Key points, decisions, open questions and action items picked from the transcript and the minutes by cue phrases and centrality, English and Korean; every item cites its sources',
      task: 'summary',
      state: 'ready',
    });
    models.registerEngine({
      id: 'sentence-embedding',
      name: 'Sentence embeddings (BERT-style ONNX)',
      description: "Re-ranks the club memory search's BM25 results by meaning; without it, BM25 over character 2-3-grams alone",
      task: 'embed',
      ...(reranker ? { state: 'ready' as const } : { state: 'unavailable' as const, detail: 'no model: set EMBED_MODEL_DIR to a BERT-style ONNX export with vocab.txt' }),
    });
    const memory = new MemorySearch(database.db, intelligenceNotes, { maxTexts: config.intelligence.searchMaxDocuments, reranker });
    const summaryJob = new SummaryJob({
      db: database.db,
      notes: intelligenceNotes,
      memory,
      bus,
      logger: logger.child({ module: 'summaries' }),
      settings: { keyPoints: config.intelligence.summaryKeyPoints, maxSegments: config.intelligence.summaryMaxSegments, mail: Boolean(config.mail.smtpUrl), publicUrl: config.http.publicUrl },
    });
    jobs.handle(SUMMARY_JOB, summaryJob);
    jobs.handle(RECORDING_JOB, new RecordingJob({ db: database.db, blobs, speech, sink: transcriptSink, bus, logger: logger.child({ module: 'recordings' }) }));
    const intelligenceApis = [
      transcriptRoutes({ ...features, notes: intelligenceNotes }),
      summaryRoutes(features, new SummaryService(database.db, jobs)),
      searchRoutes(features, memory),
      recordingRoutes({
        ...features,
        recordings: new RecordingService(database.db, blobs, jobs, config.recordings),
        limits: { maxFileBytes: config.recordings.maxBytes, maxFiles: config.recordings.maxFiles, maxRequestBytes: config.recordings.maxBytes * config.recordings.maxFiles + 1024 * 1024, memoryBytes: config.uploads.memoryBytes, tempDir: blobs.tempDir },
        slots: new UploadSlots(config.uploads.concurrencyPerUser),
      }),
    ];

    await bus.ready();
    mail.start();
    // Models load and warm in the background; /readyz says 503 until they are done.
    void models.start();
    jobs.start();

    const app = createHttpApp({
      config,
      logger,
      health: healthRoutes(readiness),
      routes: [
        ['/auth', authRoutes({ ...apiDeps, accounts, sessions, tokens, limits }).router],
        ['/', metricsRouter(metrics, { token: config.metricsToken })],
        ['/api', userRoutes(apiDeps, new ProfileService(database.db, bus)).router],
        [
          '/api',
          projectRoutes({
            ...apiDeps,
            projects,
            models,
            quotes,
            uploads: {
              limits: { maxFileBytes: config.uploads.maxBytes, maxFiles: config.uploads.maxFiles, maxRequestBytes: config.uploads.requestMaxBytes, memoryBytes: config.uploads.memoryBytes, tempDir: blobs.tempDir },
              slots: new UploadSlots(config.uploads.concurrencyPerUser),
            },
          }).router,
        ],
        ['/api', fileRoutes(apiDeps, new FileService(database.db), blobs).router],
        ['/api', apiDocs.router],
        ...featureApis.map((api): [string, express.Router] => ['/api', api.router]),
        ...intelligenceApis.map((api): [string, express.Router] => ['/api', api.router]),
        ...(notes ? ([['/api', notes.routes(apiDeps).router]] as Array<[string, express.Router]>) : []),
      ],
    });
    const server = http.createServer(app);
    // Socket.IO handshakes bypass Express: their client address is read with the same proxy rules.
    const socketClientIp = clientIpReader(config.http.trustProxy);
    const signaling = new SignalingServer({
      httpServer: server,
      tokens,
      sessions,
      clubs: clubAccess,
      membership: {
        knock: async (clubId, userId, input, request) => {
          const access = await clubAccess.resolve(clubId, userId);
          if (!access) throw new AppError('not_found', 'Club not found');
          return membership.knock(access, userId, input, socketClientIp(request));
        },
        decide: (clubId, knockId, deciderId, decision) => membership.decide(clubId, knockId, deciderId, decision),
        pendingKnocks: (clubId, query) => membership.pendingKnocks(clubId, query),
      },
      chat: new ChatStore(database.db),
      bus,
      redis,
      redisPrefix: config.redis.prefix,
      allowedOrigins: config.http.allowedOrigins,
      limits: config.signaling,
      logger: logger.child({ module: 'signaling' }),
      clock,
    });
    cleanup.push(() => signaling.close());
    let listeningUrl = '';
    const locator = redis
      ? new RedisMeetingLocator({
          redis,
          prefix: `${config.redis.prefix}meeting:`,
          url: () => config.sfu.nodeUrl ?? listeningUrl,
          hosts: (meetingId) => meetings?.hosts(meetingId) ?? false,
          lost: (meetingId) => void meetings?.endMeeting(meetingId, { record: false, reason: 'moved' }),
          claimTtlMs: config.sfu.claimTtlMs,
          logger: logger.child({ module: 'meetings' }),
        })
      : new LocalMeetingLocator();
    cleanup.push(() => locator.close());
    if (meetings) {
      const feature = meetingsFeature({ media: meetings, catalog: new DatabaseMeetingCatalog(database.db), locator, directory: clubAccess, bus });
      signaling.use(feature);
      cleanup.push(() => feature.stop());
    } else {
      signaling.use(meetingsUnavailable());
    }
    await signaling.start();
    server.on('upgrade', (req, socket, head) => {
      if (signaling.ownsUpgrade(req)) return; // Socket.IO's own upgrade listener takes it
      if (!notes?.handleUpgrade(req, socket, head)) socket.destroy();
    });
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    listeningUrl = url;
    logger.info({ url, database: database.dialect, bus: redis ? 'redis' : 'memory', sfuWorkers: sfu?.size ?? 0 }, 'roundtable listening');

    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        readiness.drain();
        // Give load balancers time to see /readyz fail before connections are refused.
        if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
        // Each step runs even if one before it failed (Redis gone, say).
        const step = async (name: string, run: () => Promise<void> | void) => {
          try {
            await run();
          } catch (err) {
            logger.warn({ err: (err as Error).message, step: name }, 'error while shutting down');
          }
        };
        // Meetings first, so that their people hear why and may rejoin on another node: the
        // claims go before anyone is told, or a quick rejoin elsewhere would be sent back here.
        meetings?.stopAccepting();
        await step('meeting claims', () => locator.close());
        await step('meetings', () => meetings?.close());
        // What was said until then is recognised and recorded (for a while) before the documents close.
        await step('transcription', () => transcription?.close(config.shutdownTimeoutMs));
        // A job in hand hands itself back at its next step, before the documents it writes close.
        await step('jobs', () => jobs.close());
        // Sockets next: their clients reconnect elsewhere while HTTP requests finish here.
        await step('signaling', () => signaling.close());
        // Open notes WebSockets would keep the HTTP server from closing: they go first too.
        await step('notes', () => notes?.close());
        await step('http', () => drainHttp(server, config.shutdownTimeoutMs, logger));
        await closeAll();
        logger.info('shutdown complete');
      })();
      return closing;
    };
    return { config, logger, database, server, app, url, sfu, meetings, audioTaps, transcription, notesStore, signaling, joinPasswords, close };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Stops accepting, lets in-flight requests finish (up to the timeout), then cuts the rest. */
async function drainHttp(server: http.Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections become idle as their last request finishes: close them then.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => res.setHeader('Connection', 'close'));
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    logger.warn({ timeoutMs }, 'shutdown timeout: closing remaining connections');
    server.closeAllConnections();
    await closed;
  }
  clearInterval(sweeper);
  clearTimeout(timer);
}
