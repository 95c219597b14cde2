// Which file a worker thread runs, and how. Compiled (dist/), the sibling `.js` exists and runs
// on plain Node. From source (tsx: tests, `npm run dev`), only the `.ts` exists: the worker
// starts as a small bootstrap that registers tsx's ESM hooks through its API and then imports
// the file (on Node 20 a worker given `--import tsx` in its execArgv still refuses a `.ts`
// entry). tsx is found from this file, not from the working directory.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type WorkerEntry = { filename: URL; typescript: false } | { filename: URL; typescript: true; tsxApi: string };

/** `base` names the entry without its extension, e.g. new URL('./worker', import.meta.url). */
export function resolveWorkerEntry(base: URL): WorkerEntry {
  const js = new URL(`${base.href}.js`);
  if (fs.existsSync(fileURLToPath(js))) return { filename: js, typescript: false };
  const ts = new URL(`${base.href}.ts`);
  if (!fs.existsSync(fileURLToPath(ts))) throw new Error(`no worker entry at ${fileURLToPath(js)} or ${fileURLToPath(ts)}`);
  const tsxApi = tsxEsmApi();
  if (!tsxApi) throw new Error(`worker entry ${fileURLToPath(ts)} is TypeScript and tsx is not installed: build with tsc first`);
  return { filename: ts, typescript: true, tsxApi };
}

export function startWorker(entry: WorkerEntry): Worker {
  if (!entry.typescript) return new Worker(entry.filename);
  const bootstrap = `import(${JSON.stringify(entry.tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.filename.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

interface TsxManifest {
  name?: string;
  exports?: Record<string, { import?: { default?: string } }>;
}

/** The ESM build of tsx's `tsx/esm/api` (a require() resolve would give its CommonJS build). */
function tsxEsmApi(): string | null {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('tsx'));
  } catch {
    return null;
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as TsxManifest;
    if (pkg.name !== 'tsx') continue;
    const file = pkg.exports?.['./esm/api']?.import?.default;
    return file ? pathToFileURL(path.join(dir, file)).href : null;
  }
  return null;
}
