import fs from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The process environment, with a `.env` file (if there is one) filling in what is not set.
 * Real environment variables always win, so a deployment can override the file.
 */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  envFile = env.ENV_FILE ?? '.env',
): Record<string, string | undefined> {
  if (!fs.existsSync(envFile)) return { ...env };
  const fromFile = parseEnv(fs.readFileSync(envFile, 'utf8'));
  return { ...fromFile, ...env };
}
