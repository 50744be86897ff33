import { heartbeat, log } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import type { ModelRegistry } from '../registry/model-registry';
import { ArtifactIntegrityError, InvalidInputError } from '../core/errors';
import { readArtifact } from '../core/integrity';
import type { ExpectedOutputsFile } from './model-files';
import { currentRun } from './run-files';
import { ScoringClient, ScoringHttpError } from './scoring-client';
import type { DeployModelInput, DeployOutcome } from '../contracts/lifecycle-activities';
import type { ModelVersionRecord } from '../registry/types';

const SMOKE_BATCH = 1000;
const SMOKE_TOLERANCE = 1e-5;

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
    const reject = (reason: string, smokeRows: number, maxAbsDiff: number | null): DeployOutcome => {
      const full = `${reason}; ${previous === null ? 'nothing was serving' : `version ${previous} keeps serving`}`;
      registry.markRejected(modelName, version, full, currentRun());
      log.warn('deployment rejected', { modelName, version, reason: full });
      return { deployed: false, reason: full, smokeRows, maxAbsDiff, servingVersion: previous };
    };

    try {
      await client.stage(modelName, version);
    } catch (err) {
      // A 4xx is the server refusing this version (e.g. its artifact fails the sha256 check): final.
      if (err instanceof ScoringHttpError && err.status < 500) return reject(`staging failed: ${err.message}`, 0, null);
      throw err;
    }
    let expected: ExpectedOutputsFile;
    try {
      expected = await readExpected(record);
    } catch (err) {
      // Without trustworthy expected outputs the smoke test proves nothing: final, like a refused stage.
      if (err instanceof ArtifactIntegrityError) return reject(`smoke test impossible: ${err.message}`, 0, null);
      throw err;
    }
    let maxAbsDiff = 0;
    let mismatched = 0;
    let worst = '';
    for (let start = 0; start < expected.records.length; start += SMOKE_BATCH) {
      let answers: number[];
      try {
        answers = await client.predict(modelName, version, expected.records.slice(start, start + SMOKE_BATCH));
      } catch (err) {
        // A 4xx is the server refusing the model's own held-back rows (e.g. a category only the test
        // split has): a retry gets the same answer, so the version is rejected now.
        if (err instanceof ScoringHttpError && err.status < 500) {
          return reject(
            `smoke test failed: the server refused held-back rows ${start + 1}-${Math.min(start + SMOKE_BATCH, expected.records.length)}: ${err.message}`,
            start,
            null,
          );
        }
        throw err;
      }
      answers.forEach((actual, offset) => {
        const want = expected.probabilities[start + offset] ?? Number.NaN;
        const diff = Math.abs(actual - want);
        if (!(diff <= SMOKE_TOLERANCE)) {
          mismatched += 1;
          if (!(diff <= maxAbsDiff)) worst = `row ${start + offset}: expected ${want}, got ${actual}`;
        }
        if (!(diff <= maxAbsDiff)) maxAbsDiff = diff;
      });
      heartbeat({ stage: 'smoke test', scored: Math.min(start + SMOKE_BATCH, expected.records.length) });
    }
    const rows = expected.records.length;
    if (mismatched > 0) {
      return reject(
        `smoke test failed: ${mismatched} of ${rows} held-back rows differ (worst ${worst})`,
        rows,
        maxAbsDiff,
      );
    }

    const reason = `smoke test passed: ${rows} held-back rows match within ${SMOKE_TOLERANCE} (max diff ${maxAbsDiff.toExponential(2)})`;
    // The registry is the source of truth that every replica follows; the direct promote only saves the
    // polling delay. On a retry the version is already serving and is not recorded twice.
    if (previous !== version) registry.markServing(modelName, version, reason, currentRun());
    await client.promote(modelName, version);
    log.info('model deployed', { modelName, version, previous });
    return { deployed: true, reason, smokeRows: rows, maxAbsDiff, servingVersion: version };
  };
}

/** The version's held-back rows and outputs, checked against the digest recorded when it was registered. */
async function readExpected(record: ModelVersionRecord): Promise<ExpectedOutputsFile> {
  const what = `the expected-outputs file of ${record.modelName} v${record.version}`;
  const bytes =
    record.expectedSha256 === null
      ? await readFile(record.expectedPath)
      : await readArtifact(record.expectedPath, record.expectedSha256, what);
  return JSON.parse(bytes.toString('utf8')) as ExpectedOutputsFile;
}
