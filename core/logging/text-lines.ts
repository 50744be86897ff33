import type { DestinationStream } from 'pino';

// A tiny stand-in for pino-pretty, which is not installed: pino hands every entry over as one JSON line,
// and this turns it back into one readable line before writing it on.

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every entry carries; a person at a terminal already knows them. */
const ALWAYS_HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component']);

export interface TextLineOptions {
  /**
   * `console`: the message alone after `prefix`, as a command prints its own lines (`mlcycle | …`);
   * `detailed`: time, level, message and the other fields as key=value, as a server or worker logs.
   */
  style: 'console' | 'detailed';
  prefix?: string;
  /** Fields left out of `detailed` lines below DEBUG level: identifiers that are noise to a person. */
  quiet?: ReadonlySet<string>;
  /** Shows the `quiet` fields too (MLCYCLE_LOG_LEVEL=debug or trace). */
  verbose?: boolean;
}

/** A pino destination that writes readable lines to `out` instead of JSON. */
export function textLines(out: DestinationStream, options: TextLineOptions): DestinationStream {
  return { write: (jsonLine) => out.write(`${renderTextLine(jsonLine, options)}\n`) };
}

export function renderTextLine(jsonLine: string, options: TextLineOptions): string {
  const entry = JSON.parse(jsonLine) as Record<string, unknown>;
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  if (options.style === 'console') return `${options.prefix ?? ''}${message}`;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVEL_NAMES[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !ALWAYS_HIDDEN.has(key) && (options.verbose || !options.quiet?.has(key)))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [`${options.prefix ?? ''}${time}`, level, message, ...fields].join(' ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  // pino's error serializer gives { type, message, stack }: the first line is enough on a terminal.
  if (isSerializedError(value)) return `${value.type}: ${value.message}`;
  return JSON.stringify(value);
}

function isSerializedError(value: unknown): value is { type: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
