// Every route the composed server mounts is in /api/openapi.json, and nothing the document
// lists is missing from the server: the routes are read from the Express app's own router
// stack, so a route added outside the one declaration (server/http/api.ts) fails here.
// Left out, as operations rather than API: /healthz, /readyz and /metrics (health.ts and the
// metrics router); and the web client's pages (server/http/web-client.ts: index.html for any
// other GET), which are the app, not the API. The notes WebSocket (/collab upgrade) and Socket.IO are not Express routes.
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

const OPERATIONAL = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /.*/']);

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[] | RegExp;
  slash?: boolean;
}

/** Every `METHOD /path` the router mounts, `:param` written `{param}` as OpenAPI does. */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${(prefix + path).replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    } else if (layer.handle?.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error(`a router is mounted on a path this test cannot read: ${String(layer.rawPath)}`);
      routes.push(...mountedRoutes(layer.handle.stack, layer.slash ? prefix : prefix + layer.rawPath));
    }
  }
  return routes;
}

describe('OpenAPI document against the mounted routes', () => {
  let server: TestServer;
  let mounted: string[];
  let documented: string[];
  before(async () => {
    server = await startTestServer();
    const router = server.app.app.router as unknown as { stack: Layer[] };
    mounted = mountedRoutes(router.stack).filter((route) => !OPERATIONAL.has(route));
    const doc = (await server.http.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
  });
  after(() => server.close());

  it('reads a real route table (a positive control for the walk itself)', () => {
    for (const known of ['POST /auth/jwt/create', 'GET /api/me', 'GET /api/clubs/{clubId}', 'POST /api/projects/{id}/images', 'GET /api/files/{id}', 'GET /api/openapi.json']) {
      assert.ok(mounted.includes(known), `${known} not found among ${mounted.length} mounted routes`);
    }
    assert.ok(mounted.length >= 100, `only ${mounted.length} routes mounted`);
  });

  it('documents every mounted route', () => {
    assert.deepEqual(mounted.filter((route) => !documented.includes(route)), []);
  });

  it('mounts every documented route, once', () => {
    assert.deepEqual(documented.filter((route) => !mounted.includes(route)), []);
    assert.deepEqual(mounted.filter((route, i) => mounted.indexOf(route) !== i), []);
  });
});
