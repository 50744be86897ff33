import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import { mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

// Context keys that identify a log line for a person; the rest (task tokens, namespaces, …) is noise
// in a terminal and stays available at DEBUG level through MLCYCLE_LOG_LEVEL=DEBUG.
const NOISE = new Set([
  'sdkComponent',
  'taskQueue',
  'namespace',
  'taskToken',
  'isLocal',
  'workflowRunId',
  'runId',
  'activityId',
]);

export interface RuntimeOptions {
  /** Append the log lines to this file instead of stderr (`mlcycle dev` keeps its terminal for the README's lines). */
  logFile?: string;
}

/**
 * Installs the Temporal runtime once per process with one-line logs and no signal handling of its
 * own: mlcycle's commands catch Ctrl-C themselves and shut workers down in order.
 */
export function installRuntime(options: RuntimeOptions = {}, env: NodeJS.ProcessEnv = process.env): void {
  const level = (env.MLCYCLE_LOG_LEVEL?.toUpperCase() ?? 'INFO') as LogLevel;
  const verbose = level === 'DEBUG' || level === 'TRACE';
  const write = options.logFile ? appendTo(options.logFile) : (line: string) => process.stderr.write(line);
  Runtime.install({
    shutdownSignals: [],
    // The SDK core's own warnings (e.g. an RPC cut short while shutting down) go through the logger below,
    // to the log file under `mlcycle dev`, instead of straight to the terminal, which is the default.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      const meta = Object.entries(entry.meta ?? {})
        .filter(([key]) => verbose || !NOISE.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      write(
        `${options.logFile ? time : time.slice(11, 23)} ${entry.level.padEnd(5)} ${entry.message}${meta ? ` ${meta}` : ''}\n`,
      );
    }),
  });
}

/** Synchronous appends: a line logged just before the process ends is still in the file. */
function appendTo(path: string): (line: string) => void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  return (line) => {
    writeSync(fd, line);
  };
}
