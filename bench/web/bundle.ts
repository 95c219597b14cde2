// What each screen of the web client makes the browser download before it can draw: the entry
// chunk, the route's own chunk, and every chunk they import statically, gzip-compressed (level 9,
// as a server or CDN would send them). Read from the Vite manifest of a build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

export interface RouteWeight {
  /** The route's module (e.g. src/features/home/home-page.tsx), or "entry" for the shell alone. */
  module: string;
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
}

export function buildClient(): string {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'rt-web-weigh-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  return outDir;
}

function staticClosure(manifest: Manifest, keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return seen;
}

/** The first-screen weight of every route chunk of the build in `outDir`. */
export function weighRoutes(outDir: string): RouteWeight[] {
  const manifest = JSON.parse(readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error('no entry chunk in the manifest');
  const gz = new Map<string, { raw: number; gzip: number }>();
  const sizeOf = (file: string) => {
    let size = gz.get(file);
    if (!size) {
      const bytes = readFileSync(path.join(outDir, file));
      size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
      gz.set(file, size);
    }
    return size;
  };
  const weigh = (module: string, keys: string[]): RouteWeight => {
    let jsBytes = 0;
    let jsGzipBytes = 0;
    let cssGzipBytes = 0;
    const css = new Set<string>();
    for (const key of staticClosure(manifest, keys)) {
      const chunk = manifest[key];
      if (!chunk) continue;
      const size = sizeOf(chunk.file);
      jsBytes += size.raw;
      jsGzipBytes += size.gzip;
      for (const sheet of chunk.css ?? []) css.add(sheet);
    }
    for (const sheet of css) cssGzipBytes += sizeOf(sheet).gzip;
    return { module, jsBytes, jsGzipBytes, cssGzipBytes };
  };
  const routes = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isDynamicEntry && chunk.src?.endsWith('-page.tsx'))
    .map(([key, chunk]) => weigh(chunk.src ?? key, [entryKey, key]));
  return [weigh('entry', [entryKey]), ...routes.sort((a, b) => a.module.localeCompare(b.module))];
}
