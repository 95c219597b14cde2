// Mocha root hooks. Tests are quiet by default; LOG_LEVEL=debug shows server logs.
export const mochaHooks = {
  beforeAll(): void {
    process.env.NODE_ENV ??= 'test';
  },
  // The browser tests share one Chromium (test/e2e/harness.ts); it is closed once, at the end.
  async afterAll(): Promise<void> {
    await (globalThis as { roundtableCloseBrowser?: () => Promise<void> | undefined }).roundtableCloseBrowser?.();
  },
};
