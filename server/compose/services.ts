// Builds every service of one node from the configuration, in dependency order, and registers
// each one's closing with the cleanup stack. Nothing is listening yet: routes.ts mounts the
// HTTP side and runtime.ts starts the servers.
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RequestHandler } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { migrateToLatest } from '../../db/migrate.js';
import { openDatabase, type DatabaseHandle } from '../../db/open.js';
import { AudioTaps, MeetingHub, WorkerPool, mediaSettingsFrom, sfuMetrics } from '../../sfu/index.js';
import { TokenService } from '../../shared/auth/tokens.js';
import type { Bus } from '../../shared/bus.js';
import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import { AccountService } from '../auth/accounts.js';
import { loadSigningKeys } from '../auth/keys.js';
import { SessionService } from '../auth/sessions.js';
import { BookCatalogue } from '../books/catalogue.js';
import { ReadingList } from '../books/reading-list.js';
import { ReadingLogs } from '../books/reading-logs.js';
import { createMemoryBus } from '../bus/memory.js';
import { createRedisBus } from '../bus/redis.js';
import { ChatStore } from '../chat/store.js';
import { ClubAccessService } from '../clubs/access.js';
import { CalendarFeeds, calendarFeedCleanup } from '../clubs/calendar-feeds.js';
import { FeedKeyStore } from '../clubs/calendar-feeds-key.js';
import { legacyFeedKey, sealLegacyFeeds } from '../clubs/calendar-feeds-legacy.js';
import { ClubSearch } from '../clubs/discovery.js';
import { ClubGate } from '../clubs/gate.js';
import { JoinPasswordGuard } from '../clubs/join-password.js';
import { MembershipService } from '../clubs/membership.js';
import { Recommender } from '../clubs/recommend.js';
import type { CalendarFeedDeps } from '../clubs/schedule-routes.js';
import { ClubService } from '../clubs/service.js';
import { DuesService } from '../content/dues.js';
import { GoalService } from '../content/goals.js';
import { NoticeService } from '../content/notices.js';
import { RuleService } from '../content/rules.js';
import { SeasonService } from '../content/seasons.js';
import type { FeatureDeps } from '../features.js';
import { Readiness } from '../health.js';
import type { ApiDeps } from '../http/api.js';
import { authenticate } from '../http/authenticate.js';
import { OpenApiRegistry } from '../http/openapi.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimiter, type RateLimitStore } from '../http/rate-limit.js';
import { loadEmbeddingReranker } from '../inference/embed/reranker.js';
import { ModelRegistry, readModelDefinitions } from '../inference/registry.js';
import { MailDispatcher } from '../mail/outbox.js';
import { MaintenanceSweep } from '../maintenance.js';
import { MeetingRecords } from '../meetings/records.js';
import { MeetingService } from '../meetings/service.js';
import { clubNotesAuthorizer, databaseNotesLookup } from '../notes/club-authorizer.js';
import { DocumentRegistry } from '../notes/documents.js';
import { RedisNotesRelay } from '../notes/redis-relay.js';
import { NotesServer, type NotesAuthorizer } from '../notes/server.js';
import { NotesStore } from '../notes/store.js';
import { meetingTemplateSeeder } from '../notes/template.js';
import { CommentService } from '../posts/comments.js';
import { ReportService } from '../posts/reports.js';
import { PostService } from '../posts/service.js';
import { JobRunner } from '../projects/jobs.js';
import { QuoteService } from '../projects/quotes.js';
import { ProjectService } from '../projects/service.js';
import { RECORDING_JOB, RecordingJob } from '../recordings/job.js';
import { RecordingService } from '../recordings/service.js';
import { MemorySearch } from '../search/memory.js';
import { SummaryJob } from '../summaries/job.js';
import { SUMMARY_JOB, SummaryService } from '../summaries/service.js';
import { notesAccess, type NotesAccess } from '../transcripts/documents.js';
import { noAnnouncer, TranscriptSink } from '../transcripts/sink.js';
import { startSpeech, startTranscription, type Transcription } from '../transcripts/start-live.js';
import { FileService } from '../uploads/files.js';
import { UploadSlots } from '../uploads/slots.js';
import { BlobStore } from '../uploads/store.js';
import { AvatarService } from '../users/avatars.js';
import { ProfileService } from '../users/profiles.js';
import type { Cleanup } from './cleanup.js';

export interface ServiceOptions {
  logger: Logger;
  clock: Clock;
  notesAuthorizer?: NotesAuthorizer;
}

/** Everything one node runs, built and wired; routes and servers are made from it. */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  readiness: Readiness;
  database: DatabaseHandle;
  redis: Redis | null;
  bus: Bus;
  metrics: Registry;
  tokens: TokenService;
  sessions: SessionService;
  mail: MailDispatcher;
  accounts: AccountService;
  authLimits: { perIp: RateLimiter; perAccount: RateLimiter };
  requireAuth: RequestHandler;
  /** What every declared endpoint is given, and what every club feature is given. */
  apiDeps: ApiDeps;
  features: FeatureDeps;
  models: ModelRegistry;
  blobs: BlobStore;
  jobs: JobRunner;
  /** One per server: a user's uploads in progress, whatever they upload. */
  uploadSlots: UploadSlots;
  clubAccess: ClubAccessService;
  clubService: ClubService;
  membership: MembershipService;
  joinPasswords: JoinPasswordGuard;
  calendarFeeds: CalendarFeedDeps;
  /** Periodic housekeeping (old calendar addresses); runtime.ts starts it. */
  maintenance: MaintenanceSweep;
  clubSearch: ClubSearch;
  recommender: Recommender;
  content: { notices: NoticeService; rules: RuleService; goals: GoalService; seasons: SeasonService; dues: DuesService };
  books: { catalogue: BookCatalogue; readingList: ReadingList; readingLogs: ReadingLogs };
  posts: { posts: PostService; comments: CommentService; reports: ReportService };
  meetingService: MeetingService;
  chat: ChatStore;
  profiles: ProfileService;
  avatars: AvatarService;
  files: FileService;
  projects: ProjectService;
  quotes: QuoteService;
  sfu: WorkerPool | null;
  meetings: MeetingHub | null;
  audioTaps: AudioTaps | null;
  notes: NotesServer;
  notesStore: NotesStore;
  notesAccess: NotesAccess;
  transcription: Transcription | null;
  memory: MemorySearch;
  summaries: SummaryService;
  recordings: RecordingService;
}

async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000 });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Cannot connect to Redis at REDIS_URL: ${(err as Error).message}`, { cause: err });
  }
  return redis;
}

/** The database, migrated, with its readiness checks. */
async function database(config: Config, readiness: Readiness, cleanup: Cleanup, logger: Logger): Promise<DatabaseHandle> {
  const handle = await openDatabase(config.database);
  cleanup.push(() => handle.close());
  const { applied } = await migrateToLatest(handle.db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  readiness.register('database', async () => {
    await handle.ping();
    return { ok: true, detail: handle.dialect };
  });
  readiness.register('migrations', () => ({ ok: true, detail: `${applied.length} applied at start` }));
  return handle;
}

/** The bus and the rate-limit store: Redis when configured, this process otherwise. */
async function crossNode(config: Config, readiness: Readiness, cleanup: Cleanup, logger: Logger): Promise<{ redis: Redis | null; bus: Bus; rateLimitStore: RateLimitStore }> {
  if (!config.redis.url) {
    const bus = createMemoryBus(logger);
    const rateLimitStore = new MemoryRateLimitStore();
    cleanup.push(() => bus.close(), () => rateLimitStore.close());
    return { redis: null, bus, rateLimitStore };
  }
  const redis = await connectRedis(config.redis.url, logger);
  cleanup.push(() => void redis.disconnect());
  const bus = await createRedisBus(redis, `${config.redis.prefix}bus:`, logger);
  const rateLimitStore = new RedisRateLimitStore(redis, `${config.redis.prefix}rl:`);
  cleanup.push(() => bus.close(), () => rateLimitStore.close());
  readiness.register('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }));
  return { redis, bus, rateLimitStore };
}

export async function buildServices(config: Config, options: ServiceOptions, cleanup: Cleanup): Promise<Services> {
  const { logger, clock } = options;
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const readiness = new Readiness();
  const handle = await database(config, readiness, cleanup, logger);
  const db = handle.db;
  const { redis, bus, rateLimitStore } = await crossNode(config, readiness, cleanup, logger);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  // Accounts and sessions.
  const signingKeys = await loadSigningKeys(config.auth.key, config.dataDir, logger);
  const tokens = new TokenService({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    accessTtlSeconds: config.auth.accessTtlSeconds,
    refreshTtlSeconds: config.auth.refreshTtlSeconds,
    keys: signingKeys,
  });
  const sessions = new SessionService(db, tokens, bus, config.auth.sessionCacheSeconds * 1000, clock);
  cleanup.push(() => sessions.close());
  const mail = new MailDispatcher(db, logger.child({ module: 'mail' }), config.mail);
  cleanup.push(() => mail.close());
  const accounts = new AccountService(db, sessions, mail, { publicUrl: config.http.publicUrl, requireEmailVerification: config.auth.requireEmailVerification });
  const windowMs = config.auth.rateLimit.windowSeconds * 1000;
  const authLimits = {
    perIp: rateLimitStore.limiter('auth-ip', config.auth.rateLimit.perIp, windowMs),
    perAccount: rateLimitStore.limiter('auth-account', config.auth.rateLimit.perAccount, windowMs),
  };
  const requireAuth = authenticate(tokens, sessions);

  // Media workers, first: they take a moment to start.
  let sfu: WorkerPool | null = null;
  if (config.sfu.workers > 0) {
    const pool = await WorkerPool.start({ count: config.sfu.workers, rtcMinPort: config.sfu.rtcMinPort, rtcMaxPort: config.sfu.rtcMaxPort, logLevel: config.sfu.logLevel }, logger.child({ module: 'sfu' }));
    sfu = pool;
    cleanup.push(() => pool.close());
    readiness.register('sfu', () => ({ ok: pool.allAlive(), detail: `${pool.size} workers` }));
  }

  // Inference engines, files and the one job runner.
  const definitions = readModelDefinitions(config.models.file).filter((m) => config.models.enabled === 'all' || config.models.enabled.includes(m.id));
  const models = new ModelRegistry(definitions, config.models, logger.child({ module: 'models' }));
  cleanup.push(() => models.close());
  readiness.register('models', () => models.readiness());
  // Speech recognition and voice activity, for live meetings and uploaded recordings; closed
  // after the job runner (cleanup runs in reverse), so a job in hand can finish its step.
  const speech = await startSpeech({ config: config.transcription, models, logger: logger.child({ module: 'transcription' }) });
  cleanup.push(() => speech.close());
  const blobs = new BlobStore(path.join(config.dataDir, 'files'));
  const jobs = new JobRunner(db, models, blobs, bus, logger.child({ module: 'jobs' }));
  cleanup.push(() => jobs.close());
  const uploadSlots = new UploadSlots(config.uploads.concurrencyPerUser);

  // Clubs and what lives in them.
  const clubAccess = new ClubAccessService(db);
  const gate = new ClubGate(clubAccess);
  const clubService = new ClubService(db, clubAccess, bus, config.clubs, logger);
  const joinPasswords = new JoinPasswordGuard(rateLimitStore, config.clubs.joinPasswordLimit, metrics);
  const membership = new MembershipService(db, clubService, joinPasswords);
  const feedKeys = new FeedKeyStore(db);
  const legacyFeeds = await sealLegacyFeeds(db, feedKeys, legacyFeedKey(signingKeys));
  if (legacyFeeds.sealed + legacyFeeds.foreign > 0) logger.info(legacyFeeds, 'calendar addresses made before 0017 sealed under the calendar feed key');
  const calendarFeeds = {
    feeds: new CalendarFeeds(db, feedKeys, config.http.publicUrl, clock),
    perToken: rateLimitStore.limiter('calendar-feed', config.clubs.calendarFeedLimit.perToken, config.clubs.calendarFeedLimit.windowSeconds * 1000),
  };
  const maintenance = new MaintenanceSweep([calendarFeedCleanup(calendarFeeds.feeds, config.clubs.calendarFeedRetentionDays * 86_400_000)], clock, logger.child({ module: 'maintenance' }));
  const projects = new ProjectService(db, blobs, models, jobs, clubAccess, { ...config.uploads });
  const posts = new PostService(db, gate, clubService);
  const records = new MeetingRecords(db, clubService);
  const registry = new OpenApiRegistry();
  const apiDeps: ApiDeps = { registry, requireAuth, clubs: clubAccess, gate };
  const features: FeatureDeps = { ...apiDeps, db, config, logger, events: clubService, blobs };

  // Media of meetings hosted here.
  let meetings: MeetingHub | null = null;
  let audioTaps: AudioTaps | null = null;
  if (sfu) {
    const taps = new AudioTaps(logger.child({ module: 'audio-taps' }));
    const hub = new MeetingHub({ pool: sfu, settings: mediaSettingsFrom(config.sfu), recorder: records, logger: logger.child({ module: 'meetings' }), taps, clock });
    meetings = hub;
    audioTaps = taps;
    cleanup.push(() => hub.close());
    sfuMetrics(sfu, metrics, hub);
  }

  // Shared notes: store, documents (relayed between nodes with Redis), the WebSocket endpoint.
  const notesStore = new NotesStore(db, logger.child({ module: 'notes' }), { groupCommitMs: config.notes.groupCommitMs, compactAfterUpdates: config.notes.compactAfterUpdates });
  const relay = redis ? new RedisNotesRelay(redis, `${config.redis.prefix}notes:`, logger.child({ module: 'notes' })) : null;
  if (relay) cleanup.push(() => relay.close());
  const documents = new DocumentRegistry(notesStore, logger.child({ module: 'notes' }), config.notes.idleMs, { relay, seed: meetingTemplateSeeder(db) });
  const authorize = options.notesAuthorizer ?? clubNotesAuthorizer(clubAccess, databaseNotesLookup(db));
  const notes = new NotesServer({ db, documents, tokens, sessions, bus, logger: logger.child({ module: 'notes' }), allowedOrigins: config.http.allowedOrigins, authorize, limits: config.notes, clock });
  cleanup.push(() => notes.close());
  const notesApi = notesAccess(documents);

  // Meeting intelligence: transcripts (live and uploaded), summaries, the club's memory.
  const sink = new TranscriptSink(db, notesApi, meetings ?? noAnnouncer);
  let transcription: Transcription | null = null;
  if (meetings && audioTaps) {
    const live = startTranscription({ config: config.transcription, speech, db, taps: audioTaps, sink, metrics, logger: logger.child({ module: 'transcription' }) });
    transcription = live;
    cleanup.push(() => live.close(0));
  }
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
  const memory = new MemorySearch(db, notesApi, { maxTexts: config.intelligence.searchMaxDocuments, reranker });
  jobs.handle(
    SUMMARY_JOB,
    new SummaryJob({
      db,
      notes: notesApi,
      memory,
      bus,
      logger: logger.child({ module: 'summaries' }),
      settings: { keyPoints: config.intelligence.summaryKeyPoints, maxSegments: config.intelligence.summaryMaxSegments, mail: Boolean(config.mail.smtpUrl), publicUrl: config.http.publicUrl },
    }),
  );
  jobs.handle(RECORDING_JOB, new RecordingJob({ db, blobs, speech, sink, bus, logger: logger.child({ module: 'recordings' }) }));

  return {
    config,
    logger,
    clock,
    readiness,
    database: handle,
    redis,
    bus,
    metrics,
    tokens,
    sessions,
    mail,
    accounts,
    authLimits,
    requireAuth,
    apiDeps,
    features,
    models,
    blobs,
    jobs,
    uploadSlots,
    clubAccess,
    clubService,
    membership,
    joinPasswords,
    calendarFeeds,
    maintenance,
    clubSearch: new ClubSearch(db),
    recommender: new Recommender(db),
    content: { notices: new NoticeService(db, clubService), rules: new RuleService(db, clubService), goals: new GoalService(db, clubService), seasons: new SeasonService(db, clubService), dues: new DuesService(db, clubService) },
    books: { catalogue: new BookCatalogue(db), readingList: new ReadingList(db, clubService), readingLogs: new ReadingLogs(db, clubAccess) },
    posts: { posts, comments: new CommentService(db, gate, posts, clubService), reports: new ReportService(db, gate, posts, clubService) },
    meetingService: new MeetingService(db, gate, records, clubService),
    chat: new ChatStore(db),
    profiles: new ProfileService(db, bus),
    avatars: new AvatarService(db, blobs, config.avatars),
    files: new FileService(db),
    projects,
    quotes: new QuoteService({ db, projects, documents, authorize, clubOf: databaseNotesLookup(db), events: clubService }),
    sfu,
    meetings,
    audioTaps,
    notes,
    notesStore,
    notesAccess: notesApi,
    transcription,
    memory,
    summaries: new SummaryService(db, jobs),
    recordings: new RecordingService(db, blobs, jobs, config.recordings),
  };
}
