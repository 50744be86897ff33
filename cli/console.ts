import { createLogger, standardSink, type Logger } from '../core/logging/logger';

/**
 * The lines a command prints for the person who ran it, through the same pino as the server and the
 * worker: on a terminal each is its message alone after `prefix` (`mlcycle | …` for `dev`), piped it
 * is a JSON line. Errors go to stderr, everything else to stdout, as before.
 */
export function commandConsole(options: { prefix?: string; stream?: 'stdout' | 'stderr' } = {}): Logger {
  const logger = createLogger('mlcycle', standardSink(options.stream ?? 'stdout'), {
    style: 'console',
    prefix: options.prefix,
  });
  // These lines are the command's output, not diagnostics: MLCYCLE_LOG_LEVEL=warn quietens the worker
  // and the server, not the result of `train` or the progress of `dev`.
  if (logger.levelVal > (logger.levels.values.info ?? 30)) logger.level = 'info';
  return logger;
}
