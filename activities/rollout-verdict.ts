import type { RolloutOptions, ShadowAgreement, VersionTraffic } from '../contracts/rollout';

// When a canary is promoted or rolled back, and what a shadow run reports. Pure, so the rules are
// tested apart from traffic.

export const ROLLOUT_DEFAULTS = {
  share: 0.1,
  watchSeconds: 300,
  maxErrorRate: 0.01,
  maxLatencyRatio: 3,
  minRequests: 20,
};

/**
 * Below this difference in p99 the latency ratio is not judged: at sub-10 ms latencies a ratio says
 * more about scheduling noise than about the model.
 */
export const LATENCY_RATIO_FLOOR_MS = 10;

export type CanaryVerdict = { decided: false } | { decided: true; promote: boolean; reason: string };

/**
 * A canary's verdict from its window so far. `final`: the watch is over, so too few requests is a
 * rollback; before that only a breached error guard decides early (it cannot heal by waiting).
 */
export function judgeCanary(
  options: RolloutOptions,
  candidate: VersionTraffic,
  champion: VersionTraffic,
  final: boolean,
): CanaryVerdict {
  const minRequests = options.minRequests ?? ROLLOUT_DEFAULTS.minRequests;
  const maxErrorRate = options.maxErrorRate ?? ROLLOUT_DEFAULTS.maxErrorRate;
  const maxRatio = options.maxLatencyRatio ?? ROLLOUT_DEFAULTS.maxLatencyRatio;
  const v = `version ${candidate.version}`;
  const errorRate = candidate.requests > 0 ? candidate.errors / candidate.requests : 0;
  const championRate = champion.requests > 0 ? champion.errors / champion.requests : 0;
  if (candidate.requests >= minRequests && errorRate > maxErrorRate && errorRate > championRate) {
    return {
      decided: true,
      promote: false,
      reason: `canary rolled back: ${v} failed ${candidate.errors} of ${candidate.requests} requests (${pct(errorRate)}, at most ${pct(maxErrorRate)}; champion ${pct(championRate)})`,
    };
  }
  if (!final) return { decided: false };
  if (candidate.requests < minRequests) {
    return {
      decided: true,
      promote: false,
      reason: `canary rolled back: only ${candidate.requests} requests reached ${v} while watched; at least ${minRequests} needed for a verdict`,
    };
  }
  const p99 = candidate.p99Ms ?? 0;
  if (options.maxP99Ms !== undefined && p99 > options.maxP99Ms) {
    return {
      decided: true,
      promote: false,
      reason: `canary rolled back: ${v}'s p99 latency ${ms(p99)} is above the limit ${ms(options.maxP99Ms)}`,
    };
  }
  const championP99 = champion.p99Ms;
  if (
    championP99 !== null &&
    champion.requests >= minRequests &&
    p99 > maxRatio * championP99 &&
    p99 - championP99 > LATENCY_RATIO_FLOOR_MS
  ) {
    return {
      decided: true,
      promote: false,
      reason: `canary rolled back: ${v}'s p99 latency ${ms(p99)} is more than ${maxRatio}× the champion's ${ms(championP99)}`,
    };
  }
  return {
    decided: true,
    promote: true,
    reason: `canary promoted: ${v} answered ${candidate.requests} requests, ${candidate.errors} failed (${pct(errorRate)}), p99 ${ms(p99)} (champion ${championP99 === null ? 'idle' : ms(championP99)})`,
  };
}

/** What a shadow run found; it never promotes by itself. */
export function describeShadow(version: number, shadow: ShadowAgreement, minRequests: number): string {
  const base = `shadow observed: version ${version} scored ${shadow.records} records beside the champion`;
  const figures =
    shadow.records > 0
      ? `, same label on ${pct(shadow.agreement ?? 0)}, mean |Δp| ${(shadow.meanAbsDiff ?? 0).toFixed(4)}, ${shadow.errors} failed`
      : `, ${shadow.errors} failed`;
  const few = shadow.records < minRequests ? `; fewer than the ${minRequests} records asked for` : '';
  return `${base}${figures}${few}; not promoted (a shadow only observes)`;
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}
