import type { ModelTrafficSnapshot, ShadowCounters, VersionCounters } from '../contracts/rollout';

// Per-version traffic counters of one scoring server, cumulative since it started. A canary or shadow
// watcher reads them twice (GET /admin/rollout-stats) and judges the difference, so counters never
// reset and replicas need no coordination. Latency goes into fixed buckets, so a window's p99 is the
// difference of two histograms.

/** Upper bounds of the latency buckets in ms: 0.05 ms × 1.25^i up to about 2 minutes; the last is open. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 66 }, (_, i) => 0.05 * 1.25 ** i);

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
      map ? [...map.values()].map((value) => structuredClone(value)) : [];
    return {
      model,
      boundsMs: [...LATENCY_BOUNDS_MS],
      versions: copy(this.versions.get(model)),
      shadow: copy(this.shadows.get(model)),
    };
  }
}

function entry<T>(maps: Map<string, Map<number, T>>, model: string, version: number, create: () => T): T {
  let byVersion = maps.get(model);
  if (!byVersion) maps.set(model, (byVersion = new Map<number, T>()));
  let found = byVersion.get(version);
  if (!found) byVersion.set(version, (found = create()));
  return found;
}
