// The first-screen budget: every route of the web client loads at most 150 KB of compressed
// JavaScript before it can draw (the editor and mediasoup-client load only in the meeting room).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { buildClient, weighRoutes, type RouteWeight } from '../../../bench/web/bundle.js';

const BUDGET_GZIP_BYTES = 150 * 1024;

describe('web client bundle budget', function () {
  this.timeout(120_000);
  let routes: RouteWeight[] = [];

  before(() => {
    const outDir = buildClient();
    try {
      routes = weighRoutes(outDir);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('weighs every page of the route table', () => {
    const modules = routes.map((route) => route.module);
    for (const page of ['home/home-page.tsx', 'account/login-page.tsx', 'discover/discover-page.tsx', 'club/club-page.tsx', 'meeting/meeting-page.tsx']) {
      assert.ok(modules.some((module) => module.endsWith(page)), `${page} is a chunk of its own`);
    }
  });

  it('keeps each first screen within 150 KB of compressed JavaScript', () => {
    const over = routes.filter((route) => route.module !== 'src/features/meeting/meeting-page.tsx' && route.jsGzipBytes > BUDGET_GZIP_BYTES);
    assert.deepEqual(over.map((route) => `${route.module}: ${(route.jsGzipBytes / 1024).toFixed(1)} KB`), []);
  });
});
