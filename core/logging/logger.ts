import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import { logFormat, logLevel, type LogFormat } from './log-settings';
import { textLines, type TextLineOptions } from './text-lines';

export type { Logger } from 'pino';

/** Where a logger writes, and in which form. */
export interface LogSink {
  stream: DestinationStream;
  format: LogFormat;
}

// Synchronous writes everywhere: the CLI ends with process.exit, and a line logged just before a
// process ends must still be on the console or in the file.

/** stdout or stderr: JSON lines when piped, readable lines on a terminal (MLCYCLE_LOG_FORMAT overrides). */
export function standardSink(which: 'stdout' | 'stderr', env: NodeJS.ProcessEnv = process.env): LogSink {
  const target = which === 'stdout' ? process.stdout : process.stderr;
  return {
    stream: pino.destination({ dest: which === 'stdout' ? 1 : 2, sync: true }),
    format: logFormat(target.isTTY === true, env),
  };
}

/** A log file, appended to: always JSON lines, which `jq` and log shippers read and nobody watches live. */
export function fileSink(path: string): LogSink {
  return { stream: pino.destination({ dest: path, sync: true, append: true, mkdir: true }), format: 'json' };
}

/**
 * The one way mlcycle makes a logger: the level from MLCYCLE_LOG_LEVEL, `component` on every JSON line,
 * and `text` saying how the readable form looks when the sink is a terminal.
 */
export function createLogger(
  component: string,
  sink: LogSink,
  text: TextLineOptions,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const level = logLevel(env);
  const verbose = level === 'debug' || level === 'trace';
  const stream = sink.format === 'json' ? sink.stream : textLines(sink.stream, { verbose, ...text });
  return pino(
    {
      // `component`, not pino's `name`: the server's entries have a `name` of their own (the model's).
      base: { pid: process.pid, hostname: hostname(), component },
      level,
      // Temporal's SDK puts failures under `error`, pino and Fastify under `err`: both keep their stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    stream,
  );
}
