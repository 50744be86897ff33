import { Runtime } from '@temporalio/worker';
import { createLogger, standardSink, type LogSink } from '../core/logging/logger';
import { PinoTemporalLogger } from './temporal-logger';

// Context keys that identify a log line for a person; the rest (task tokens, namespaces, …) is noise
// in a terminal and shows there at DEBUG level (MLCYCLE_LOG_LEVEL=debug). JSON lines keep them all.
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

/**
 * Installs the Temporal runtime once per process, logging through pino to `sink` (stderr unless given:
 * `mlcycle dev` passes its log file to keep its terminal for the README's lines), with no signal
 * handling of its own: mlcycle's commands catch Ctrl-C themselves and shut workers down in order.
 */
export function installRuntime(sink: LogSink = standardSink('stderr')): void {
  const logger = createLogger('worker', sink, { style: 'detailed', quiet: NOISE });
  Runtime.install({
    shutdownSignals: [],
    // The SDK core's own warnings (e.g. an RPC cut short while shutting down) go through the logger,
    // to the log file under `mlcycle dev`, instead of straight to the terminal, which is the default.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    logger: new PinoTemporalLogger(logger),
  });
}
