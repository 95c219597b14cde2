// Browser tests: Debian's Chromium driven by playwright-core against a real server started here,
// serving the built web client. Screenshots go to test-artifacts/e2e (ROUNDTABLE_ARTIFACTS_DIR),
// one per main screen and one for every failing test.
//
// When they run: always when Chromium is found, except with ROUNDTABLE_E2E=0 (.ci/run runs them
// in one pass of four). Without Chromium they skip and say so, unless ROUNDTABLE_REQUIRE_SERVICES=1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'mocha';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = process.env.ROUNDTABLE_ARTIFACTS_DIR ?? path.join(ROOT, 'test-artifacts', 'e2e');

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 860 } as const;

/** Call in before(): skips the suite (saying why) when browser tests cannot or should not run. */
export function requireBrowser(ctx: Context): void {
  const title = ctx.test?.parent?.fullTitle() ?? 'suite';
  if (process.env.ROUNDTABLE_E2E === '0') {
    console.log(`      [skipped: ${title}: ROUNDTABLE_E2E=0 (browser tests run in another pass)]`);
    ctx.skip();
  }
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
    if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and ROUNDTABLE_REQUIRE_SERVICES=1 forbids skipping`);
    console.log(`      [skipped: ${title} ${reason}]`);
    ctx.skip();
  }
}

let builtDir: string | null = null;
/**
 * Builds the client once per test process into its own directory (a parallel run or a
 * developer's `npm run build` never swaps files under it), so the tests see the current client.
 */
export function buildWebClient(): string {
  if (builtDir) return builtDir;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'rt-web-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  builtDir = outDir;
  return outDir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let sharedBrowser: Promise<Browser> | null = null;

/** test/setup.ts closes the browser after the whole run (a live Chromium would keep mocha from exiting). */
function registerBrowserCloser(close: () => Promise<void> | undefined): void {
  (globalThis as { roundtableCloseBrowser?: () => Promise<void> | undefined }).roundtableCloseBrowser = close;
}
/** One Chromium per test process; every test opens its own contexts (separate people). */
export function launchBrowser(): Promise<Browser> {
  if (!sharedBrowser) registerBrowserCloser(() => sharedBrowser?.then((browser) => browser.close()));
  sharedBrowser ??= chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
  return sharedBrowser;
}

export interface E2EServer {
  server: TestServer;
  url: string;
  close(): Promise<void>;
}

/** A real server on a port known in advance, so the browser's origin is the configured one. */
export async function startE2EServer(options: TestServerOptions = {}): Promise<E2EServer> {
  const webDir = buildWebClient();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startTestServer({ ...options, env: { PORT: String(port), PUBLIC_URL: url, WEB_DIR: webDir, ...options.env } });
  return { server, url, close: () => server.close() };
}

export interface PersonOptions {
  locale?: 'en-US' | 'ko-KR';
  viewport?: { width: number; height: number };
}

/** A new person: a fresh browser context (own storage, own cookies) and a page in it. */
export async function openPerson(baseUrl: string, options: PersonOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: baseUrl, locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP, timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`      [page error] ${err.message}`));
  return { context, page };
}

/** Saves a full-page screenshot as test-artifacts/e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the page (evaluated over CDP, so the page's CSP does not stop it); throws on serious or critical violations. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(axeSource);
  // Runs in the page, where `axe` is the global the evaluated source defined.
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) })))`);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    throw new Error(`axe-core on ${label}:\n${lines.join('\n')}`);
  }
}

/**
 * Waits until a JavaScript expression is true in the page. Page.waitForFunction cannot be used:
 * it evaluates its predicate with eval, which the page's CSP forbids. This runs one evaluation over
 * CDP (exempt from the CSP) that checks every 50 ms: for what no DOM event announces, such as focus.
 */
export async function untilTrueInPage(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  await page.evaluate(`new Promise((resolve, reject) => {
    const deadline = Date.now() + ${timeoutMs};
    const check = () => {
      if (${expression}) resolve(true);
      else if (Date.now() > deadline) reject(new Error(${JSON.stringify(`still false after ${timeoutMs} ms: ${expression}`)}));
      else setTimeout(check, 50);
    };
    check();
  })`);
}

/** Pages to photograph when a test fails: register each page a test opens. */
const openPages = new Set<Page>();
export function track(page: Page): Page {
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  return page;
}

/** Root-level afterEach for e2e suites: a failing test leaves a screenshot of every open page. */
export async function screenshotOnFailure(ctx: Context): Promise<void> {
  const test = ctx.currentTest;
  if (!test || test.state !== 'failed') return;
  let n = 0;
  for (const page of openPages) {
    await screenshot(page, `FAILED-${test.fullTitle()}-${n++}`).catch(() => undefined);
  }
}
