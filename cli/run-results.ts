import type { DriftMonitorResult } from '../contracts';
import type { ScheduledRetrainResult } from '../contracts';
import type { BatchScoreResult } from '../contracts/batch';
import { describeBatchResult } from './batch-result';

/** What a finished scheduled run did, as lines for the terminal (`monitor`/`retrain --trigger --wait`). */
export function describeRunResult(workflowType: string, result: unknown): string[] {
  if (workflowType === 'driftMonitor') return describeMonitorResult(result as DriftMonitorResult);
  if (workflowType === 'scheduledRetrain') return describeRetrainResult(result as ScheduledRetrainResult);
  if (workflowType === 'batchScore') return describeBatchResult(result as BatchScoreResult);
  return [JSON.stringify(result, null, 2)];
}

function describeMonitorResult(result: DriftMonitorResult): string[] {
  return [
    `decision: ${result.decision}`,
    `reason: ${result.reason}`,
    `window: ${result.window.rows} prediction${result.window.rows === 1 ? '' : 's'}, ${result.window.from ?? 'from the start of the log'} to ${result.window.to}`,
    ...(result.retrainWorkflowId ? [`retrain run: ${result.retrainWorkflowId}`] : []),
    `report: ${result.reportPath ?? 'none (nothing was tested)'}`,
  ];
}

/** A run that completed but whose retrain failed: the command exits 1 for it. */
export function runResultFailed(workflowType: string, result: unknown): boolean {
  return workflowType === 'scheduledRetrain' && (result as ScheduledRetrainResult).outcome === 'failed';
}

function describeRetrainResult(result: ScheduledRetrainResult): string[] {
  const lifecycle = result.lifecycle;
  const outcome = result.skipped
    ? 'skipped'
    : result.outcome === 'failed'
      ? 'failed'
      : lifecycle
        ? `trained ${lifecycle.modelName} v${lifecycle.version}, ${lifecycle.deployed ? 'deployed' : 'not deployed'}`
        : 'trained';
  return [
    `retrain: ${outcome}`,
    `reason: ${result.reason}`,
    ...(result.lifecycleWorkflowId ? [`lifecycle run: ${result.lifecycleWorkflowId}`] : []),
  ];
}
