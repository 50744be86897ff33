import { Type, type Static } from 'typebox';

// The lifecycle's promotion gate against the champion, optional human approval, and how a new version
// reaches traffic (direct, canary, shadow): input options and what the result reports of them.

const GateMetric = Type.Union([
  Type.Literal('rocAuc'),
  Type.Literal('prAuc'),
  Type.Literal('f1'),
  Type.Literal('accuracy'),
  Type.Literal('logLoss'),
  Type.Literal('brier'),
]);
export type GateMetric = Static<typeof GateMetric>;

/**
 * The rule a new version must pass against the serving one (the champion), both scored on the new
 * version's held-back test rows that the champion never trained on. Defaults: ROC AUC may fall by at
 * most 0.01 (minDelta -0.01, within the noise of a few hundred rows); log loss may not get worse by
 * more than 0.02 nor the Brier score by more than 0.01.
 */
export const PromotionRule = Type.Object(
  {
    metric: Type.Optional(
      Type.Union([Type.Literal('rocAuc'), Type.Literal('logLoss'), Type.Literal('prAuc'), Type.Literal('f1')]),
    ),
    /** The least improvement of `metric` over the champion (in its better direction); negative tolerates a drop. */
    minDelta: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
    /** Secondary metrics that may not get worse than the champion's by more than `maxRegression`. */
    guards: Type.Optional(
      Type.Array(Type.Object({ metric: GateMetric, maxRegression: Type.Number({ minimum: 0 }) }), { maxItems: 6 }),
    ),
  },
  { additionalProperties: false },
);
export type PromotionRule = Static<typeof PromotionRule>;

/** How long approval is waited for: seconds, or a number with unit (`90s`, `30m`, `24h`, `7d`). */
export const APPROVAL_TIMEOUT_PATTERN = /^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)$/;

export const ApprovalOptions = Type.Object(
  {
    required: Type.Boolean(),
    /** Default 24h. */
    timeout: Type.Optional(
      Type.Union([
        Type.String({ pattern: APPROVAL_TIMEOUT_PATTERN.source, description: 'e.g. 90s, 30m, 24h, 7d' }),
        Type.Number({ exclusiveMinimum: 0, maximum: 365 * 24 * 3600 }),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type ApprovalOptions = Static<typeof ApprovalOptions>;

/**
 * `direct` promotes after the smoke test (the default); `canary` sends `share` of the traffic to the
 * new version for `watchSeconds`, then promotes it or rolls it back by the guards; `shadow` has it
 * score a copy of the traffic for `watchSeconds`, never answering, and reports how it agreed.
 */
export const RolloutOptions = Type.Object(
  {
    strategy: Type.Union([Type.Literal('direct'), Type.Literal('canary'), Type.Literal('shadow')]),
    /** Canary: the share of unpinned requests the new version answers (default 0.1). */
    share: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    /** How long traffic is watched (default 300). */
    watchSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 7 * 24 * 3600 })),
    /** Canary: largest share of failed requests on the new version (default 0.01). */
    maxErrorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Canary: largest p99 latency of the new version, in ms. */
    maxP99Ms: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Canary: largest ratio of the new version's p99 latency to the champion's (default 2). */
    maxLatencyRatio: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Fewest requests the new version must have answered (canary) or shadowed for a verdict (default 20). */
    minRequests: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type RolloutOptions = Static<typeof RolloutOptions>;

export interface GateMetrics {
  rocAuc: number;
  prAuc: number;
  f1: number;
  accuracy: number;
  logLoss: number;
  brier: number;
}

/** The new version beside the champion on the same rows, and the rule's verdict. */
export interface ChampionComparison {
  championVersion: number;
  candidateVersion: number;
  /** Rows both versions scored (the new version's held-back test rows the champion accepts). */
  rows: number;
  champion: GateMetrics;
  candidate: GateMetrics;
  passed: boolean;
  reason: string;
}

/** What the gate activity found: no comparison (and why) or one. */
export type GateOutcome = { compared: false; reason: string } | ({ compared: true } & ChampionComparison);

export interface ApprovalDecision {
  approved: boolean;
  by?: string;
  reason?: string;
}

export interface ApprovalOutcome {
  status: 'approved' | 'rejected' | 'timed-out';
  by: string | null;
  reason: string | null;
}

/** Per version, traffic counts over the watch window. */
export interface VersionTraffic {
  version: number;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface ShadowAgreement {
  /** Records scored by both. */
  records: number;
  /** Share of records where both gave the same label. */
  agreement: number | null;
  meanAbsDiff: number | null;
  maxAbsDiff: number | null;
  /** Shadow scorings that failed (never seen by callers). */
  errors: number;
}

export interface RolloutOutcome {
  strategy: 'canary' | 'shadow';
  candidateVersion: number;
  championVersion: number | null;
  share: number | null;
  watchedSeconds: number;
  outcome: 'promoted' | 'rolled-back' | 'observed';
  reason: string;
  candidate: VersionTraffic;
  champion: VersionTraffic | null;
  shadow?: ShadowAgreement;
}

/** A version's counters on one scoring server, cumulative since it started (GET /admin/rollout-stats). */
export interface VersionCounters {
  version: number;
  requests: number;
  /** Requests the version failed to answer (5xx); refused bad input is the caller's error, not counted. */
  errors: number;
  /** Count per latency bucket (`boundsMs`, then one for anything slower). */
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
  /** Upper bounds of the latency buckets, in ms. */
  boundsMs: number[];
  versions: VersionCounters[];
  shadow: ShadowCounters[];
}
