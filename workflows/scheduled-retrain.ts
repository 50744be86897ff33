import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  executeChild,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/monitor-activities';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { rootCauseMessage } from './failure-message';
import { legacyRetrain } from './scheduled-retrain-legacy';
import { mergeProblems, schemaProblems } from '../contracts/check';
import type { MlLifecycleResult } from '../contracts/lifecycle';
import {
  type ScheduledRetrainInput,
  ScheduledRetrainInputSchema,
  type ScheduledRetrainOutcome,
  type ScheduledRetrainResult,
} from '../contracts/retrain';
import { invalidInput } from './invalid-input';
import { withTextLabel } from './lifecycle-input';
import type { mlLifecycle } from './ml-lifecycle';
import { overrideProblems, retrainLifecycleInput } from './retrain-input';
import { ML_STEP, MODEL_NAME } from './search-attributes';

const { checkDataChanged, retrainOptions } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});

// Runs started before it: skip by "a child with this id exists", child input of name and data only.
const REUSES_VERSION_OPTIONS = 'scheduled-retrain-reuses-version-options';
// Runs started before it passed a looser check; on replay they must not fail where they once went on.
const INPUT_SCHEMA = 'scheduled-retrain-input-schema';

/**
 * Batch retraining on a schedule: trains again only when no version was registered from this data
 * yet, reusing the serving version's options. A failed retrain is reported in the result, and the next
 * run tries the same data again: only a registered version counts as "trained".
 */
export async function scheduledRetrain(rawInput: ScheduledRetrainInput): Promise<ScheduledRetrainResult> {
  const input = checkInput(rawInput, patched(INPUT_SCHEMA));
  const current = patched(REUSES_VERSION_OPTIONS);
  const { modelName, dataUri } = input;
  upsertSearchAttributes([
    { key: MODEL_NAME, value: modelName },
    { key: ML_STEP, value: 'retrain-check' },
  ]);
  const change = await checkDataChanged({ modelName, dataUri });
  if (!current) return legacyRetrain(input, change);
  const { dataSha256 } = change;
  if (change.trained) {
    const { version, serving, outcome } = change.trained;
    const data = `sha256 ${dataSha256.slice(0, 12)}…`;
    const reason = serving
      ? `data unchanged (${data} is what the serving version v${version} was trained on); skipped`
      : `this data (${data}) was already trained as v${version}, which does not serve (${outcome ?? 'no deployment recorded'}); skipped`;
    return finish(modelName, { skipped: true, outcome: 'skipped', reason, dataSha256 });
  }
  const options = await retrainOptions({ modelName });
  // One lifecycle per data version: the id is the data's sha256. A failed one may run again, a completed one not.
  const lifecycleWorkflowId = `${modelName}-data-${dataSha256.slice(0, 16)}`;
  const basis = options ? `options of v${options.fromVersion}` : 'default options (no version registered yet)';
  setCurrentDetails(`**${modelName}**: data changed, running ${lifecycleWorkflowId} with the ${basis}`);
  upsertSearchAttributes([{ key: ML_STEP, value: 'retraining' }]);
  const changed = `data changed (was ${change.servingSha256?.slice(0, 12) ?? 'none'}…, now ${dataSha256.slice(0, 12)}…)`;
  let lifecycle: MlLifecycleResult;
  try {
    lifecycle = await executeChild<typeof mlLifecycle>('mlLifecycle', {
      workflowId: lifecycleWorkflowId,
      args: [retrainLifecycleInput(modelName, dataUri, options, input)],
      taskQueue: workflowInfo().taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
  } catch (err) {
    const common = { dataSha256, lifecycleWorkflowId };
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const reason = `${lifecycleWorkflowId} is already running or completed for this data; skipped`;
      return finish(modelName, { skipped: true, outcome: 'skipped', reason, ...common });
    }
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    // A result, not a workflow failure: a failed run would pause the schedule, blocking the next retrain.
    const reason = `${changed}: retrain ${lifecycleWorkflowId} failed: ${rootCauseMessage(err)}; the next run tries this data again`;
    return finish(modelName, { skipped: false, outcome: 'failed', reason, ...common });
  }
  return finish(modelName, {
    skipped: false,
    outcome: lifecycle.deployed ? 'retrained' : 'not-deployed',
    reason: `${changed}: ${lifecycle.deployed ? '' : `v${lifecycle.version} registered, not deployed: `}${lifecycle.reason}`,
    dataSha256,
    lifecycleWorkflowId,
    lifecycle,
  });
}

const STEP_OF: Record<ScheduledRetrainOutcome, string> = {
  skipped: 'retrain-skipped',
  retrained: 'retrained',
  'not-deployed': 'retrain-not-deployed',
  failed: 'retrain-failed',
};

function finish(
  modelName: string,
  result: Omit<ScheduledRetrainResult, 'modelName'> & { outcome: ScheduledRetrainOutcome },
): ScheduledRetrainResult {
  upsertSearchAttributes([{ key: ML_STEP, value: STEP_OF[result.outcome] }]);
  setCurrentDetails(`**${modelName}**: **${result.outcome}** — ${result.reason}`);
  return { modelName, ...result };
}

/**
 * The contract's schema (a string `"false"` for `deploy`, `-1` for `minRowsPerClass`, an object for
 * `idColumn` are refused by field), with the finer hand-written messages where both speak of a field.
 */
function checkInput(input: unknown, schema: boolean): ScheduledRetrainInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput('scheduledRetrain', [{ field: 'input', message: 'must be a JSON object' }]);
  }
  const candidate = withTextLabel(input as Record<string, unknown>);
  const { modelName, dataUri } = candidate;
  const required = [
    ...(typeof modelName === 'string' ? [] : [{ field: 'modelName', message: 'is required: the model to retrain' }]),
    ...(typeof dataUri === 'string' ? [] : [{ field: 'dataUri', message: 'is required: the data to retrain on' }]),
  ];
  const handWritten = [...required, ...overrideProblems(candidate)];
  const problems = mergeProblems(handWritten, schema ? schemaProblems(ScheduledRetrainInputSchema, candidate) : []);
  if (problems.length > 0) throw invalidInput('scheduledRetrain', problems);
  return candidate as ScheduledRetrainInput;
}
