// What a prediction log entry and the log's options look like, and the checks on both.

/** One prediction as /predict answered it. */
export interface PredictionLogEntry {
  /** The id the client got back, and sends with its feedback. */
  id: string;
  modelName: string;
  version: number;
  /** Epoch milliseconds. */
  time: number;
  probability: number;
  /** The record's raw feature columns, as the client sent them. */
  features: Record<string, unknown>;
  /** The version's positive class name (e.g. "Yes"), so feedback can use it as a label. */
  positiveLabel?: string;
}

export interface PredictionLogOptions {
  /** Rows older than this are pruned. */
  retentionDays?: number;
  /** Rows kept at most; the oldest beyond it are pruned. */
  maxRows?: number;
  /** How often queued entries are written. */
  flushIntervalMs?: number;
  /** Rows per write transaction; a queue this long is written without waiting for the timer. */
  maxBatch?: number;
  /** Unwritten entries kept at most; beyond it the oldest are dropped. */
  maxQueue?: number;
  /** How often the automatic prune runs. */
  pruneIntervalMs?: number;
  /**
   * How long a write waits for another replica's lock. Writes run on the event loop, so this is kept
   * far below the registry's: a failed flush is retried, a stalled server is not.
   */
  busyTimeoutMs?: number;
  /** Where write and prune failures go; they are never thrown at the caller of `append`. */
  onError?: (error: Error, during: 'write' | 'prune') => void;
}

export const DEFAULTS = {
  retentionDays: 30,
  maxRows: 5_000_000,
  flushIntervalMs: 200,
  maxBatch: 2_000,
  maxQueue: 100_000,
  pruneIntervalMs: 60_000,
  busyTimeoutMs: 1_000,
};

export type PredictionLogSettings = typeof DEFAULTS;

/** What a row needs to be stored; anything else would fail the whole batch's transaction. */
export function isWellFormed(entry: PredictionLogEntry): boolean {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    entry.id !== '' &&
    typeof entry.modelName === 'string' &&
    entry.modelName !== '' &&
    Number.isInteger(entry.version) &&
    Number.isFinite(entry.time) &&
    Number.isFinite(entry.probability) &&
    typeof entry.features === 'object' &&
    entry.features !== null
  );
}

/** The options with defaults filled in, refused when a limit is not a positive number (or integer, for counts). */
export function settingsFrom(options: Omit<PredictionLogOptions, 'onError'>): PredictionLogSettings {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const settings: PredictionLogSettings = {
    ...DEFAULTS,
    ...(Object.fromEntries(given) as Partial<PredictionLogSettings>),
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!(typeof value === 'number' && value > 0))
      throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  for (const name of ['maxRows', 'maxBatch', 'maxQueue'] as const) {
    if (!Number.isInteger(settings[name])) throw new RangeError(`${name} must be an integer, got ${settings[name]}`);
  }
  return settings;
}
