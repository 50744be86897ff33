import type { GateMetric, GateMetrics, PromotionRule } from '../contracts/rollout';

// The rule a new version must pass against the champion on the same rows. Pure, so it is unit-tested
// apart from the scoring.

// The default tolerates a drop within the noise of a few hundred compared rows (a ROC AUC measured on
// 300 rows moves by about 0.02 from sample to sample): a retrain as good as the champion must not be
// turned away by chance. Set minDelta >= 0 to demand an improvement.
export const DEFAULT_PROMOTION_RULE: Required<PromotionRule> = {
  metric: 'rocAuc',
  minDelta: -0.01,
  guards: [
    { metric: 'logLoss', maxRegression: 0.02 },
    { metric: 'brier', maxRegression: 0.01 },
  ],
};

const LOWER_IS_BETTER: ReadonlySet<GateMetric> = new Set(['logLoss', 'brier']);

/** How much better `candidate` is than `champion` on `metric` (negative: worse), whichever way it points. */
export function improvement(metric: GateMetric, candidate: GateMetrics, champion: GateMetrics): number {
  const delta = candidate[metric] - champion[metric];
  return LOWER_IS_BETTER.has(metric) ? -delta : delta;
}

/** Applies the rule (defaults filled in); the reason names every figure it judged by. */
export function judgePromotion(
  rule: PromotionRule | undefined,
  candidate: GateMetrics,
  champion: GateMetrics,
  versions: { candidate: number; champion: number; rows: number },
): { passed: boolean; reason: string } {
  const metric = rule?.metric ?? DEFAULT_PROMOTION_RULE.metric;
  const minDelta = rule?.minDelta ?? DEFAULT_PROMOTION_RULE.minDelta;
  const guards = rule?.guards ?? DEFAULT_PROMOTION_RULE.guards;
  const on = `on the same ${versions.rows} held-back rows the champion never trained on`;
  const gain = improvement(metric, candidate, champion);
  const figures = `${metric} ${fmt(candidate[metric])} vs champion v${versions.champion}'s ${fmt(champion[metric])}`;
  const failures: string[] = [];
  if (!(gain >= minDelta - 1e-12)) {
    failures.push(
      `${figures}: ${gain >= 0 ? `improves by ${fmt(gain)}` : `worse by ${fmt(-gain)}`}, ${minDelta < 0 ? `may fall by at most ${-minDelta}` : `needs an improvement of at least ${minDelta}`}`,
    );
  }
  for (const guard of guards) {
    const regression = -improvement(guard.metric, candidate, champion);
    if (regression > guard.maxRegression + 1e-12) {
      failures.push(
        `guard ${guard.metric}: ${fmt(candidate[guard.metric])} vs ${fmt(champion[guard.metric])}, worse by ${fmt(regression)} (at most ${guard.maxRegression})`,
      );
    }
  }
  if (failures.length > 0) {
    return {
      passed: false,
      reason: `champion gate: version ${versions.candidate} loses ${on}: ${failures.join('; ')}`,
    };
  }
  return { passed: true, reason: `champion gate: version ${versions.candidate} passes ${on}: ${figures}` };
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}
