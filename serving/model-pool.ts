import { OnnxScorer } from '../models/onnx-scorer';
import type { ModelVersionRecord } from '../registry/types';
import { quoted } from './echo';
import type { ModelSource } from './model-source';
import { notFound } from './problems';

export const DEFAULT_REFRESH_INTERVAL_MS = 2000;
/**
 * Versions kept loaded because requests named them (`/predict {"version"}`, `/v2/models/…/versions/N`),
 * besides the serving and staged ones. An ONNX session of a logistic model takes a few MB; a bound
 * keeps a client walking through every version from loading them all.
 */
export const DEFAULT_MAX_ON_DEMAND_VERSIONS = 4;

/** What the pool needs of a loaded model; `OnnxScorer` in production. */
export type Scorer = Pick<OnnxScorer, 'score' | 'release'>;

/** A loaded version: its registry record and its scorer. */
export interface LoadedModel {
  record: ModelVersionRecord;
  scorer: Scorer;
}

export interface ModelPoolOptions {
  source: ModelSource;
  refreshIntervalMs?: number;
  /** Loads an artifact; by default `OnnxScorer.fromFile`, which refuses a file whose sha256 differs. */
  load?: (record: ModelVersionRecord) => Promise<Scorer>;
  /** How many versions named by requests stay loaded beyond the serving and staged ones; the least recently used go first. */
  maxOnDemand?: number;
}

export interface PoolLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** What one `refresh()` changed and what it could not load. */
export interface RefreshReport {
  promoted: { name: string; version: number; previous: number | undefined }[];
  unserved: { name: string; version: number }[];
  failed: { name: string; version: number; error: Error }[];
}

/** A serving version the registry names that this server could not load; it keeps serving `serving`. */
export interface LoadFailure {
  name: string;
  version: number;
  serving: number | null;
  error: string;
  at: string;
}

export interface PoolModelState {
  name: string;
  serving: number | null;
  loaded: {
    version: number;
    sha256: string;
    staged: boolean;
    /** Kept because requests named it; evicted when more than `maxOnDemand` are and it is the least recently used. */
    onDemand: boolean;
    serving: boolean;
    inFlight: number;
  }[];
}

/**
 * One (name, version) slot. `holds` counts requests using its scorer and promotes waiting for its
 * load, so it is never released under them.
 */
interface Entry {
  name: string;
  version: number;
  ready: Promise<LoadedModel>;
  loaded?: LoadedModel;
  staged: boolean;
  onDemand: boolean;
  /** The pool's use counter when a request naming this version last started or ended: the order of eviction. */
  lastUsed: number;
  holds: number;
}

/**
 * The loaded models of a scoring server: one scorer per (name, version), loaded once and shared, and
 * per model name a serving pointer. A request captures the entry it uses when it starts, so swapping
 * the pointer never disturbs requests in flight; an entry that is neither serving nor staged is
 * released when its last request ends.
 */
export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  private readonly serving = new Map<string, number>();
  /** The serving version the source reported last time, per name: refresh acts only on changes there. */
  private readonly sourceServing = new Map<string, number>();
  /** Per name, the latest promote asked for: an earlier one whose load finishes later must not win. */
  private readonly promoteTickets = new Map<string, number>();
  /** Per name, the registry's serving version that failed to load last refresh, until one loads. */
  private readonly failures = new Map<string, { version: number; error: string; at: string }>();
  private readonly load: (record: ModelVersionRecord) => Promise<Scorer>;
  private readonly refreshIntervalMs: number;
  private readonly maxOnDemand: number;
  private uses = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ModelPoolOptions) {
    this.load =
      options.load ??
      ((record) =>
        OnnxScorer.fromFile(
          record.artifactPath,
          record.artifactSha256,
          undefined,
          `the ONNX model of ${versionName(record)}`,
        ));
    this.refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    this.maxOnDemand = options.maxOnDemand ?? DEFAULT_MAX_ON_DEMAND_VERSIONS;
  }

  /** Loads what the source serves, then follows it every `refreshIntervalMs` so extra replicas track the registry. */
  async start(log?: PoolLog): Promise<RefreshReport> {
    const report = await this.refresh();
    logReport(report, log);
    const tick = () => {
      this.timer = setTimeout(() => {
        this.refresh()
          .then((next) => logReport(next, log))
          .catch((error: unknown) => log?.warn({ err: error }, 'model refresh failed'))
          .finally(() => {
            if (!this.closed) tick();
          });
      }, this.refreshIntervalMs);
      // The timer must not keep a process alive that has nothing else to do.
      this.timer.unref();
    };
    if (!this.closed) tick();
    return report;
  }

  /**
   * Applies changes of the source's serving versions. Only changes: a version promoted through
   * `promote()` (the deploy step) is not reverted because the source has not caught up yet.
   */
  async refresh(): Promise<RefreshReport> {
    const report: RefreshReport = { promoted: [], unserved: [], failed: [] };
    const listed = new Map(this.options.source.listServing().map((record) => [record.modelName, record.version]));
    await Promise.all(
      [...listed].map(async ([name, version]) => {
        if (this.sourceServing.get(name) === version) return;
        try {
          const previous = this.serving.get(name);
          if (previous !== version) {
            await this.promote(name, version);
            report.promoted.push({ name, version, previous });
          }
          this.sourceServing.set(name, version);
          this.failures.delete(name);
        } catch (error) {
          // Not remembered, so the next refresh tries again (the artifact may be repaired).
          const failure = error instanceof Error ? error : new Error(String(error));
          report.failed.push({ name, version, error: failure });
          this.failures.set(name, { version, error: failure.message, at: new Date().toISOString() });
        }
      }),
    );
    for (const [name, version] of this.sourceServing) {
      if (listed.has(name)) continue;
      this.sourceServing.delete(name);
      if (this.serving.get(name) === version) {
        this.serving.delete(name);
        const entry = this.entries.get(key(name, version));
        if (entry) this.releaseIfUnused(entry);
        report.unserved.push({ name, version });
      }
    }
    return report;
  }

  /** Loads a version and keeps it loaded without serving it. Unknown versions are a 404. */
  async stage(name: string, version: number): Promise<LoadedModel> {
    const entry = this.entryFor(name, version);
    entry.staged = true;
    return entry.ready;
  }

  /** Lets a staged version go, even one requests also named; it is released once nothing serves or uses it. */
  unstage(name: string, version: number): void {
    const entry = this.entries.get(key(name, version));
    if (!entry) return;
    entry.staged = false;
    entry.onDemand = false;
    this.releaseIfUnused(entry);
  }

  /**
   * Loads `version` (if need be) and then makes it the serving one in a single assignment. The
   * previous version keeps answering until then, and its in-flight requests finish on it.
   * Resolves to the version served before, or undefined.
   */
  async promote(name: string, version: number): Promise<number | undefined> {
    const ticket = (this.promoteTickets.get(name) ?? 0) + 1;
    this.promoteTickets.set(name, ticket);
    const entry = this.entryFor(name, version);
    entry.holds++;
    try {
      await entry.ready;
    } finally {
      entry.holds--;
    }
    if (this.promoteTickets.get(name) !== ticket) {
      // A later promote of this name was asked for while this one loaded; that one decides.
      this.releaseIfUnused(entry);
      return this.serving.get(name);
    }
    const previous = this.serving.get(name);
    this.serving.set(name, version);
    entry.staged = false;
    entry.onDemand = false;
    const replaced = previous === undefined ? undefined : this.entries.get(key(name, previous));
    if (replaced && replaced !== entry) this.releaseIfUnused(replaced);
    return previous;
  }

  /**
   * Runs `use` with a model, holding it so it cannot be released meanwhile. Without `version` the
   * serving version answers (404 if the name serves none); with one, that version is loaded on demand
   * and kept for the next request naming it, up to `maxOnDemand` such versions (least recently used
   * evicted first).
   */
  async withModel<T>(name: string, version: number | undefined, use: (model: LoadedModel) => Promise<T>): Promise<T> {
    let entry: Entry;
    if (version === undefined) {
      const serving = this.serving.get(name);
      const found = serving === undefined ? undefined : this.entries.get(key(name, serving));
      if (!found) throw notFound(`Model ${quoted(name)} is not served; served: ${quoteList(this.servedNames())}`);
      entry = found;
    } else {
      entry = this.entryFor(name, version);
      if (this.serving.get(name) !== version && !entry.staged) entry.onDemand = true;
      entry.lastUsed = ++this.uses;
    }
    // Held before the first await: a promote landing during the request cannot release this entry.
    entry.holds++;
    try {
      return await use(await entry.ready);
    } finally {
      entry.holds--;
      if (version !== undefined) entry.lastUsed = ++this.uses;
      this.releaseIfUnused(entry);
      this.evictOnDemand(entry);
    }
  }

  /** A version's registry record: the loaded one when it is in memory, else the source's. */
  findRecord(name: string, version: number): ModelVersionRecord | undefined {
    return this.entries.get(key(name, version))?.loaded?.record ?? this.options.source.getVersion(name, version);
  }

  /** Where the source keeps a version's drift baseline, when it keeps baselines. */
  baselineFile(name: string, version: number): { path: string; sha256: string } | undefined {
    return this.options.source.getBaseline?.(name, version);
  }

  /** The registered versions of a model, ascending, as far as the source lists them (else those loaded). */
  registeredVersions(name: string): number[] {
    const listed = this.options.source.listVersions?.(name).map((record) => record.version);
    const known = listed ?? [...this.entries.values()].filter((e) => e.name === name).map((e) => e.version);
    return [...new Set(known)].sort((a, b) => a - b);
  }

  servingVersion(name: string): number | undefined {
    return this.serving.get(name);
  }

  servedNames(): string[] {
    return [...this.serving.keys()].sort();
  }

  /** Serving versions that failed to load (a corrupt or missing artifact): what /health/ready reports. */
  loadFailures(): LoadFailure[] {
    return [...this.failures]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, failure]) => ({ name, ...failure, serving: this.serving.get(name) ?? null }));
  }

  isReady(): boolean {
    return this.serving.size > 0;
  }

  describe(): PoolModelState[] {
    const names = new Set([...this.serving.keys(), ...[...this.entries.values()].map((e) => e.name)]);
    return [...names].sort().map((name) => ({
      name,
      serving: this.serving.get(name) ?? null,
      loaded: [...this.entries.values()]
        .filter((entry) => entry.name === name && entry.loaded)
        .sort((a, b) => a.version - b.version)
        .map((entry) => ({
          version: entry.version,
          sha256: entry.loaded?.record.artifactSha256 ?? '',
          staged: entry.staged,
          onDemand: entry.onDemand,
          serving: this.serving.get(name) === entry.version,
          inFlight: entry.holds,
        })),
    }));
  }

  /** Stops refreshing and releases every session, waiting for loads still under way. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.serving.clear();
    await Promise.all(
      entries.map(async (entry) => {
        const loaded = await entry.ready.catch(() => undefined);
        await loaded?.scorer.release();
      }),
    );
  }

  /** The entry of a version, starting its load if it has none; concurrent callers share one load. */
  private entryFor(name: string, version: number): Entry {
    if (this.closed) throw new Error('The model pool is closed');
    const existing = this.entries.get(key(name, version));
    if (existing) return existing;
    const record = this.options.source.getVersion(name, version);
    if (!record) throw notFound(`Model ${quoted(name)} has no version ${version}`);
    const ready = this.load(record).then((scorer): LoadedModel => ({ record, scorer }));
    const entry: Entry = { name, version, ready, staged: false, onDemand: false, lastUsed: 0, holds: 0 };
    // Registered before any caller awaits `ready`, so `loaded` is set by the time they resume.
    void ready.then(
      (loaded) => {
        entry.loaded = loaded;
      },
      () => {
        // Forgotten, so the next attempt loads again instead of replaying this failure.
        if (this.entries.get(key(name, version)) === entry) this.entries.delete(key(name, version));
      },
    );
    this.entries.set(key(name, version), entry);
    return entry;
  }

  private releaseIfUnused(entry: Entry): void {
    const { name, version } = entry;
    if (entry.staged || entry.onDemand || entry.holds > 0 || this.serving.get(name) === version) return;
    if (this.entries.get(key(name, version)) !== entry) return; // already released, or a failed load
    this.entries.delete(key(name, version));
    void entry.ready.then((loaded) => loaded.scorer.release()).catch(() => undefined);
  }

  /**
   * Lets the least recently used on-demand versions go while more than `maxOnDemand` are kept, never
   * `justUsed` (the version whose request just ended). One in use stays until a later call finds it
   * idle, so the bound may be passed while requests hold versions.
   */
  private evictOnDemand(justUsed: Entry): void {
    const kept = [...this.entries.values()].filter(
      (entry) => entry.onDemand && !entry.staged && this.serving.get(entry.name) !== entry.version,
    );
    let excess = kept.length - this.maxOnDemand;
    if (excess <= 0) return;
    for (const entry of kept.sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (excess <= 0) break;
      if (entry.holds > 0 || entry === justUsed) continue;
      entry.onDemand = false;
      this.releaseIfUnused(entry);
      excess--;
    }
  }
}

function versionName(record: ModelVersionRecord): string {
  return `${record.modelName} v${record.version}`;
}

function key(name: string, version: number): string {
  return `${version}@${name}`;
}

function quoteList(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

function logReport(report: RefreshReport, log: PoolLog | undefined): void {
  for (const { name, version, previous } of report.promoted)
    log?.info({ name, version, previous }, 'serving version changed');
  for (const { name, version } of report.unserved) log?.info({ name, version }, 'model no longer served');
  for (const { name, version, error } of report.failed)
    log?.warn({ name, version, err: error }, 'could not load serving version');
}
