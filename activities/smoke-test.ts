import { heartbeat } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import { ArtifactIntegrityError } from '../core/errors';
import { readArtifact } from '../core/integrity';
import type { ModelVersionRecord } from '../registry/types';
import type { ExpectedOutputsFile } from './model-files';
import { type ScoringClient, ScoringHttpError } from './scoring-client';

const SMOKE_BATCH = 1000;
export const SMOKE_TOLERANCE = 1e-5;

export type SmokeResult =
  | { passed: true; reason: string; rows: number; maxAbsDiff: number }
  | { passed: false; reason: string; rows: number; maxAbsDiff: number | null };

/**
 * Stages a version on the scoring server and scores its held-back rows through HTTP: it passes only if
 * every answer matches the registry's expected output. A 4xx is final (a failed result); anything
 * else throws, for the activity to retry.
 */
export async function stageAndSmokeTest(client: ScoringClient, record: ModelVersionRecord): Promise<SmokeResult> {
  const { modelName, version } = record;
  try {
    await client.stage(modelName, version);
  } catch (err) {
    // A 4xx is the server refusing this version (e.g. its artifact fails the sha256 check): final.
    if (err instanceof ScoringHttpError && err.status < 500) {
      return { passed: false, reason: `staging failed: ${err.message}`, rows: 0, maxAbsDiff: null };
    }
    throw err;
  }
  let expected: ExpectedOutputsFile;
  try {
    expected = await readExpected(record);
  } catch (err) {
    // Without trustworthy expected outputs the smoke test proves nothing: final, like a refused stage.
    if (err instanceof ArtifactIntegrityError) {
      return { passed: false, reason: `smoke test impossible: ${err.message}`, rows: 0, maxAbsDiff: null };
    }
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
        const rows = `${start + 1}-${Math.min(start + SMOKE_BATCH, expected.records.length)}`;
        return {
          passed: false,
          reason: `smoke test failed: the server refused held-back rows ${rows}: ${err.message}`,
          rows: start,
          maxAbsDiff: null,
        };
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
    return {
      passed: false,
      reason: `smoke test failed: ${mismatched} of ${rows} held-back rows differ (worst ${worst})`,
      rows,
      maxAbsDiff,
    };
  }
  const reason = `smoke test passed: ${rows} held-back rows match within ${SMOKE_TOLERANCE} (max diff ${maxAbsDiff.toExponential(2)})`;
  return { passed: true, reason, rows, maxAbsDiff };
}

/** The version's held-back rows and outputs, checked against the digest recorded when it was registered. */
export async function readExpected(record: ModelVersionRecord): Promise<ExpectedOutputsFile> {
  const what = `the expected-outputs file of ${record.modelName} v${record.version}`;
  const bytes =
    record.expectedSha256 === null
      ? await readFile(record.expectedPath)
      : await readArtifact(record.expectedPath, record.expectedSha256, what);
  return JSON.parse(bytes.toString('utf8')) as ExpectedOutputsFile;
}
