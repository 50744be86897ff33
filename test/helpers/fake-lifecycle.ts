import type { LifecycleActivities } from '../../activities';
import type { DeployOutcome, ValidatedData } from '../../contracts/lifecycle-activities';
import type { ClassificationMetrics, RolloutOutcome } from '../../contracts';

// Stand-ins for the lifecycle activities, for tests of workflow logic (the end-to-end tests run the real ones).

export const metrics: ClassificationMetrics = {
  rocAuc: 0.85,
  prAuc: 0.66,
  accuracy: 0.8,
  precision: 0.6,
  recall: 0.7,
  f1: 0.65,
  logLoss: 0.42,
  brier: 0.14,
  threshold: 0.4,
  confusion: { tp: 1, fp: 1, tn: 1, fn: 1 },
  rows: 4,
  positives: 2,
};

export const validated: ValidatedData = {
  dataPath: '/data/x.csv',
  dataSha256: 'a'.repeat(64),
  rows: 100,
  target: 'Churn',
  positiveLabel: 'Yes',
  negativeLabel: 'No',
  idColumn: null,
  inputs: [{ name: 'tenure', kind: 'numeric' }],
  classCounts: { Yes: 50, No: 50 },
  missing: [],
  profilePath: '/tmp/profile.json',
};

export type Calls = string[];

export function fakeLifecycleActivities(
  calls: Calls,
  overrides: Partial<LifecycleActivities> = {},
): LifecycleActivities {
  const record =
    <T>(name: string, value: T) =>
    async (): Promise<T> => {
      calls.push(name);
      return Promise.resolve(value);
    };
  return {
    validateData: record('validateData', validated),
    trainModel: record('trainModel', {
      trainedPath: '/t.json',
      trainedSha256: 'b'.repeat(64),
      expectedPath: '/e.json',
      expectedSha256: 'c'.repeat(64),
      baselinePath: '/b.json',
      baselineSha256: 'e'.repeat(64),
      metrics,
      threshold: 0.4,
      params: {},
    }),
    exportModel: record('exportModel', {
      onnxPath: '/m.onnx',
      onnxSha256: 'd'.repeat(64),
      checkedRows: 4,
      maxAbsDiff: 1e-7,
    }),
    registerModel: record('registerModel', { version: 3, artifactSha256: 'd'.repeat(64), created: true }),
    rejectModel: record('rejectModel', { servingVersion: 2 }),
    deployModel: record<DeployOutcome>('deployModel', {
      deployed: true,
      reason: 'smoke test passed',
      smokeRows: 4,
      maxAbsDiff: 0,
      servingVersion: 3,
    }),
    compareWithChampion: record('compareWithChampion', { compared: false, reason: 'no version serves yet' }),
    startRollout: record('startRollout', {
      started: false,
      direct: true,
      reason: 'nothing serves yet',
      servingVersion: null,
    }),
    watchRollout: record<RolloutOutcome>('watchRollout', {
      strategy: 'canary',
      candidateVersion: 3,
      championVersion: 2,
      share: 0.1,
      watchedSeconds: 1,
      outcome: 'promoted',
      reason: 'canary promoted',
      candidate: { version: 3, requests: 30, errors: 0, p50Ms: 1, p99Ms: 2 },
      champion: { version: 2, requests: 270, errors: 0, p50Ms: 1, p99Ms: 2 },
    }),
    finishRollout: record('finishRollout', { servingVersion: 3 }),
    ...overrides,
  };
}
