import {
  ActivityFailure,
  defineQuery,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities';
import type { DeployOutcome } from '../contracts/lifecycle-activities';
import { approvalHandlers, releaseOrExplain, type ReleaseOutcome } from './lifecycle-release';
import { validationSummary } from './validation-summary';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { checkLifecycleInput } from './lifecycle-input';
import { initialProgress, progressMarkdown, updateStep } from './lifecycle-progress';
import type { LifecycleStep, MlLifecycleInput, MlLifecycleProgress, MlLifecycleResult } from '../contracts/lifecycle';
import { ML_STEP, MODEL_NAME, MODEL_VERSION } from './search-attributes';

export const progressQuery = defineQuery<MlLifecycleProgress>('progress');

// Data-sized steps heartbeat, so a lost worker is noticed in 30 s rather than at the start-to-close limit.
const { validateData, trainModel } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry,
});
const { exportModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '10 minutes', retry });
const { registerModel, rejectModel } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '1 minute',
  retry,
});
const { deployModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '5 minutes', retry });

// Runs started before it passed a looser check; on replay they must not fail where they once went on.
const INPUT_SCHEMA = 'lifecycle-input-schema';
// The champion gate, approval and canary/shadow rollouts; earlier runs replay the older deploy path.
const RELEASE = 'champion-gate-approval-rollout';

const DEFAULTS = { target: 'Churn', seed: 42, minRowsPerClass: 20, minRocAuc: 0.6 };

/** Validate → train → export to ONNX → register → deploy, each step an activity. */
export async function mlLifecycle(rawInput: MlLifecycleInput): Promise<MlLifecycleResult> {
  const input = checkLifecycleInput(rawInput, { schema: patched(INPUT_SCHEMA) });
  const { modelName } = input;
  const progress = initialProgress(modelName);
  setHandler(progressQuery, () => progress);
  upsertSearchAttributes([{ key: MODEL_NAME, value: modelName }]);
  const approval = approvalHandlers(input);

  const step = async <T>(name: LifecycleStep, run: () => Promise<T>, describe: (value: T) => string): Promise<T> => {
    updateStep(progress, name, 'running');
    upsertSearchAttributes([{ key: ML_STEP, value: name }]);
    setCurrentDetails(progressMarkdown(progress));
    try {
      const value = await run();
      updateStep(progress, name, 'done', describe(value));
      return value;
    } catch (err) {
      updateStep(progress, name, 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      setCurrentDetails(progressMarkdown(progress));
    }
  };

  const data = await step(
    'validate',
    () =>
      validateData({
        dataUri: input.dataUri,
        target: input.target ?? DEFAULTS.target,
        positiveLabel: input.positiveLabel,
        idColumn: input.idColumn,
        minRowsPerClass: input.minRowsPerClass ?? DEFAULTS.minRowsPerClass,
        maxCategories: input.maxCategories,
        maxFeatures: input.maxFeatures,
      }),
    validationSummary,
  );
  const trained = await step(
    'train',
    () =>
      trainModel({
        modelName,
        data,
        seed: input.seed ?? DEFAULTS.seed,
        // Unset fields stay out, so the activity input of a run without them is what it always was.
        ...(input.calibration ? { calibration: input.calibration } : {}),
        ...(input.thresholdObjective ? { thresholdObjective: input.thresholdObjective } : {}),
        ...(input.classWeights ? { classWeights: input.classWeights } : {}),
        // Input only: the same activity is scheduled, so runs in flight replay unchanged.
        ...(input.algorithm ? { algorithm: input.algorithm } : {}),
        ...(input.gbdt ? { gbdt: input.gbdt } : {}),
      }),
    (t) => `test ROC AUC ${t.metrics.rocAuc.toFixed(4)}, F1 ${t.metrics.f1.toFixed(4)}`,
  );
  const exported = await step(
    'export',
    () => exportModel({ modelName, trained }),
    (e) => `ONNX matches on ${e.checkedRows} rows (max diff ${e.maxAbsDiff.toExponential(1)})`,
  );
  const registered = await step(
    'register',
    () =>
      registerModel({
        modelName,
        dataUri: input.dataUri,
        data,
        trained,
        exported,
        // Kept with the version, so a retrain of it applies the same gate and checks.
        options: {
          minRocAuc: input.minRocAuc ?? DEFAULTS.minRocAuc,
          minRowsPerClass: input.minRowsPerClass ?? DEFAULTS.minRowsPerClass,
          ...(input.algorithm ? { algorithm: input.algorithm } : {}),
          // Kept like minRocAuc, so a retrain of this version faces the same rule against the champion.
          ...(input.promotion ? { promotion: input.promotion } : {}),
        },
      }),
    (r) => `version ${r.version}`,
  );
  progress.version = registered.version;
  upsertSearchAttributes([{ key: MODEL_VERSION, value: registered.version }]);

  const minRocAuc = input.minRocAuc ?? DEFAULTS.minRocAuc;
  const outcome = patched(RELEASE)
    ? await releaseOrExplain(input, registered.version, trained.metrics.rocAuc, minRocAuc, progress, approval)
    : await deployOrExplain(input, registered.version, trained.metrics.rocAuc, progress);
  progress.current = 'finished';
  upsertSearchAttributes([{ key: ML_STEP, value: outcome.deployed ? 'deployed' : 'registered' }]);
  setCurrentDetails(progressMarkdown(progress));
  log.info('mlLifecycle finished', { modelName, version: registered.version, deployed: outcome.deployed });

  const { rocAuc, prAuc, accuracy, f1, logLoss, brier } = trained.metrics;
  return {
    modelName,
    version: registered.version,
    deployed: outcome.deployed,
    metrics: { ...trained.metrics, rocAuc, prAuc, accuracy, f1, logLoss, brier },
    reason: outcome.reason,
    dataSha256: data.dataSha256,
    artifactSha256: exported.onnxSha256,
    servingVersion: outcome.servingVersion,
    warnings: [...(data.warnings ?? []), ...(trained.warnings ?? [])].map((warning) => warning.message),
    ...releaseDetails(outcome),
  };
}

/** What the release step adds to the result, when it ran (runs before it have none of it). */
function releaseDetails(outcome: ReleaseOutcome): Pick<MlLifecycleResult, 'comparison' | 'approval' | 'rollout'> {
  const { comparison, approval, rollout } = outcome;
  return {
    ...(comparison ? { comparison } : {}),
    ...(approval ? { approval } : {}),
    ...(rollout ? { rollout } : {}),
  };
}

/** The promotion gate, then the rollout; a refused or failed rollout is a result, not a workflow failure. */
async function deployOrExplain(
  input: MlLifecycleInput,
  version: number,
  rocAuc: number,
  progress: MlLifecycleProgress,
): Promise<DeployOutcome> {
  const { modelName } = input;
  const minRocAuc = input.minRocAuc ?? DEFAULTS.minRocAuc;
  // The result's servingVersion is the version serving when the run ends, also when nothing changed;
  // rejectModel in runs recorded before it said so returned nothing.
  const notDeployed = async (reason: string): Promise<DeployOutcome> => {
    const rejected = await rejectModel({ modelName, version, reason });
    updateStep(progress, 'deploy', 'skipped', reason);
    return {
      deployed: false,
      reason,
      smokeRows: 0,
      maxAbsDiff: null,
      servingVersion: rejected?.servingVersion ?? null,
    };
  };
  if (input.deploy === false) return notDeployed('deploy: false in the input; registered only');
  if (rocAuc < minRocAuc) {
    return notDeployed(`promotion gate: test ROC AUC ${rocAuc.toFixed(4)} is below the minimum ${minRocAuc}`);
  }
  updateStep(progress, 'deploy', 'running');
  upsertSearchAttributes([{ key: ML_STEP, value: 'deploy' }]);
  setCurrentDetails(progressMarkdown(progress));
  try {
    const outcome = await deployModel({ modelName, version });
    updateStep(progress, 'deploy', outcome.deployed ? 'done' : 'failed', outcome.reason);
    return outcome;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = `deploy failed: ${err.cause?.message ?? err.message}; the previous version keeps serving`;
    updateStep(progress, 'deploy', 'failed', reason);
    const rejected = await rejectModel({ modelName, version, reason });
    return {
      deployed: false,
      reason,
      smokeRows: 0,
      maxAbsDiff: null,
      servingVersion: rejected?.servingVersion ?? null,
    };
  }
}
