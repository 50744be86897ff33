import { ActivityFailure, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities';
import type { OnlineActivities } from '../activities/online';
import type { OnlinePublishInput, OnlinePublishResult } from '../contracts/online';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { ML_STEP, MODEL_NAME, MODEL_VERSION } from './search-attributes';

const { prepareOnlineCandidate } = proxyActivities<OnlineActivities>({ startToCloseTimeout: '5 minutes', retry });
const { exportModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '10 minutes', retry });
const { registerModel, rejectModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '1 minute', retry });
const { deployModel } = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '5 minutes', retry });

/**
 * One candidate of an online training: the checkpoint's coefficients through the batch path's own
 * steps (export with the ONNX parity check → register → smoke-tested deploy), deployed only when the
 * online model beats the serving version on the same recent records; else registered with the reason.
 * A child workflow of its own, so each candidate is one run (the registry keys a version by run).
 */
export async function onlinePublish(input: OnlinePublishInput): Promise<OnlinePublishResult> {
  const { modelName } = input;
  upsertSearchAttributes([
    { key: MODEL_NAME, value: modelName },
    { key: ML_STEP, value: 'export' },
  ]);
  const candidate = await prepareOnlineCandidate(input);
  const exported = await exportModel({ modelName, trained: candidate.trained });
  upsertSearchAttributes([{ key: ML_STEP, value: 'register' }]);
  const { version } = await registerModel({
    modelName,
    dataUri: candidate.dataUri,
    data: candidate.data,
    trained: candidate.trained,
    exported,
  });
  upsertSearchAttributes([{ key: MODEL_VERSION, value: version }]);
  const notDeployed = async (reason: string): Promise<OnlinePublishResult> => {
    await rejectModel({ modelName, version, reason });
    upsertSearchAttributes([{ key: ML_STEP, value: 'registered' }]);
    setCurrentDetails(`**${modelName} v${version}** registered, not deployed: ${reason}`);
    return { version, deployed: false, reason };
  };
  if (!input.deploy) return notDeployed(`deploy: false in the input; registered only (${candidate.reason})`);
  if (!candidate.beatsServing) return notDeployed(candidate.reason);
  upsertSearchAttributes([{ key: ML_STEP, value: 'deploy' }]);
  try {
    const outcome = await deployModel({ modelName, version });
    upsertSearchAttributes([{ key: ML_STEP, value: outcome.deployed ? 'deployed' : 'registered' }]);
    const reason = outcome.deployed ? `${candidate.reason}; ${outcome.reason}` : outcome.reason;
    setCurrentDetails(`**${modelName} v${version}** ${outcome.deployed ? 'deployed' : 'not deployed'}: ${reason}`);
    return { version, deployed: outcome.deployed, reason };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return notDeployed(`deploy failed: ${err.cause?.message ?? err.message}; the previous version keeps serving`);
  }
}
