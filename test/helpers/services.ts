// External services (Postgres, Redis, SMTP-less paths are always on). A suite that needs one
// runs when it is configured and skips, saying so, when it is not, unless
// ROUNDTABLE_REQUIRE_SERVICES=1 (set by .ci/run), which turns every such skip into a failure.
import type { Context } from 'mocha';

export const SERVICES = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
} as const;

export type ServiceName = keyof typeof SERVICES;

export function serviceUrl(name: ServiceName): string | undefined {
  return process.env[SERVICES[name]] || undefined;
}

/** Call in before(): returns the service URLs or skips the suite with a clear reason. */
export function requireServices(ctx: Context, ...names: ServiceName[]): Record<ServiceName, string> {
  const missing = names.filter((name) => !serviceUrl(name));
  if (missing.length > 0) {
    const reason = `needs ${missing.map((m) => `${m} (${SERVICES[m]})`).join(' and ')}`;
    if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') {
      throw new Error(`${reason}, and ROUNDTABLE_REQUIRE_SERVICES=1 forbids skipping`);
    }
    console.log(`      [skipped: ${ctx.test?.parent?.fullTitle() ?? 'suite'} ${reason}]`);
    ctx.skip();
  }
  return Object.fromEntries(names.map((n) => [n, serviceUrl(n)])) as Record<ServiceName, string>;
}
