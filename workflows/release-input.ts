import { type FieldProblem, shown } from '../contracts/check';

// Finer messages than the schema's "must be equal to constant" for the release options' choices.

const STRATEGIES = ['direct', 'canary', 'shadow'];
const PRIMARY_METRICS = ['rocAuc', 'logLoss', 'prAuc', 'f1'];
const GUARD_METRICS = ['rocAuc', 'prAuc', 'f1', 'accuracy', 'logLoss', 'brier'];

export function releaseProblems(candidate: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const oneOf = (field: string, value: unknown, allowed: string[]) => {
    if (value !== undefined && !allowed.includes(value as string)) {
      problems.push({
        field,
        message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got ${shown(value)}`,
      });
    }
  };
  const { rollout, promotion, approval } = candidate;
  if (isObject(rollout)) {
    if (rollout.strategy === undefined) problems.push({ field: 'rollout.strategy', message: 'is required' });
    else oneOf('rollout.strategy', rollout.strategy, STRATEGIES);
  }
  if (isObject(promotion)) {
    oneOf('promotion.metric', promotion.metric, PRIMARY_METRICS);
    if (Array.isArray(promotion.guards)) {
      promotion.guards.forEach((guard: unknown, i) => {
        if (isObject(guard)) oneOf(`promotion.guards.${i}.metric`, guard.metric, GUARD_METRICS);
      });
    }
  }
  if (
    isObject(approval) &&
    typeof approval.timeout === 'string' &&
    !/^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)$/.test(approval.timeout)
  ) {
    problems.push({
      field: 'approval.timeout',
      message: `must be seconds or a number with a unit (90s, 30m, 24h, 7d); got ${shown(approval.timeout)}`,
    });
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
