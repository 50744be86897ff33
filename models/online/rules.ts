import type { ProgressiveSnapshot } from './window';

// Two judgements on the progressive window, each with the reason a person reads in the Web UI or
// the CLI. Both compare the online model with the serving version on the very same records.

export interface PauseRules {
  /** Fewer records than this in the window and nothing is judged (default 500). */
  minRecords: number;
  /** Pause when the online log loss exceeds the serving version's by more than this (default 0.05 nats). */
  logLossMargin: number;
  /**
   * Pause when the serving version's ROC AUC on the window falls below this (default 0.5, chance):
   * the labels then rank the records opposite to a model that was validated on them, which is what a
   * burst of flipped labels or a broken upstream looks like. While it lasts the online model, which
   * learns those labels, can look better than serving on them; this rule keeps it from being published.
   * A genuine wholesale reversal also pauses, for a person to confirm with a resume.
   */
  minServingRocAuc: number;
}

export interface PublishRules {
  minRecords: number;
  /** The online ROC AUC may be at most this far below the serving version's (default 0.005). */
  rocAucTolerance: number;
}

export const DEFAULT_PAUSE_RULES: Readonly<PauseRules> = {
  minRecords: 500,
  logLossMargin: 0.05,
  minServingRocAuc: 0.5,
};
export const DEFAULT_PUBLISH_RULES: Readonly<PublishRules> = { minRecords: 500, rocAucTolerance: 0.005 };

export interface Judgement {
  /** True: pause (for judgePause) or publish (for judgePublish). */
  verdict: boolean;
  reason: string;
}

const f = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));

/** Should learning stop until a person resumes it? */
export function judgePause(snapshot: ProgressiveSnapshot, rules: Partial<PauseRules> = {}): Judgement {
  const { minRecords, logLossMargin, minServingRocAuc } = { ...DEFAULT_PAUSE_RULES, ...rules };
  const { online, serving, records } = snapshot;
  if (records < minRecords) {
    return { verdict: false, reason: `${records} records in the window, fewer than the ${minRecords} judged` };
  }
  if (online.logLoss !== null && serving.logLoss !== null && online.logLoss - serving.logLoss > logLossMargin) {
    return {
      verdict: true,
      reason:
        `online log loss ${f(online.logLoss)} is ${f(online.logLoss - serving.logLoss)} above the serving version's ` +
        `${f(serving.logLoss)} over the last ${records} records (allowed ${logLossMargin})`,
    };
  }
  if (serving.rocAuc !== null && serving.rocAuc < minServingRocAuc) {
    return {
      verdict: true,
      reason:
        `the labels of the last ${records} records contradict the serving version (its ROC AUC on them is ` +
        `${f(serving.rocAuc)}, below ${minServingRocAuc}): a burst of wrong labels or a broken upstream; ` +
        `resume only if the relationship really reversed`,
    };
  }
  return {
    verdict: false,
    reason: `online log loss ${f(online.logLoss)} vs serving ${f(serving.logLoss)}, serving ROC AUC ${f(serving.rocAuc)} over ${records} records`,
  };
}

/**
 * Should the online model become the serving version? Only if nothing calls for a pause, its log
 * loss on the window is lower than serving's and its ROC AUC is not lower beyond the tolerance.
 */
export function judgePublish(
  snapshot: ProgressiveSnapshot,
  rules: Partial<PublishRules> = {},
  pauseRules: Partial<PauseRules> = {},
): Judgement {
  const { minRecords, rocAucTolerance } = { ...DEFAULT_PUBLISH_RULES, ...rules };
  const { online, serving, records } = snapshot;
  if (records < minRecords) {
    return {
      verdict: false,
      reason: `${records} records in the window, fewer than the ${minRecords} needed to compare`,
    };
  }
  const pause = judgePause(snapshot, { minRecords, ...pauseRules });
  if (pause.verdict) return { verdict: false, reason: pause.reason };
  if (online.logLoss === null || serving.logLoss === null || online.rocAuc === null || serving.rocAuc === null) {
    return {
      verdict: false,
      reason: `the window's labels have a single class: log loss and ROC AUC cannot be compared`,
    };
  }
  const both =
    `online log loss ${f(online.logLoss)} vs serving ${f(serving.logLoss)}, ` +
    `ROC AUC ${f(online.rocAuc)} vs ${f(serving.rocAuc)} on the same ${records} records`;
  if (online.logLoss >= serving.logLoss) return { verdict: false, reason: `not better: ${both}` };
  if (online.rocAuc < serving.rocAuc - rocAucTolerance) {
    return { verdict: false, reason: `ROC AUC lower by more than ${rocAucTolerance}: ${both}` };
  }
  return { verdict: true, reason: `beats serving: ${both}` };
}
