// Prints what each screen's first load weighs: `npx tsx bench/web/bundle-size.ts`.
// The budget (UI.md, BENCHMARKS.md): at most 150 KB of compressed JavaScript for a first screen.
import { rmSync } from 'node:fs';
import { buildClient, weighRoutes } from './bundle.js';

const outDir = buildClient();
try {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log('| first screen | JS (KB) | JS gzip (KB) | CSS gzip (KB) |');
  console.log('|---|---:|---:|---:|');
  for (const route of weighRoutes(outDir)) {
    console.log(`| ${route.module.replace(/^src\/features\//, '')} | ${kb(route.jsBytes)} | ${kb(route.jsGzipBytes)} | ${kb(route.cssGzipBytes)} |`);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
