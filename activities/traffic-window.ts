import type { ModelTrafficSnapshot, ShadowAgreement, ShadowCounters, VersionTraffic } from '../contracts/rollout';

// A rollout window's figures from two snapshots of a scoring server's cumulative counters.

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
    p50Ms: quantileMs(after.boundsMs, buckets, 0.5),
    p99Ms: quantileMs(after.boundsMs, buckets, 0.99),
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
export function quantileMs(bounds: readonly number[], buckets: readonly number[], q: number): number | null {
  // Reported for the open last bucket (JSON has no Infinity).
  const slowerThanAll = (bounds.at(-1) ?? 0) * 1.25;
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return bounds[i] ?? slowerThanAll;
  }
  return slowerThanAll;
}
