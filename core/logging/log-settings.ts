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
