// The browser client at `/`: its hashed assets from web/dist (cached for good), and index.html
// for every other page address, so a reload on /clubs/12 opens the app there. Paths that
// belong to the API, the sockets or the notes endpoint are never answered with the page.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';

const SERVER_PATHS = /^\/(api|auth|socket\.io|collab|metrics|healthz|readyz)(\/|$)/;

// Scripts only from this origin; styles may be set inline by the editor; media from blobs
// (camera previews); sockets to this and other nodes (a meeting may live on another node).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** web/dist of this checkout, found from this file whether it runs from server/ or dist/server/. */
export function defaultWebDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'web'))) return path.join(dir, 'web', 'dist');
    dir = path.dirname(dir);
  }
  return path.resolve('web', 'dist');
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Roundtable</title>
<p>The web client has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p></html>`;

export function webClientRoutes(webDir: string): Router {
  const router = Router();
  const indexFile = path.join(webDir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(webDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  router.get(/.*/, (req: Request, res: Response, next) => {
    if (SERVER_PATHS.test(req.path) || req.path.startsWith('/assets/')) return next();
    // A request for a file (favicon.ico, robots.txt) that the client does not have is a plain 404.
    if (path.extname(req.path) !== '') return next();
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(indexFile)) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(indexFile, (err) => err && next(err));
  });
  return router;
}
