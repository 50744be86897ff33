import { heartbeat, log } from '@temporalio/activity';
import { join } from 'node:path';
import { sha256File } from '../data/sha256';
import { detectDrift } from '../monitoring/drift/detect-drift';
import { resolveDriftConfig } from '../monitoring/drift/config';
import type { LoggedWindow, PredictionLogReader } from '../monitoring/prediction-log';
import { writeDecisionIntoReport } from '../monitoring/report/decision';
import { writeDriftReport } from '../monitoring/report/files';
import type { ModelBaseline } from '../monitoring/types';
import type { ModelRegistry } from '../registry/model-registry';
import { InvalidInputError } from '../core/errors';
import { readArtifact } from '../core/integrity';
import { safeFileName } from '../core/file-names';
import type {
  DataChange,
  DataChangeInput,
  DriftCheckInput,
  DriftCheckResult,
  MonitorState,
  MonitorStateInput,
  RecordMonitorRunInput,
  RetrainOptions,
  RetrainOptionsInput,
} from '../contracts/monitor-activities';
import { createPrepareRetrainData } from './prepare-retrain-data';
import { retrainOptionsOf } from './retrain-options';
import { currentRun, dataPathFromUri } from './run-files';

export interface MonitorDeps {
  registry: ModelRegistry;
  predictionLog: PredictionLogReader;
  home: string;
  /** The only folders data files may be read from (MLCYCLE_DATA_ROOTS). */
  dataRoots: readonly string[];
}

/** The drift monitor's activities; the worker builds them with the registry and the prediction log. */
export function createMonitorActivities(deps: MonitorDeps) {
  const { registry, predictionLog, home, dataRoots } = deps;

  async function getMonitorState({ modelName }: MonitorStateInput): Promise<MonitorState> {
    const lastRetrain = registry.monitorRuns.latestRetrain(modelName);
    return Promise.resolve({
      servingVersion: registry.getServing(modelName)?.version ?? null,
      lastWindowTo: registry.monitorRuns.furthestWindowTo(modelName),
      lastRetrainAt: lastRetrain?.at ?? null,
      lastRetrainWorkflowId: lastRetrain?.retrainWorkflowId ?? null,
    });
  }

  async function checkDrift(input: DriftCheckInput): Promise<DriftCheckResult> {
    const { modelName, version, from, to } = input;
    const stored = registry.getBaseline(modelName, version);
    if (!stored) {
      throw new InvalidInputError(
        `${modelName} v${version} has no drift baseline (it was registered before monitoring existed); retrain it to monitor it`,
      );
    }
    const baseline = JSON.parse(
      (await readArtifact(stored.path, stored.sha256, `the drift baseline of ${modelName} v${version}`)).toString(
        'utf8',
      ),
    ) as ModelBaseline;
    const config = resolveDriftConfig(input.config);
    heartbeat({ stage: 'reading window' });
    const window = readWindowWithFeedback(predictionLog, modelName, version, from, to);
    const labels = window.feedback?.labelled.length ?? 0;
    if (window.rows < input.minRows && labels === 0) {
      return {
        drifted: false,
        dataDrift: false,
        driftShare: 0,
        features: [],
        window: { rows: window.rows, from, to },
        summary: `${window.rows} logged prediction${window.rows === 1 ? '' : 's'} in the window, fewer than the ${input.minRows} needed to test drift`,
        reportPath: null,
        jsonPath: null,
      };
    }
    heartbeat({ stage: 'testing', rows: window.rows });
    const report = detectDrift(baseline, window, config, { modelName, version, minRows: input.minRows });
    const stamp = to.replace(/[:.]/g, '-');
    const files = await writeDriftReport(join(home, 'monitoring', 'reports', safeFileName(modelName)), report, stamp);
    log.info('drift checked', {
      modelName,
      version,
      rows: window.rows,
      labels,
      lateLabels: window.feedback?.late ?? 0,
      blanks: report.dataQuality.blanks,
      outOfRange: report.dataQuality.outOfRange,
      drifted: report.drifted,
      report: files.htmlPath,
    });
    const verdict = (f: (typeof report.features)[number]) => ({
      name: f.name,
      test: f.test,
      statistic: f.statistic,
      ...(f.adjustedPValue !== undefined
        ? { pValue: f.adjustedPValue }
        : f.pValue !== undefined
          ? { pValue: f.pValue }
          : {}),
      drifted: f.drifted,
    });
    return {
      drifted: report.drifted,
      dataDrift: report.datasetDrift,
      driftShare: report.driftShare,
      features: report.features.map(verdict),
      ...(report.prediction ? { prediction: verdict(report.prediction) } : {}),
      ...(report.performance
        ? {
            performance: {
              labelled: report.performance.labelled,
              late: report.performance.late,
              rocAuc: report.performance.rocAuc,
              drifted: report.performance.drifted,
              predictionSpan: report.performance.predictionSpan,
              labelSpan: report.performance.labelSpan,
            },
          }
        : {}),
      window: { rows: window.rows, from, to },
      summary: report.summary,
      reportPath: files.htmlPath,
      jsonPath: files.jsonPath,
    };
  }

  /** Records the run's decision in the registry and in its report (HTML section, JSON field). */
  async function recordMonitorRun(input: RecordMonitorRunInput): Promise<void> {
    // Runs scheduled before the reason was recorded pass none.
    const reason = input.reason ?? null;
    registry.monitorRuns.record({ ...input, reason, ...currentRun(), at: new Date().toISOString() });
    if (input.reportPath === null || reason === null) return;
    try {
      await writeDecisionIntoReport(input.reportPath, input.reportPath.replace(/\.html$/, '.json'), {
        decision: input.decision,
        reason,
        retrainWorkflowId: input.retrainWorkflowId,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Someone removed the report since checkDrift wrote it; the decision is still in the registry.
      log.warn('drift report gone, decision not added to it', { reportPath: input.reportPath });
    }
  }

  async function checkDataChanged({ modelName, dataUri }: DataChangeInput): Promise<DataChange> {
    const dataSha256 = await sha256File(await dataPathFromUri(dataUri, dataRoots));
    const serving = registry.getServing(modelName);
    // Only a registered version counts as "trained on this data": a run that failed registered nothing.
    const trained = registry
      .listVersions(modelName)
      .filter((v) => v.dataSha256 === dataSha256)
      .at(-1);
    const outcome =
      trained &&
      registry
        .listDeployments(modelName)
        .filter((d) => d.version === trained.version)
        .at(-1);
    return {
      changed: serving?.dataSha256 !== dataSha256,
      dataSha256,
      servingSha256: serving?.dataSha256 ?? null,
      servingVersion: serving?.version ?? null,
      ...(trained
        ? {
            trained: {
              version: trained.version,
              serving: trained.version === serving?.version,
              outcome: outcome ? `${outcome.outcome}: ${outcome.reason}` : null,
            },
          }
        : {}),
    };
  }

  /** What a retrain reuses: the options the given version (default: the serving, else the latest) was trained with. */
  async function retrainOptions({ modelName, version }: RetrainOptionsInput): Promise<RetrainOptions | null> {
    const record =
      version !== undefined
        ? registry.getVersion(modelName, version)
        : (registry.getServing(modelName) ?? registry.listVersions(modelName).at(-1));
    return Promise.resolve(record ? retrainOptionsOf(record) : null);
  }

  return {
    getMonitorState,
    checkDrift,
    recordMonitorRun,
    checkDataChanged,
    retrainOptions,
    prepareRetrainData: createPrepareRetrainData({ registry, predictionLog, home, dataRoots }),
  };
}

export type MonitorActivities = ReturnType<typeof createMonitorActivities>;

/**
 * The window's predictions, and as feedback every label that arrived in (from, to]: the window's own
 * labelled predictions plus those made before it and labelled since, each counted in exactly one run.
 */
function readWindowWithFeedback(
  predictionLog: PredictionLogReader,
  modelName: string,
  version: number,
  from: string | null,
  to: string,
): LoggedWindow {
  const since = from ? { from } : {};
  const window = predictionLog.readWindow(modelName, { ...since, to, version, labelsBy: to });
  const late = predictionLog.readLateLabels(modelName, {
    version,
    ...(from ? { labelledFrom: from, windowFrom: from } : {}),
    labelledTo: to,
    windowTo: to,
  });
  const first = late.times?.[0] ?? window.labelledTimes?.[0];
  const last = window.labelledTimes?.[1] ?? late.times?.[1];
  const iso = (ms: number) => new Date(ms).toISOString();
  window.feedback = {
    labelled: [...late.labelled, ...window.labelled],
    late: late.labelled.length,
    labelSpan: { from: from ?? iso(0), to },
    predictionSpan: first !== undefined && last !== undefined ? { from: iso(first), to: iso(last) } : null,
  };
  return window;
}
