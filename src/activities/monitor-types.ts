import type { MonitorRunRecord } from '../registry/monitor-runs';
import type { DriftConfigOverrides, DriftMonitorResult, RetrainPolicy } from '../workflows/drift-monitor-types';

export interface MonitorStateInput {
  modelName: string;
}

export interface MonitorState {
  servingVersion: number | null;
  /** `to` of the previous monitor run: where this window starts by default. */
  lastWindowTo: string | null;
  lastRetrainAt: string | null;
  lastRetrainWorkflowId: string | null;
}

export interface DriftCheckInput {
  modelName: string;
  version: number;
  from: string | null;
  to: string;
  config?: DriftConfigOverrides;
  minRows: number;
}

/** The drift report's verdicts, without histograms; the full report is in the files. */
export type DriftCheckResult = Pick<
  DriftMonitorResult,
  'drifted' | 'dataDrift' | 'driftShare' | 'features' | 'prediction' | 'performance' | 'window'
> & { summary: string; reportPath: string | null; jsonPath: string | null };

export interface PrepareRetrainDataInput {
  modelName: string;
  version: number;
  policy: RetrainPolicy;
  windowTo: string;
}

export interface RetrainData {
  dataUri: string;
  rows: number;
  liveRows: number;
}

/** A monitor run's outcome; the activity adds the workflow run and the time. */
export type RecordMonitorRunInput = Omit<MonitorRunRecord, 'workflowId' | 'runId' | 'at'>;

export interface DataChangeInput {
  modelName: string;
  dataUri: string;
}

export interface DataChange {
  changed: boolean;
  dataSha256: string;
  servingSha256: string | null;
  servingVersion: number | null;
}
