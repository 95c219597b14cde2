// Mocha root hooks. Tests are quiet by default; LOG_LEVEL=debug shows server logs.
export const mochaHooks = {
  beforeAll(): void {
    process.env.NODE_ENV ??= 'test';
  },
};
