import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One record a shadow version scored: its answer beside the one the caller got (under the caller's id). */
export interface ShadowLogEntry {
  /** The prediction id the caller got back from the serving version. */
  id: string;
  time: number;
  model: string;
  /** The shadow version and what it said; never sent to the caller. */
  version: number;
  probability: number;
  label: 0 | 1;
  servedVersion: number;
  servedProbability: number;
  servedLabel: 0 | 1;
}

const FLUSH_INTERVAL_MS = 200;
/** Entries buffered beyond this are dropped (and counted): a stuck disk must not grow the heap without bound. */
const MAX_BUFFERED = 100_000;

/**
 * The shadow log: one JSON line per shadow-scored record, a file per model (`<dir>/<model>.jsonl`),
 * kept apart from the prediction log so the drift monitor never mistakes shadow answers for served
 * ones. Appends only buffer; a timer writes them with asynchronous file I/O, off the request path.
 */
export class ShadowLogWriter {
  private buffer: ShadowLogEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  dropped = 0;

  constructor(
    readonly dir: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  append(entries: readonly ShadowLogEntry[]): void {
    const room = MAX_BUFFERED - this.buffer.length;
    if (entries.length > room) this.dropped += entries.length - Math.max(room, 0);
    this.buffer.push(...entries.slice(0, Math.max(room, 0)));
  }

  /** Writes what is buffered; resolves when it (and any write before it) is on disk. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      const byModel = new Map<string, string[]>();
      for (const entry of batch) {
        const lines = byModel.get(entry.model) ?? [];
        lines.push(JSON.stringify(entry));
        byModel.set(entry.model, lines);
      }
      this.writing = this.writing.then(async () => {
        try {
          await mkdir(this.dir, { recursive: true });
          for (const [model, lines] of byModel)
            await appendFile(shadowLogFile(this.dir, model), `${lines.join('\n')}\n`);
        } catch (error) {
          this.onError(error);
        }
      });
    }
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

export function shadowLogFile(dir: string, model: string): string {
  return join(dir, `${model}.jsonl`);
}

/** Every entry of a model's shadow log; none when it has none. */
export async function readShadowLog(dir: string, model: string): Promise<ShadowLogEntry[]> {
  let text: string;
  try {
    text = await readFile(shadowLogFile(dir, model), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ShadowLogEntry);
}
