import type { NewModelVersion } from '../../registry/model-registry';

/**
 * A registry entry for tests that need a version to exist but not its files: placeholder paths and
 * digests, an empty feature spec; `overrides` set what a test looks at.
 */
export function placeholderVersion(overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    modelName: 'churn',
    artifactPath: '/a.onnx',
    artifactSha256: 'a'.repeat(64),
    expectedPath: '/e.json',
    spec: { inputs: [], numeric: [], categorical: [] },
    threshold: 0.5,
    target: 'Churn',
    positiveLabel: 'Yes',
    dataUri: '/d.csv',
    dataSha256: 'd'.repeat(64),
    dataRows: 10,
    params: {},
    metrics: {} as never,
    packageVersion: 'test',
    gitCommit: null,
    workflowId: 'wf',
    runId: 'run',
    ...overrides,
  };
}
