// The HTTP side of a node: every endpoint set, each declared through server/http/api.ts and
// given the services it acts through, mounted on one Express app with the health and metrics
// routes. Order matters where paths overlap: fixed paths (/clubs/recommended) before /clubs/:clubId.
import type express from 'express';
import { metricsRouter } from '../../sfu/index.js';
import { createHttpApp } from '../app.js';
import { authRoutes } from '../auth/routes.js';
import { bookRoutes } from '../books/routes.js';
import { chatRoutes } from '../chat/routes.js';
import { discoveryRoutes } from '../clubs/discovery-routes.js';
import { clubRoutes } from '../clubs/routes.js';
import { scheduleRoutes } from '../clubs/schedule-routes.js';
import { contentRoutes } from '../content/routes.js';
import { healthRoutes } from '../health.js';
import type { Api } from '../http/api.js';
import { docsRoutes } from '../http/docs-routes.js';
import { defaultWebDir, webClientRoutes } from '../http/web-client.js';
import type { MultipartLimits } from '../uploads/multipart.js';
import { meetingsRoutes } from '../meetings/routes.js';
import { postsRoutes } from '../posts/routes.js';
import { projectRoutes } from '../projects/routes.js';
import { recordingRoutes } from '../recordings/routes.js';
import { searchRoutes } from '../search/routes.js';
import { summaryRoutes } from '../summaries/routes.js';
import { transcriptRoutes } from '../transcripts/routes.js';
import { fileRoutes } from '../uploads/routes.js';
import { userRoutes } from '../users/routes.js';
import type { Services } from './services.js';

function endpointSets(s: Services): Array<[string, Api]> {
  const { config, apiDeps, features } = s;
  const imageLimits: MultipartLimits = {
    maxFileBytes: config.uploads.maxBytes,
    maxFiles: config.uploads.maxFiles,
    maxRequestBytes: config.uploads.requestMaxBytes,
    memoryBytes: config.uploads.memoryBytes,
    tempDir: s.blobs.tempDir,
  };
  const avatarLimits: MultipartLimits = {
    maxFileBytes: config.avatars.maxBytes,
    maxFiles: 1,
    maxRequestBytes: config.avatars.maxBytes + 64 * 1024,
    memoryBytes: config.uploads.memoryBytes,
    tempDir: s.blobs.tempDir,
  };
  const recordingLimits: MultipartLimits = {
    maxFileBytes: config.recordings.maxBytes,
    maxFiles: config.recordings.maxFiles,
    maxRequestBytes: config.recordings.maxBytes * config.recordings.maxFiles + 1024 * 1024,
    memoryBytes: config.uploads.memoryBytes,
    tempDir: s.blobs.tempDir,
  };
  return [
    ['/auth', authRoutes({ ...apiDeps, accounts: s.accounts, sessions: s.sessions, tokens: s.tokens, limits: s.authLimits })],
    ['/api', userRoutes(apiDeps, s.profiles, { avatars: s.avatars, limits: avatarLimits, slots: s.uploadSlots })],
    ['/api', projectRoutes({ ...apiDeps, projects: s.projects, models: s.models, quotes: s.quotes, uploads: { limits: imageLimits, slots: s.uploadSlots } })],
    ['/api', fileRoutes(apiDeps, s.files, s.blobs)],
    ['/api', docsRoutes(apiDeps, { title: 'Roundtable', version: '0.1.0', serverUrl: config.http.publicUrl })],
    ['/api', discoveryRoutes(features, { search: s.clubSearch, recommender: s.recommender })],
    ['/api', clubRoutes({ ...features, clubService: s.clubService, membership: s.membership })],
    ['/api', scheduleRoutes(features, s.calendarFeeds)],
    ['/api', contentRoutes(features, s.content)],
    ['/api', bookRoutes(features, s.books)],
    ['/api', postsRoutes(features, s.posts)],
    ['/api', meetingsRoutes(features, s.meetingService)],
    ['/api', chatRoutes(features, s.chat)],
    ['/api', transcriptRoutes({ ...features, notes: s.notesAccess })],
    ['/api', summaryRoutes(features, s.summaries)],
    ['/api', searchRoutes(features, s.memory)],
    ['/api', recordingRoutes({ ...features, recordings: s.recordings, limits: recordingLimits, slots: s.uploadSlots })],
    ['/api', s.notes.routes(apiDeps)],
  ];
}

export function mountHttp(s: Services): express.Express {
  return createHttpApp({
    config: s.config,
    logger: s.logger,
    health: healthRoutes(s.readiness),
    routes: [
      ['/', metricsRouter(s.metrics, { token: s.config.metricsToken })],
      ...endpointSets(s).map(([mount, api]): [string, express.Router] => [mount, api.router]),
      // Last: the browser client answers the page addresses no endpoint took.
      ['/', webClientRoutes(s.config.http.webDir ?? defaultWebDir())],
    ],
  });
}
