import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/monitor-activities';
import type { RetrainData } from '../contracts/monitor-activities';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import type { DriftRetrainSummary, RetrainPolicy } from '../contracts';
import { rootCauseMessage } from './failure-message';
import type { MlLifecycleResult } from '../contracts';
import type { mlLifecycle } from './ml-lifecycle';
import { retrainLifecycleInput } from './retrain-input';
import { ML_STEP } from './search-attributes';

const { prepareRetrainData } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});
const { retrainOptions } = proxyActivities<MonitorActivities>({ startToCloseTimeout: '1 minute', retry });

export interface RetrainRequest {
  modelName: string;
  version: number;
  /** The window's end: names the retrain data and the retrain run. */
  to: string;
  policy: RetrainPolicy;
  minNewLabelled: number;
}

export interface RetrainOutcome {
  decision: 'drift-too-few-labels' | 'retrained' | 'retrain-not-deployed' | 'retrain-failed';
  reason: string;
  retrainWorkflowId?: string;
  retrain: DriftRetrainSummary;
}

/**
 * Prepares the retrain data and runs `mlLifecycle` on it with the monitored version's options, waiting
 * for its outcome: the monitor reports what the retrain did, and only a registered version counts.
 */
export async function retrainOnDrift(request: RetrainRequest): Promise<RetrainOutcome> {
  const { modelName, version, to, policy, minNewLabelled } = request;
  const labelledMinimum = policy.mode === 'original+labelled' ? minNewLabelled : 0;
  const data = await prepareRetrainData({ modelName, version, policy, windowTo: to, minNewLabelled: labelledMinimum });
  const summary: DriftRetrainSummary = {
    rows: data.rows,
    newLabelled: data.liveRows,
    knownLabelled: data.knownLiveRows ?? 0,
    minNewLabelled: labelledMinimum,
  };
  if (data.tooFewLabelled) {
    return {
      decision: 'drift-too-few-labels',
      reason: `not retraining: ${labelledRecords(data)}, fewer than the minimum of ${labelledMinimum} (minNewLabelled)`,
      retrain: summary,
    };
  }
  const options = await retrainOptions({ modelName, version });
  // Deterministic id: a retried or replayed monitor run never starts a second retrain for this window.
  const retrainWorkflowId = `${modelName}-retrain-${to.replace(/[:.]/g, '-')}`;
  const trainsOn = `${data.rows > 0 ? `${data.rows} rows` : policy.mode === 'dataUri' ? policy.dataUri : 'the data'} (${labelledRecords(data)})`;
  upsertSearchAttributes([{ key: ML_STEP, value: 'retraining' }]);
  setCurrentDetails(`**${modelName}** v${version}: drift; retraining on ${trainsOn} as ${retrainWorkflowId}`);
  const started = { retrainWorkflowId, retrain: { ...summary, workflowId: retrainWorkflowId } };
  let lifecycle: MlLifecycleResult;
  try {
    lifecycle = await executeChild<typeof mlLifecycle>('mlLifecycle', {
      workflowId: retrainWorkflowId,
      args: [retrainLifecycleInput(modelName, data.dataUri, options)],
      taskQueue: workflowInfo().taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
  } catch (err) {
    const error =
      err instanceof WorkflowExecutionAlreadyStartedError
        ? `not started: ${retrainWorkflowId} already ran for this window`
        : err instanceof ChildWorkflowFailure
          ? rootCauseMessage(err)
          : undefined;
    if (error === undefined) throw err;
    return {
      decision: 'retrain-failed',
      reason: `retrain ${retrainWorkflowId} on ${trainsOn} failed: ${error}; v${version} keeps serving, and with no version registered no cooldown starts`,
      ...started,
      retrain: { ...started.retrain, error },
    };
  }
  const registered = { ...started.retrain, version: lifecycle.version, deployed: lifecycle.deployed };
  return lifecycle.deployed
    ? {
        decision: 'retrained',
        reason: `retrained on ${trainsOn} as ${retrainWorkflowId}: v${lifecycle.version} serves (${lifecycle.reason})`,
        ...started,
        retrain: registered,
      }
    : {
        decision: 'retrain-not-deployed',
        reason: `retrained on ${trainsOn} as ${retrainWorkflowId}: v${lifecycle.version} registered but not deployed (${lifecycle.reason}); v${version} keeps serving`,
        ...started,
        retrain: registered,
      };
}

function labelledRecords(data: RetrainData): string {
  const known = data.knownLiveRows ? `; ${data.knownLiveRows} more already in the serving version's data` : '';
  return `${data.liveRows} new labelled live record${data.liveRows === 1 ? '' : 's'}${known}`;
}
