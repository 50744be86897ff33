import type { ShadowAgreement, VersionTraffic } from '../contracts/rollout';

// Per-version traffic counters of one scoring server, cumulative since it started. A canary or shadow
// watcher reads them twice (GET /admin/rollout-stats) and judges the difference, so counters never
// reset and replicas need no coordination. Latency goes into fixed buckets, so a window's p99 is the
// difference of two histograms.

/** Upper bounds of the latency buckets in ms: 0.05 ms × 1.25^i up to about 2 minutes; the last is open. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 66 }, (_, i) => 0.05 * 1.25 ** i);

/** Reported for the open last bucket (JSON has no Infinity). */
const SLOWER_THAN_ALL_MS = (LATENCY_BOUNDS_MS.at(-1) as number) * 1.25;

export interface VersionCounters {
  version: number;
  requests: number;
  /** Requests the version failed to answer (5xx); refused bad input is the caller's error, not counted. */
  errors: number;
  /** Count per latency bucket (LATENCY_BOUNDS_MS, then one for anything slower). */
  buckets: number[];
}

export interface ShadowCounters {
  version: number;
  records: number;
  sameLabel: number;
  sumAbsDiff: number;
  maxAbsDiff: number;
  errors: number;
  /** Copies not scored because too many shadow scorings were already under way. */
  dropped: number;
}

export interface ModelTrafficSnapshot {
  model: string;
  versions: VersionCounters[];
  shadow: ShadowCounters[];
}

export class TrafficStats {
  private readonly versions = new Map<string, Map<number, VersionCounters>>();
  private readonly shadows = new Map<string, Map<number, ShadowCounters>>();

  /** One answered (or failed) /predict request of `version`. */
  recordRequest(model: string, version: number, latencyMs: number, failed: boolean): void {
    const counters = entry(this.versions, model, version, () => ({
      version,
      requests: 0,
      errors: 0,
      buckets: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    }));
    counters.requests += 1;
    if (failed) counters.errors += 1;
    const bucket = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
    const index = bucket === -1 ? LATENCY_BOUNDS_MS.length : bucket;
    counters.buckets[index] = (counters.buckets[index] ?? 0) + 1;
  }

  /** A shadow scoring of `records` records, compared with what the serving version answered. */
  recordShadow(
    model: string,
    version: number,
    outcome: { sameLabel: number; absDiffs: readonly number[] } | 'error' | 'dropped',
  ): void {
    const counters = entry(this.shadows, model, version, () => ({
      version,
      records: 0,
      sameLabel: 0,
      sumAbsDiff: 0,
      maxAbsDiff: 0,
      errors: 0,
      dropped: 0,
    }));
    if (outcome === 'error') counters.errors += 1;
    else if (outcome === 'dropped') counters.dropped += 1;
    else {
      counters.records += outcome.absDiffs.length;
      counters.sameLabel += outcome.sameLabel;
      for (const diff of outcome.absDiffs) {
        counters.sumAbsDiff += diff;
        if (diff > counters.maxAbsDiff) counters.maxAbsDiff = diff;
      }
    }
  }

  snapshot(model: string): ModelTrafficSnapshot {
    const copy = <T extends object>(map: Map<number, T> | undefined): T[] =>
      [...(map?.values() ?? [])].map((value) => structuredClone(value));
    return { model, versions: copy(this.versions.get(model)), shadow: copy(this.shadows.get(model)) };
  }
}

function entry<T>(maps: Map<string, Map<number, T>>, model: string, version: number, create: () => T): T {
  let byVersion = maps.get(model);
  if (!byVersion) maps.set(model, (byVersion = new Map()));
  let found = byVersion.get(version);
  if (!found) byVersion.set(version, (found = create()));
  return found;
}

/** A version's traffic between two snapshots of the same server. */
export function trafficBetween(
  before: ModelTrafficSnapshot | undefined,
  after: ModelTrafficSnapshot,
  version: number,
): VersionTraffic {
  const start = before?.versions.find((v) => v.version === version);
  const end = after.versions.find((v) => v.version === version);
  const buckets = (end?.buckets ?? []).map((count, i) => count - (start?.buckets[i] ?? 0));
  return {
    version,
    requests: (end?.requests ?? 0) - (start?.requests ?? 0),
    errors: (end?.errors ?? 0) - (start?.errors ?? 0),
    p50Ms: quantileMs(buckets, 0.5),
    p99Ms: quantileMs(buckets, 0.99),
  };
}

/** The shadow comparison between two snapshots. */
export function shadowBetween(
  before: ModelTrafficSnapshot | undefined,
  after: ModelTrafficSnapshot,
  version: number,
): ShadowAgreement & { dropped: number } {
  const zero: ShadowCounters = {
    version,
    records: 0,
    sameLabel: 0,
    sumAbsDiff: 0,
    maxAbsDiff: 0,
    errors: 0,
    dropped: 0,
  };
  const start = before?.shadow.find((s) => s.version === version) ?? zero;
  const end = after.shadow.find((s) => s.version === version) ?? zero;
  const records = end.records - start.records;
  return {
    records,
    agreement: records > 0 ? (end.sameLabel - start.sameLabel) / records : null,
    meanAbsDiff: records > 0 ? (end.sumAbsDiff - start.sumAbsDiff) / records : null,
    // The largest since the server started: a maximum cannot be taken apart by window.
    maxAbsDiff: records > 0 ? end.maxAbsDiff : null,
    errors: end.errors - start.errors,
    dropped: end.dropped - start.dropped,
  };
}

/** The upper bound of the bucket holding quantile `q`; null without requests. */
export function quantileMs(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i] ?? SLOWER_THAN_ALL_MS;
  }
  return SLOWER_THAN_ALL_MS;
}
