// Every setting comes from the environment (optionally a .env file), validated once.
// A bad value stops the process with one message naming the variable: see ConfigError.
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

// Plain decimal digits only: " ", "0x50" or "1e3" are mistakes, not numbers.
const integer = (min: number, max: number, what = 'an integer') => {
  const message = `must be ${what} between ${min} and ${max}`;
  return z
    .string()
    .regex(/^-?\d{1,16}$/, { error: message })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));
};

const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol.replace(/:$/, '')) && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { error: `must be a URL like ${example}` },
  );

// Durations are given in seconds; names end in _SECONDS so nobody guesses the unit.
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535, 'a port number').default(3000),
  PUBLIC_URL: urlWithProtocols(['http', 'https'], 'https://club.example.org').optional(),
  TRUST_PROXY: z.string().default('false'),
  ALLOWED_ORIGINS: z.string().default(''),
  BODY_LIMIT_BYTES: integer(1024, 50 * 1024 * 1024).default(100 * 1024),
  /** The built web client (default: web/dist of this checkout). */
  WEB_DIR: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: urlWithProtocols(['postgres', 'postgresql'], 'postgres://user:pass@host:5432/roundtable').optional(),
  DATABASE_POOL_MAX: integer(1, 200).default(10),
  REDIS_URL: urlWithProtocols(['redis', 'rediss'], 'redis://127.0.0.1:6379').optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, { error: 'must be 1-64 letters, digits or ":_.-"' }).default('roundtable:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  JWT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('roundtable'),
  JWT_AUDIENCE: z.string().min(1).default('roundtable'),
  ACCESS_TOKEN_TTL_SECONDS: integer(30, 24 * 3600).default(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: integer(300, 365 * 24 * 3600).default(30 * 24 * 3600),
  SESSION_CACHE_SECONDS: integer(0, 300).default(15),
  REQUIRE_EMAIL_VERIFICATION: booleanString.default(false),
  SMTP_URL: urlWithProtocols(['smtp', 'smtps'], 'smtp://user:pass@mail.example.org:587').optional(),
  MAIL_FROM: z.string().min(3).default('Roundtable <no-reply@localhost>'),
  RATE_LIMIT_AUTH_PER_IP: integer(1, 100000).default(30),
  RATE_LIMIT_AUTH_PER_ACCOUNT: integer(1, 100000).default(10),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: integer(1, 86400).default(15 * 60),
  SHUTDOWN_TIMEOUT_SECONDS: integer(1, 600).default(10),
  SHUTDOWN_DRAIN_SECONDS: integer(0, 300).default(0),
  UPLOAD_MAX_BYTES: integer(1024, 200 * 1024 * 1024).default(20 * 1024 * 1024),
  UPLOAD_MAX_FILES: integer(1, 200).default(20),
  UPLOAD_REQUEST_MAX_BYTES: integer(1024, 2 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  UPLOAD_MAX_PIXELS: integer(1, 1_000_000_000).default(40_000_000),
  UPLOAD_QUOTA_BYTES: integer(0, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
  UPLOAD_CONCURRENCY_PER_USER: integer(1, 1000).default(4),
  UPLOAD_MEMORY_BYTES: integer(0, 64 * 1024 * 1024).default(1024 * 1024),
  AVATAR_MAX_BYTES: integer(1024, 50 * 1024 * 1024).default(5 * 1024 * 1024),
  AVATAR_MAX_PIXELS: integer(1, 1_000_000_000).default(25_000_000),
  AVATAR_SIZE: integer(32, 1024).default(256),
  PROJECTS_PER_USER: integer(1, 100_000).default(200),
  PROJECT_MAX_IMAGES: integer(1, 100_000).default(1000),
  MODELS_FILE: z.string().min(1).optional(),
  MODELS: z.string().regex(/^(all|none|[a-z0-9._-]+(,[a-z0-9._-]+)*)$/, { error: 'must be "all", "none" or a comma-separated list of model ids' }).default('all'),
  MODELS_WARMUP: booleanString.default(true),
  OCR_THREADS: integer(1, 64).optional(),
  TESSDATA_DIR: z.string().min(1).optional(),
  ASR_ENGINE: z.enum(['pocketsphinx', 'whisper', 'none']).optional(),
  ASR_MODEL_DIR: z.string().min(1).optional(),
  ASR_LANGUAGE: z.string().regex(/^[a-z]{2,3}$/, { error: 'must be a language code like en or ko' }).optional(),
  TRANSCRIPTION_MAX_PENDING: integer(1, 10_000).default(64),
  TRANSCRIPTION_CONCURRENCY: integer(1, 64).optional(),
  INFERENCE_WORKERS: integer(1, 64).optional(),
  RECORDING_MAX_SECONDS: integer(1, 24 * 3600).default(4 * 3600),
  RECORDING_MAX_BYTES: integer(1024, 4 * 1024 * 1024 * 1024).default(1024 * 1024 * 1024),
  RECORDING_MAX_FILES: integer(1, 16).default(4),
  RECORDING_MAX_CHANNELS: integer(1, 8).default(2),
  NOTES_MAX_MESSAGE_BYTES: integer(1024, 64 * 1024 * 1024).default(2 * 1024 * 1024),
  NOTES_MESSAGES_PER_SECOND: integer(0, 100_000).default(200),
  NOTES_MAX_DOC_GROWTH_BYTES: integer(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  NOTES_GROUP_COMMIT_MS: integer(0, 1000).default(5),
  NOTES_COMPACT_AFTER_UPDATES: integer(10, 10_000_000).default(1000),
  NOTES_IDLE_SECONDS: integer(1, 86400).default(30),
  NOTES_MAX_AWARENESS_BYTES: integer(64, 1024 * 1024).default(8 * 1024),
  NOTES_MAX_AWARENESS_CLIENTS: integer(1, 64).default(4),
  NOTES_AWARENESS_QUERY_SECONDS: integer(0, 3600).default(5),
  NOTES_MAX_SEND_QUEUE_BYTES: integer(64 * 1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  NOTES_HEARTBEAT_SECONDS: integer(1, 3600).default(30),
  NOTES_MAX_VERSIONS: integer(1, 100_000).default(50),
  NOTES_MAX_REFERENCED_USERS: integer(1, 1_000_000).default(5000),
  TRANSCRIPT_EXPORT_MAX_SEGMENTS: integer(1, 10_000_000).default(100_000),
  SUMMARY_MAX_SEGMENTS: integer(1, 10_000_000).default(50_000),
  SUMMARY_KEY_POINTS: integer(0, 50).default(5),
  SEARCH_MAX_DOCUMENTS: integer(100, 10_000_000).default(200_000),
  EMBED_MODEL_DIR: z.string().min(1).optional(),
  SIGNALING_EVENTS_PER_SECOND: integer(0, 100_000).default(20),
  SIGNALING_CHAT_PER_MINUTE: integer(0, 1_000_000).default(60),
  SIGNALING_MAX_MESSAGE_BYTES: integer(1024, 16 * 1024 * 1024).default(64 * 1024),
  SIGNALING_RECOVERY_SECONDS: integer(0, 3600).default(120),
  SIGNALING_PRESENCE_TTL_SECONDS: integer(2, 300).default(15),
  SIGNALING_MAX_SOCKETS_PER_USER: integer(0, 1000).default(20),
  CLUB_MAX_MEMBERS: integer(1, 1000).default(12),
  CLUBS_PER_USER: integer(1, 10_000).default(20),
  RATE_LIMIT_JOIN_PASSWORD_PER_USER: integer(1, 100000).default(10),
  RATE_LIMIT_JOIN_PASSWORD_PER_IP: integer(1, 100000).default(30),
  RATE_LIMIT_JOIN_PASSWORD_PER_CLUB: integer(1, 100000).default(60),
  RATE_LIMIT_JOIN_PASSWORD_WINDOW_SECONDS: integer(1, 86400).default(15 * 60),
  RATE_LIMIT_CALENDAR_FEED_PER_TOKEN: integer(1, 100000).default(60),
  RATE_LIMIT_CALENDAR_FEED_WINDOW_SECONDS: integer(1, 86400).default(3600),
  CALENDAR_FEED_RETENTION_DAYS: integer(0, 3650).default(30),
  SFU_WORKERS: integer(0, 64).optional(),
  SFU_RTC_MIN_PORT: integer(1024, 65535).default(40000),
  SFU_RTC_MAX_PORT: integer(1024, 65535).default(49999),
  SFU_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  SFU_LISTEN_IP: z.string().refine((v) => isIP(v) !== 0, { error: 'must be an IPv4 or IPv6 address' }).default('127.0.0.1'),
  SFU_ANNOUNCED_IP: z.string().refine((v) => isIP(v) !== 0, { error: 'must be an IPv4 or IPv6 address' }).optional(),
  SFU_MAX_PEERS_PER_MEETING: integer(2, 1000).default(50),
  SFU_CONSUMERS_PER_ROUTER: integer(1, 100_000).default(600),
  SFU_MAX_INCOMING_BITRATE: integer(100_000, 100_000_000).default(1_500_000),
  SFU_RECONNECT_GRACE_MS: integer(1_000, 600_000).default(30_000),
  /** Where clients reach this node directly, when meetings are spread over nodes (REDIS_URL). */
  SFU_NODE_URL: urlWithProtocols(['http', 'https'], 'https://node-1.club.example.org').optional(),
  SFU_CLAIM_TTL_MS: integer(1_000, 600_000).default(10_000),
  /** When set, GET /metrics wants it as a bearer token. */
  METRICS_TOKEN: z.string().min(16).optional(),
});

export type Env = z.infer<typeof envSchema>;

export type JwtKeyConfig =
  | { alg: 'HS256'; secret?: string }
  | { alg: 'ES256'; privateKeyFile: string; publicKeyFile: string };

export interface Config {
  env: Env['NODE_ENV'];
  http: {
    host: string;
    port: number;
    publicUrl: string;
    trustProxy: false | number | string[];
    allowedOrigins: string[];
    bodyLimitBytes: number;
    /** Where the built web client is; undefined: web/dist of this checkout. */
    webDir: string | undefined;
  };
  dataDir: string;
  database: { url?: string; poolMax: number; pgliteDir: string };
  redis: { url?: string; prefix: string };
  logLevel: Env['LOG_LEVEL'];
  auth: {
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    sessionCacheSeconds: number;
    key: JwtKeyConfig;
    requireEmailVerification: boolean;
    rateLimit: { perIp: number; perAccount: number; windowSeconds: number };
  };
  mail: { smtpUrl?: string; from: string };
  shutdownTimeoutMs: number;
  /** How long /readyz answers 503 before the server stops accepting (for load balancers). */
  shutdownDrainMs: number;
  /** GET /metrics wants this bearer token when set. */
  metricsToken?: string;
  uploads: {
    maxBytes: number;
    maxFiles: number;
    requestMaxBytes: number;
    maxPixels: number;
    quotaBytes: number;
    /** Uploads one user may have in progress on a node. */
    concurrencyPerUser: number;
    /** A file part past this many bytes is streamed to a temp file instead of kept in memory. */
    memoryBytes: number;
    projectsPerUser: number;
    imagesPerProject: number;
  };
  /** Profile pictures: the upload's limits and the side of the square WebP kept. */
  avatars: {
    maxBytes: number;
    maxPixels: number;
    size: number;
  };
  models: { file?: string; enabled: 'all' | string[]; warmup: boolean; ocrThreads: number; tessdataDir?: string };
  /**
   * Live transcription. asrEngine: unset means pocketsphinx where it is installed, else none.
   * maxPending utterances wait for recognition across the node; concurrency run at once;
   * inferenceWorkers threads run ONNX models (voice activity) off the event loop.
   */
  transcription: {
    asrEngine?: 'pocketsphinx' | 'whisper' | 'none';
    asrModelDir?: string;
    asrLanguage?: string;
    maxPending: number;
    concurrency: number;
    inferenceWorkers: number;
  };
  /** Uploaded recordings (POST /api/meetings/:id/recordings): per-file length, size and channels, files per request. */
  recordings: { maxSeconds: number; maxBytes: number; maxFiles: number; maxChannels: number };
  notes: {
    maxMessageBytes: number;
    messagesPerSecond: number;
    maxDocumentGrowthBytes: number;
    groupCommitMs: number;
    compactAfterUpdates: number;
    idleMs: number;
    /** Largest awareness (presence) state of one client, JSON bytes. */
    maxAwarenessBytes: number;
    /** Awareness client ids one connection may introduce. */
    maxAwarenessClients: number;
    /** A connection's awareness queries are answered at most once per this many ms; 0 = always. */
    awarenessQueryIntervalMs: number;
    /** A client whose unsent data passes this is closed (it stopped reading). */
    maxSendQueueBytes: number;
    heartbeatMs: number;
    /** Named versions per document. */
    maxVersions: number;
    /** Distinct user ids (speakers, askers) a document may reference. */
    maxReferencedUsers: number;
  };
  /** consumersPerRouter: past it, a meeting spreads onto another router (pipeToRouter). Bitrate in bit/s. */
  sfu: {
    workers: number;
    rtcMinPort: number;
    rtcMaxPort: number;
    logLevel: Env['SFU_LOG_LEVEL'];
    listenIp: string;
    announcedIp?: string;
    maxPeersPerMeeting: number;
    consumersPerRouter: number;
    maxIncomingBitrate: number;
    /** A peer whose socket dropped keeps its media this long. */
    reconnectGraceMs: number;
    /** Where clients reach this node (its listening address when unset). */
    nodeUrl?: string;
    /** How long a node's claim on a meeting outlives its last refresh (Redis directory). */
    claimTtlMs: number;
  };
  /** Socket.IO: per-socket limits (0 = unlimited), recovery window, presence heartbeat TTL. */
  signaling: {
    eventsPerSecond: number;
    chatPerMinute: number;
    maxMessageBytes: number;
    recoveryMs: number;
    presenceTtlMs: number;
    maxSocketsPerUser: number;
  };
  /** maxMembers caps every club's max_members; ownedPerUser caps how many clubs one person owns. */
  /** Meeting intelligence: transcript exports, summaries, club memory search. */
  intelligence: {
    exportMaxSegments: number;
    /** Segments a summary reads at most (the earliest ones). */
    summaryMaxSegments: number;
    summaryKeyPoints: number;
    /** Texts one club search indexes at most (newest first). */
    searchMaxDocuments: number;
    /** A sentence-embedding model (model.onnx + vocab.txt); BM25 alone without it. */
    embedModelDir?: string;
  };
  clubs: {
    maxMembers: number;
    ownedPerUser: number;
    /** Join-password guesses per person, per client address and per club in one window. */
    joinPasswordLimit: { perUser: number; perIp: number; perClub: number; windowSeconds: number };
    /** Fetches of one calendar subscription address in one window. */
    calendarFeedLimit: { perToken: number; windowSeconds: number };
    /** Days a reset or ended calendar address is kept before the maintenance sweep deletes it. */
    calendarFeedRetentionDays: number;
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Which proxies may set X-Forwarded-For: false, a hop count, or addresses/subnets/names.
 * `true` (trust any hop) is refused: clients could then pick their own IP and escape rate limits.
 */
function parseTrustProxy(value: string, problems: string[]): false | number | string[] {
  if (value === 'false' || value === '') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((v) => v.trim()).filter(Boolean);
  const valid = entries.every((e) => PROXY_NAMES.has(e) || isIP(e.split('/')[0] ?? '') !== 0);
  if (value === 'true' || !valid) {
    problems.push('TRUST_PROXY: must be false, a hop count, or proxy addresses/subnets (e.g. "loopback" or "10.0.0.0/8"); "true" would let clients forge their IP');
    return false;
  }
  return entries;
}

function parseOrigins(value: string, problems: string[]): string[] {
  const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    try {
      if (new URL(origin).origin !== origin) throw new Error('not an origin');
    } catch {
      problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://club.example.org`);
    }
  }
  return origins;
}

/** Pure: reads a plain record (process.env or a test's own), returns a Config or throws ConfigError. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const raw = present[name];
      const shown = raw === undefined || /SECRET|PASSWORD|KEY|_URL$/.test(name) ? '' : ` (got "${raw}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.SFU_RTC_MIN_PORT > env.SFU_RTC_MAX_PORT) {
    problems.push('SFU_RTC_MIN_PORT: must not be greater than SFU_RTC_MAX_PORT');
  }
  // ICE candidates carry the listen address; a wildcard one is unreachable unless another is announced.
  if ((env.SFU_LISTEN_IP === '0.0.0.0' || env.SFU_LISTEN_IP === '::') && !env.SFU_ANNOUNCED_IP) {
    problems.push('SFU_ANNOUNCED_IP: must be set when SFU_LISTEN_IP listens on every interface');
  }
  // Across nodes, clients are sent to the node holding a meeting: a wildcard address is no place to send them.
  if (env.REDIS_URL && env.SFU_WORKERS !== 0 && !env.SFU_NODE_URL && (env.HOST === '0.0.0.0' || env.HOST === '::')) {
    problems.push('SFU_NODE_URL: must be set with REDIS_URL when HOST listens on every interface (clients are sent to the node holding their meeting)');
  }
  if (Boolean(env.JWT_PRIVATE_KEY_FILE) !== Boolean(env.JWT_PUBLIC_KEY_FILE)) {
    problems.push('JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE: set both (ES256) or neither (HS256)');
  }
  const allowedOrigins = parseOrigins(env.ALLOWED_ORIGINS, problems);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);
  // Every node must sign and verify with the same key; a secret generated per DATA_DIR would differ.
  if (env.REDIS_URL && !env.JWT_SECRET && !env.JWT_PRIVATE_KEY_FILE) {
    problems.push('JWT_SECRET: must be set (the same on every node) when REDIS_URL is set, or configure JWT_PRIVATE_KEY_FILE/JWT_PUBLIC_KEY_FILE');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(env.DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  const key: JwtKeyConfig =
    env.JWT_PRIVATE_KEY_FILE && env.JWT_PUBLIC_KEY_FILE
      ? { alg: 'ES256', privateKeyFile: env.JWT_PRIVATE_KEY_FILE, publicKeyFile: env.JWT_PUBLIC_KEY_FILE }
      : { alg: 'HS256', secret: env.JWT_SECRET };
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      publicUrl,
      trustProxy,
      allowedOrigins: allowedOrigins.length > 0 ? allowedOrigins : [new URL(publicUrl).origin],
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      webDir: env.WEB_DIR ? path.resolve(env.WEB_DIR) : undefined,
    },
    dataDir,
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, pgliteDir: path.join(dataDir, 'pg') },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    logLevel: env.LOG_LEVEL,
    auth: {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      sessionCacheSeconds: env.SESSION_CACHE_SECONDS,
      key,
      requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
      rateLimit: {
        perIp: env.RATE_LIMIT_AUTH_PER_IP,
        perAccount: env.RATE_LIMIT_AUTH_PER_ACCOUNT,
        windowSeconds: env.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      },
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_SECONDS * 1000,
    metricsToken: env.METRICS_TOKEN,
    uploads: {
      maxBytes: env.UPLOAD_MAX_BYTES,
      maxFiles: env.UPLOAD_MAX_FILES,
      requestMaxBytes: env.UPLOAD_REQUEST_MAX_BYTES,
      maxPixels: env.UPLOAD_MAX_PIXELS,
      quotaBytes: env.UPLOAD_QUOTA_BYTES,
      concurrencyPerUser: env.UPLOAD_CONCURRENCY_PER_USER,
      memoryBytes: env.UPLOAD_MEMORY_BYTES,
      projectsPerUser: env.PROJECTS_PER_USER,
      imagesPerProject: env.PROJECT_MAX_IMAGES,
    },
    avatars: { maxBytes: env.AVATAR_MAX_BYTES, maxPixels: env.AVATAR_MAX_PIXELS, size: env.AVATAR_SIZE },
    models: {
      file: env.MODELS_FILE,
      enabled: env.MODELS === 'all' ? 'all' : env.MODELS === 'none' ? [] : env.MODELS.split(','),
      warmup: env.MODELS_WARMUP,
      ocrThreads: env.OCR_THREADS ?? Math.min(2, os.availableParallelism()),
      tessdataDir: env.TESSDATA_DIR,
    },
    transcription: {
      asrEngine: env.ASR_ENGINE,
      asrModelDir: env.ASR_MODEL_DIR,
      asrLanguage: env.ASR_LANGUAGE,
      maxPending: env.TRANSCRIPTION_MAX_PENDING,
      concurrency: env.TRANSCRIPTION_CONCURRENCY ?? Math.max(1, os.availableParallelism() - 1),
      inferenceWorkers: env.INFERENCE_WORKERS ?? Math.min(2, Math.max(1, os.availableParallelism() - 1)),
    },
    recordings: { maxSeconds: env.RECORDING_MAX_SECONDS, maxBytes: env.RECORDING_MAX_BYTES, maxFiles: env.RECORDING_MAX_FILES, maxChannels: env.RECORDING_MAX_CHANNELS },
    notes: {
      maxMessageBytes: env.NOTES_MAX_MESSAGE_BYTES,
      messagesPerSecond: env.NOTES_MESSAGES_PER_SECOND,
      maxDocumentGrowthBytes: env.NOTES_MAX_DOC_GROWTH_BYTES,
      groupCommitMs: env.NOTES_GROUP_COMMIT_MS,
      compactAfterUpdates: env.NOTES_COMPACT_AFTER_UPDATES,
      idleMs: env.NOTES_IDLE_SECONDS * 1000,
      maxAwarenessBytes: env.NOTES_MAX_AWARENESS_BYTES,
      maxAwarenessClients: env.NOTES_MAX_AWARENESS_CLIENTS,
      awarenessQueryIntervalMs: env.NOTES_AWARENESS_QUERY_SECONDS * 1000,
      maxSendQueueBytes: env.NOTES_MAX_SEND_QUEUE_BYTES,
      heartbeatMs: env.NOTES_HEARTBEAT_SECONDS * 1000,
      maxVersions: env.NOTES_MAX_VERSIONS,
      maxReferencedUsers: env.NOTES_MAX_REFERENCED_USERS,
    },
    intelligence: {
      exportMaxSegments: env.TRANSCRIPT_EXPORT_MAX_SEGMENTS,
      summaryMaxSegments: env.SUMMARY_MAX_SEGMENTS,
      summaryKeyPoints: env.SUMMARY_KEY_POINTS,
      searchMaxDocuments: env.SEARCH_MAX_DOCUMENTS,
      embedModelDir: env.EMBED_MODEL_DIR,
    },
    clubs: {
      maxMembers: env.CLUB_MAX_MEMBERS,
      ownedPerUser: env.CLUBS_PER_USER,
      joinPasswordLimit: {
        perUser: env.RATE_LIMIT_JOIN_PASSWORD_PER_USER,
        perIp: env.RATE_LIMIT_JOIN_PASSWORD_PER_IP,
        perClub: env.RATE_LIMIT_JOIN_PASSWORD_PER_CLUB,
        windowSeconds: env.RATE_LIMIT_JOIN_PASSWORD_WINDOW_SECONDS,
      },
      calendarFeedLimit: { perToken: env.RATE_LIMIT_CALENDAR_FEED_PER_TOKEN, windowSeconds: env.RATE_LIMIT_CALENDAR_FEED_WINDOW_SECONDS },
      calendarFeedRetentionDays: env.CALENDAR_FEED_RETENTION_DAYS,
    },
    signaling: {
      eventsPerSecond: env.SIGNALING_EVENTS_PER_SECOND,
      chatPerMinute: env.SIGNALING_CHAT_PER_MINUTE,
      maxMessageBytes: env.SIGNALING_MAX_MESSAGE_BYTES,
      recoveryMs: env.SIGNALING_RECOVERY_SECONDS * 1000,
      presenceTtlMs: env.SIGNALING_PRESENCE_TTL_SECONDS * 1000,
      maxSocketsPerUser: env.SIGNALING_MAX_SOCKETS_PER_USER,
    },
    sfu: {
      workers: env.SFU_WORKERS ?? Math.max(1, os.availableParallelism()),
      rtcMinPort: env.SFU_RTC_MIN_PORT,
      rtcMaxPort: env.SFU_RTC_MAX_PORT,
      logLevel: env.SFU_LOG_LEVEL,
      listenIp: env.SFU_LISTEN_IP,
      announcedIp: env.SFU_ANNOUNCED_IP,
      maxPeersPerMeeting: env.SFU_MAX_PEERS_PER_MEETING,
      consumersPerRouter: env.SFU_CONSUMERS_PER_ROUTER,
      maxIncomingBitrate: env.SFU_MAX_INCOMING_BITRATE,
      reconnectGraceMs: env.SFU_RECONNECT_GRACE_MS,
      nodeUrl: env.SFU_NODE_URL?.replace(/\/$/, ''),
      claimTtlMs: env.SFU_CLAIM_TTL_MS,
    },
  };
}
