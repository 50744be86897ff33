import type { Level } from 'pino';

const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export type LogFormat = 'json' | 'text';

/** MLCYCLE_LOG_LEVEL, in pino's or Temporal's spelling (`debug`, `DEBUG`); `info` when unset. */
export function logLevel(env: NodeJS.ProcessEnv = process.env): Level {
  const given = env.MLCYCLE_LOG_LEVEL?.trim().toLowerCase();
  if (!given) return 'info';
  const level = LEVELS.find((known) => known === given);
  if (!level) throw new Error(`MLCYCLE_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${env.MLCYCLE_LOG_LEVEL}"`);
  return level;
}

/**
 * JSON lines for whatever reads a pipe or a file (jq, a log shipper), one readable line per entry for a
 * person at a terminal. MLCYCLE_LOG_FORMAT=json|text overrides the guess (e.g. `text` through `tee`).
 */
export function logFormat(isTerminal: boolean, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const given = env.MLCYCLE_LOG_FORMAT?.trim().toLowerCase();
  if (given === 'json' || given === 'text') return given;
  if (given) throw new Error(`MLCYCLE_LOG_FORMAT must be "json" or "text", got "${env.MLCYCLE_LOG_FORMAT}"`);
  return isTerminal ? 'text' : 'json';
}

/**
 * Whether the scoring server logs a line per request: off at `info` (two synchronous lines a request are
 * most of a one-record request's cost), on at `debug`/`trace` or with MLCYCLE_LOG_REQUESTS=1.
 */
export function logRequestsFrom(env: NodeJS.ProcessEnv = process.env): boolean {
  const given = env.MLCYCLE_LOG_REQUESTS?.trim().toLowerCase();
  if (given === '1' || given === 'true') return true;
  if (given === '0' || given === 'false') return false;
  if (given) throw new Error(`MLCYCLE_LOG_REQUESTS must be 1 or 0, got "${env.MLCYCLE_LOG_REQUESTS}"`);
  const level = logLevel(env);
  return level === 'debug' || level === 'trace';
}
