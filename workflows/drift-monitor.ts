import {
  ApplicationFailure,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/monitor-activities';
import type { DriftCheckResult } from '../contracts/monitor-activities';
import { durationToMs } from '../core/duration';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { checkDriftMonitorInput } from './drift-monitor-input';
import { startRetrainLegacy } from './drift-monitor-legacy';
import { retrainOnDrift } from './drift-monitor-retrain';
import {
  DRIFT_MONITOR_DEFAULTS,
  type DriftMonitorInput,
  type DriftMonitorRequest,
  type DriftMonitorResult,
  type DriftRetrainSummary,
  type MonitorDecision,
} from '../contracts/monitor';
import { ML_STEP, MODEL_NAME, MODEL_VERSION } from './search-attributes';

const { checkDrift } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});
const { getMonitorState, recordMonitorRun } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '1 minute',
  retry,
});

const {
  cooldown: DEFAULT_COOLDOWN,
  minRows: DEFAULT_MIN_ROWS,
  minNewLabelled: DEFAULT_MIN_NEW_LABELLED,
} = DRIFT_MONITOR_DEFAULTS;
// Runs started before it left the retrain running unwatched and reported `retrain-started`.
const AWAITS_RETRAIN = 'drift-monitor-awaits-retrain';

/**
 * Compares the logged live records of a window with the serving version's baseline; on data or
 * concept drift runs `mlLifecycle` (unless cooling down or short of new labels) and waits for it.
 * Every decision, the retrain's outcome included, is in the result, the registry and the report.
 */
export async function driftMonitor(rawInput: DriftMonitorRequest): Promise<DriftMonitorResult> {
  // Runs started before the input check existed replay without it (their `to` was not normalised).
  const input = patched('drift-monitor-input-check')
    ? checkDriftMonitorInput(rawInput, Date.now(), { schema: patched('drift-monitor-input-schema') })
    : (rawInput as DriftMonitorInput);
  if (typeof input?.modelName !== 'string' || input.modelName === '') {
    throw ApplicationFailure.nonRetryable('driftMonitor input needs modelName', 'InvalidInputError');
  }
  const { modelName } = input;
  const cooldownMs = durationMs(input.cooldown ?? DEFAULT_COOLDOWN, 'cooldown');
  const awaitsRetrain = patched(AWAITS_RETRAIN);
  upsertSearchAttributes([
    { key: MODEL_NAME, value: modelName },
    { key: ML_STEP, value: 'monitor' },
  ]);
  const state = await getMonitorState({ modelName });
  const to = input.to ?? new Date(Date.now()).toISOString();
  const from = input.from ?? state.lastWindowTo;
  if (state.servingVersion === null) {
    return finish(modelName, null, emptyCheck(from, to), 'no-data', `${modelName} has no serving version to monitor`);
  }
  const version = state.servingVersion;
  upsertSearchAttributes([{ key: MODEL_VERSION, value: version }]);
  setCurrentDetails(`**${modelName}** v${version}: checking drift in ${from ?? 'the beginning'} … ${to}`);

  const check = await checkDrift({
    modelName,
    version,
    from,
    to,
    config: input.config,
    minRows: input.minRows ?? DEFAULT_MIN_ROWS,
  });
  const record = (
    decision: MonitorDecision,
    reason: string,
    retrainWorkflowId?: string,
    retrain?: DriftRetrainSummary,
  ) => recordAndFinish(modelName, version, check, decision, reason, retrainWorkflowId, retrain);

  const tooFewRows = check.window.rows < (input.minRows ?? DEFAULT_MIN_ROWS);
  // Too few rows to test features, yet late labels can still show concept drift (runs before: never drifted).
  if (tooFewRows && !check.drifted) return record('no-data', check.summary);
  if (!check.drifted) return record('no-drift', check.summary);
  if (input.retrain === false) return record('drift-retrain-disabled', andThen(check.summary, 'retraining is off'));

  // Only retrains that registered a version count (getMonitorState): a failed one never holds the next off.
  const sinceRetrain = state.lastRetrainAt === null ? Infinity : Date.now() - Date.parse(state.lastRetrainAt);
  if (sinceRetrain < cooldownMs) {
    const minutesLeft = Math.ceil((cooldownMs - sinceRetrain) / 60_000);
    return record(
      'drift-cooling-down',
      andThen(
        check.summary,
        `not retraining: ${state.lastRetrainWorkflowId} retrained ${Math.round(sinceRetrain / 60_000)} min ago, cooldown ends in ${minutesLeft} min`,
      ),
    );
  }

  const policy = input.retrainPolicy ?? { mode: 'original+labelled' };
  if (!awaitsRetrain) {
    const started = await startRetrainLegacy(modelName, version, to, policy);
    return record('retrain-started', andThen(check.summary, started.reason), started.retrainWorkflowId);
  }
  const minNewLabelled = input.minNewLabelled ?? DEFAULT_MIN_NEW_LABELLED;
  const outcome = await retrainOnDrift({ modelName, version, to, policy, minNewLabelled });
  return record(outcome.decision, andThen(check.summary, outcome.reason), outcome.retrainWorkflowId, outcome.retrain);
}

async function recordAndFinish(
  modelName: string,
  version: number,
  check: DriftCheckResult,
  decision: MonitorDecision,
  reason: string,
  retrainWorkflowId?: string,
  retrain?: DriftRetrainSummary,
): Promise<DriftMonitorResult> {
  await recordMonitorRun({
    modelName,
    version,
    windowFrom: check.window.from,
    windowTo: check.window.to,
    rows: check.window.rows,
    drifted: check.drifted,
    decision,
    retrainWorkflowId: retrainWorkflowId ?? null,
    reportPath: check.reportPath,
    reason,
  });
  return finish(modelName, version, check, decision, reason, retrainWorkflowId, retrain);
}

function finish(
  modelName: string,
  version: number | null,
  check: DriftCheckResult,
  decision: MonitorDecision,
  reason: string,
  retrainWorkflowId?: string,
  retrain?: DriftRetrainSummary,
): DriftMonitorResult {
  upsertSearchAttributes([{ key: ML_STEP, value: decision }]);
  setCurrentDetails(`**${modelName}**${version === null ? '' : ` v${version}`}: **${decision}** — ${reason}`);
  return {
    modelName,
    version,
    drifted: check.drifted,
    datasetDrift: check.dataDrift,
    dataDrift: check.dataDrift,
    driftShare: check.driftShare,
    features: check.features,
    ...(check.prediction ? { prediction: check.prediction } : {}),
    ...(check.performance ? { performance: check.performance } : {}),
    window: check.window,
    decision,
    reason,
    ...(retrainWorkflowId ? { retrainWorkflowId } : {}),
    ...(retrain ? { retrain } : {}),
    ...(check.reportPath ? { reportPath: check.reportPath } : {}),
  };
}

/** The check's summary (a sentence ending in a full stop) and what the monitor did, as one sentence. */
function andThen(summary: string, next: string): string {
  return `${summary.replace(/\.$/, '')}; ${next}`;
}

function emptyCheck(from: string | null, to: string): DriftCheckResult {
  return {
    drifted: false,
    dataDrift: false,
    driftShare: 0,
    features: [],
    window: { rows: 0, from, to },
    summary: 'nothing to compare',
    reportPath: null,
    jsonPath: null,
  };
}

function durationMs(value: string | number, name: string): number {
  const ms = durationToMs(value);
  if (Number.isNaN(ms)) {
    throw ApplicationFailure.nonRetryable(
      `${name} "${value}" is not a duration like "30m" or "6h"`,
      'InvalidInputError',
    );
  }
  return ms;
}
