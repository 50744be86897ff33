import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';

/**
 * Temporal's `Logger` on top of pino, for `Runtime.install({ logger })`: the worker's own lines, the
 * core's forwarded ones and every activity's `log` calls arrive here with the SDK's meta fields
 * (workflowId, activityType, attempt, sdkComponent, …), which become fields of the pino entry.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // Only string keys: the SDK's symbol keys (its own timestamp) are not fields a reader wants.
    const fields = Object.fromEntries(Object.entries(meta ?? {}));
    switch (level) {
      case 'TRACE':
        return this.pino.trace(fields, message);
      case 'DEBUG':
        return this.pino.debug(fields, message);
      case 'INFO':
        return this.pino.info(fields, message);
      case 'WARN':
        return this.pino.warn(fields, message);
      case 'ERROR':
        return this.pino.error(fields, message);
    }
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
