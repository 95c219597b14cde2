// Process entry: read the environment, start, and stop cleanly on SIGTERM/SIGINT.
// A configuration problem prints one clear message (no stack) and exits with status 1.
import { ConfigError, loadConfig } from '../shared/config.js';
import { readEnvironment } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { startRoundtable } from './compose.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`roundtable: ${err.message}\nSee .env.example and the README's configuration table.`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await startRoundtable(config, { logger });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'startup failed');
    console.error(`roundtable: startup failed: ${(err as Error).message}`);
    process.exit(1);
  }
  const running = app;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
