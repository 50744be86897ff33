import { log } from '@temporalio/activity';
import type { ModelRegistry } from '../registry/model-registry';
import { InvalidInputError } from '../core/errors';
import { currentRun } from './run-files';
import { ScoringClient } from './scoring-client';
import { stageAndSmokeTest } from './smoke-test';
import type { DeployModelInput, DeployOutcome } from '../contracts/lifecycle-activities';

export interface DeployDeps {
  registry: ModelRegistry;
  scoringUrl: string;
  adminToken?: string;
}

/**
 * Stage the version on the scoring server, score the held-back rows through HTTP, and only if every
 * answer matches the registry's expected output, point the registry and the server at it.
 */
export function createDeployModel({ registry, scoringUrl, adminToken }: DeployDeps) {
  const client = new ScoringClient(scoringUrl, adminToken);
  return async function deployModel({ modelName, version }: DeployModelInput): Promise<DeployOutcome> {
    const record = registry.getVersion(modelName, version);
    if (!record) throw new InvalidInputError(`${modelName} has no version ${version} in the registry`);
    const previous = registry.getServing(modelName)?.version ?? null;
    const smoke = await stageAndSmokeTest(client, record);
    if (!smoke.passed) {
      const full = `${smoke.reason}; ${previous === null ? 'nothing was serving' : `version ${previous} keeps serving`}`;
      registry.markRejected(modelName, version, full, currentRun());
      log.warn('deployment rejected', { modelName, version, reason: full });
      return {
        deployed: false,
        reason: full,
        smokeRows: smoke.rows,
        maxAbsDiff: smoke.maxAbsDiff,
        servingVersion: previous,
      };
    }
    // The registry is the source of truth that every replica follows; the direct promote only saves the
    // polling delay. On a retry the version is already serving and is not recorded twice.
    if (previous !== version) registry.markServing(modelName, version, smoke.reason, currentRun());
    await client.promote(modelName, version);
    log.info('model deployed', { modelName, version, previous });
    return {
      deployed: true,
      reason: smoke.reason,
      smokeRows: smoke.rows,
      maxAbsDiff: smoke.maxAbsDiff,
      servingVersion: version,
    };
  };
}
