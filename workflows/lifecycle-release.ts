import {
  ActivityFailure,
  condition,
  defineUpdate,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration, StringValue } from '@temporalio/common';
import type { LifecycleActivities } from '../activities';
import type { DeployOutcome } from '../contracts/lifecycle-activities';
import type { LifecycleStep, MlLifecycleInput, MlLifecycleProgress } from '../contracts/lifecycle';
import type { ApprovalDecision, ApprovalOutcome, GateOutcome, RolloutOutcome } from '../contracts/rollout';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { progressMarkdown, updateStep } from './lifecycle-progress';
import { ML_STEP } from './search-attributes';

// After register: the promotion gate against the champion, optional human approval, then the rollout
// (direct, canary or shadow). Runs started before this existed take the older path in ml-lifecycle.ts.

/** `approve` / `reject` updates: who decided and why; refused when the run is not (or no longer) waiting. */
export type ApprovalNote = Omit<ApprovalDecision, 'approved'>;
export const approveUpdate = defineUpdate<ApprovalOutcome, [ApprovalNote]>('approve');
export const rejectUpdate = defineUpdate<ApprovalOutcome, [ApprovalNote]>('reject');

const DEFAULT_APPROVAL_TIMEOUT = '24h';
const DEFAULT_WATCH_SECONDS = 300;

const { compareWithChampion, startRollout, finishRollout } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});
const { rejectModel, deployModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '5 minutes', retry });

export interface ReleaseOutcome extends DeployOutcome {
  comparison?: GateOutcome;
  approval?: ApprovalOutcome;
  rollout?: RolloutOutcome;
}

/** Registers the approve/reject handlers at the start of the run, so an early decision is kept. */
export function approvalHandlers(input: MlLifecycleInput): {
  decision: () => ApprovalDecision | undefined;
  close: () => void;
} {
  let decision: ApprovalDecision | undefined;
  let closed = false;
  const validator = (_note: ApprovalNote) => {
    if (!input.approval?.required)
      throw new Error('this run does not ask for approval (approval.required is not true)');
    if (decision) throw new Error(`this run was already ${decision.approved ? 'approved' : 'rejected'}`);
    if (closed) throw new Error('this run no longer waits for approval');
  };
  const decide = (approved: boolean) => (given: ApprovalNote) => {
    decision = { approved, by: given?.by, reason: given?.reason };
    return outcomeOf(decision);
  };
  setHandler(approveUpdate, decide(true), { validator });
  setHandler(rejectUpdate, decide(false), { validator });
  return { decision: () => decision, close: () => void (closed = true) };
}

/** The promotion gates, the approval and the rollout; a refused or failed rollout is a result, not a failure. */
export async function releaseOrExplain(
  input: MlLifecycleInput,
  version: number,
  rocAuc: number,
  minRocAuc: number,
  progress: MlLifecycleProgress,
  approval: ReturnType<typeof approvalHandlers>,
): Promise<ReleaseOutcome> {
  const { modelName } = input;
  const extra: Pick<ReleaseOutcome, 'comparison' | 'approval' | 'rollout'> = {};
  const show = (step: LifecycleStep, status: Parameters<typeof updateStep>[2], detail?: string, mlStep?: string) => {
    updateStep(progress, step, status, detail);
    if (mlStep) upsertSearchAttributes([{ key: ML_STEP, value: mlStep }]);
    setCurrentDetails(progressMarkdown(progress));
  };
  const notDeployed = async (reason: string, step: LifecycleStep = 'deploy'): Promise<ReleaseOutcome> => {
    const rejected = await rejectModel({ modelName, version, reason });
    show(step, step === 'deploy' ? 'skipped' : 'failed', reason);
    if (step !== 'deploy') show('deploy', 'skipped', 'not rolled out');
    const servingVersion = rejected?.servingVersion ?? null;
    return { deployed: false, reason, smokeRows: 0, maxAbsDiff: null, servingVersion, ...extra };
  };

  if (input.deploy === false) return notDeployed('deploy: false in the input; registered only');
  if (rocAuc < minRocAuc) {
    return notDeployed(`promotion gate: test ROC AUC ${rocAuc.toFixed(4)} is below the minimum ${minRocAuc}`);
  }

  show('gate', 'running', undefined, 'gate');
  const gate = await compareWithChampion({ modelName, version, rule: input.promotion });
  extra.comparison = gate;
  if (gate.compared && !gate.passed) return notDeployed(`${gate.reason}; registered as challenger`, 'gate');
  show('gate', gate.compared ? 'done' : 'skipped', gate.reason);

  if (input.approval?.required) {
    const timeout = input.approval.timeout ?? DEFAULT_APPROVAL_TIMEOUT;
    // The schema's pattern admits only what `ms` parses (90s, 30m, 24h, 7d).
    const wait: Duration = typeof timeout === 'number' ? timeout * 1000 : (timeout as StringValue);
    const command = `npx mlcycle approve --workflow ${workflowInfo().workflowId} [--reject --reason TEXT]`;
    show('approval', 'running', `waiting up to ${timeout} for approval: ${command}`, 'awaiting-approval');
    const decided = await condition(() => approval.decision() !== undefined, wait);
    approval.close();
    const decision = approval.decision();
    if (!decided || !decision) {
      extra.approval = { status: 'timed-out', by: null, reason: null };
      return notDeployed(`approval: nobody approved within ${timeout}; not deployed`, 'approval');
    }
    extra.approval = outcomeOf(decision);
    const who = `${decision.by ?? 'someone'}${decision.reason ? ` (${decision.reason})` : ''}`;
    if (!decision.approved) return notDeployed(`approval: rejected by ${who}; not deployed`, 'approval');
    show('approval', 'done', `approved by ${who}`);
  } else {
    show('approval', 'skipped', 'not required');
  }

  const strategy = input.rollout?.strategy ?? 'direct';
  if (strategy === 'direct') return { ...(await deployDirectly(input, version, show, notDeployed)), ...extra };

  const share = input.rollout?.share ?? 0.1;
  show('deploy', 'running', `${strategy}: smoke test, then start`, strategy);
  const started = await startRollout({ modelName, version, strategy, share });
  if (!started.started) {
    if (started.direct) {
      const direct = await deployDirectly(input, version, show, notDeployed);
      return { ...direct, reason: `${started.reason}: deployed directly; ${direct.reason}`, ...extra };
    }
    show('deploy', 'failed', started.reason);
    const servingVersion = started.servingVersion;
    return { deployed: false, reason: started.reason, smokeRows: 0, maxAbsDiff: null, servingVersion, ...extra };
  }
  const options = { ...input.rollout, strategy };
  const watchSeconds = options.watchSeconds ?? DEFAULT_WATCH_SECONDS;
  const what =
    strategy === 'canary' ? `takes ${Math.round(share * 100)}% of the traffic` : 'scores a copy of the traffic';
  show(
    'deploy',
    'running',
    `${strategy}: v${version} ${what} for ${watchSeconds}s, beside v${started.championVersion}`,
  );
  const { watchRollout } = proxyActivities<LifecycleActivities>({
    startToCloseTimeout: `${Math.ceil(watchSeconds) + 600} seconds`,
    heartbeatTimeout: '30 seconds',
    retry,
  });
  let watched: RolloutOutcome;
  try {
    watched = await watchRollout({
      modelName,
      rolloutId: started.rolloutId,
      version,
      championVersion: started.championVersion,
      options,
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = `${strategy} ended: watching failed (${err.cause?.message ?? err.message}); version ${started.championVersion} keeps serving`;
    const none = { version, requests: 0, errors: 0, p50Ms: null, p99Ms: null };
    watched = {
      strategy,
      candidateVersion: version,
      championVersion: started.championVersion,
      share: strategy === 'canary' ? share : null,
      watchedSeconds: 0,
      outcome: 'rolled-back',
      reason,
      candidate: none,
      champion: null,
    };
  }
  extra.rollout = watched;
  const finished = await finishRollout({
    modelName,
    rolloutId: started.rolloutId,
    version,
    outcome: watched.outcome,
    reason: watched.reason,
  });
  const deployed = watched.outcome === 'promoted';
  show('deploy', deployed ? 'done' : 'skipped', watched.reason);
  return {
    deployed,
    reason: watched.reason,
    smokeRows: started.smokeRows,
    maxAbsDiff: null,
    servingVersion: finished.servingVersion,
    ...extra,
  };
}

/** Today's rollout: smoke test, then the serving pointer moves. */
async function deployDirectly(
  input: MlLifecycleInput,
  version: number,
  show: (step: LifecycleStep, status: 'running' | 'done' | 'failed', detail?: string, mlStep?: string) => void,
  notDeployed: (reason: string) => Promise<ReleaseOutcome>,
): Promise<ReleaseOutcome> {
  const { modelName } = input;
  show('deploy', 'running', undefined, 'deploy');
  try {
    const outcome = await deployModel({ modelName, version });
    show('deploy', outcome.deployed ? 'done' : 'failed', outcome.reason);
    return outcome;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = `deploy failed: ${err.cause?.message ?? err.message}; the previous version keeps serving`;
    show('deploy', 'failed', reason);
    return notDeployed(reason);
  }
}

function outcomeOf(decision: ApprovalDecision): ApprovalOutcome {
  return {
    status: decision.approved ? 'approved' : 'rejected',
    by: decision.by ?? null,
    reason: decision.reason ?? null,
  };
}
