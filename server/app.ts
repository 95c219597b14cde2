// The Express application: middleware order, routers, and the error edge.
import express, { type Router } from 'express';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { cors, requestContext, securityHeaders } from './http/context.js';
import { errorHandler, notFound } from './http/errors.js';

export interface HttpAppParts {
  config: Config;
  logger: Logger;
  health: Router;
  /** Mounted in order: [path, router]. */
  routes: Array<[string, Router]>;
}

export function createHttpApp({ config, logger, health, routes }: HttpAppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('query parser', 'simple');
  app.use(requestContext(logger));
  app.use(securityHeaders);
  app.use(cors(config.http.allowedOrigins));
  app.use(health);
  app.use(express.json({ limit: config.http.bodyLimitBytes, strict: true }));
  for (const [mountPath, router] of routes) app.use(mountPath, router);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
