import type { TrainedModelFile } from '../../activities/model-files';
import type { ClassificationMetrics } from '../../contracts';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import { ArtifactStore } from '../../registry/artifact-store';
import { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';
import { model, RECORDS, referenceProbabilities, SPEC } from '../serving/helpers';
import { tempHome } from './paths';

export const HOME_MODEL = 'churn';

function metrics(rocAuc: number): ClassificationMetrics {
  return {
    rocAuc,
    prAuc: rocAuc - 0.2,
    accuracy: 0.8,
    precision: 0.6,
    recall: 0.5,
    f1: rocAuc - 0.3,
    logLoss: 1 - rocAuc,
    brier: 0.13,
    threshold: 0.5,
    confusion: { tp: 1, fp: 2, tn: 3, fn: 4 },
    rows: 6,
    positives: 2,
  };
}

/**
 * A data home whose registry holds real versions of `churn` as the train and register steps leave
 * them: an ONNX file (fixture model 1 or 2 of test/serving/helpers), expected outputs, the model file
 * and a baseline-free row, each content-addressed with its sha256. `algorithms[i]` is version i+1's.
 */
export async function registryHome(
  algorithms: readonly ('logistic' | 'gbdt')[],
): Promise<{ home: string; versions: ModelVersionRecord[] }> {
  const home = tempHome('registry-home');
  const registry = ModelRegistry.open(home);
  const store = new ArtifactStore(registry.artifactsDir);
  const versions: ModelVersionRecord[] = [];
  try {
    for (const [index, algorithm] of algorithms.entries()) {
      const version = index + 1;
      const fixture = version % 2 === 1 ? 1 : 2;
      const weights = model(fixture);
      const onnx = await store.put(
        HOME_MODEL,
        exportLogisticToOnnx(SPEC, weights, { modelName: HOME_MODEL, version, producerVersion: 'test' }),
        '.onnx',
      );
      const expected = await store.put(
        HOME_MODEL,
        Buffer.from(JSON.stringify({ records: RECORDS, probabilities: referenceProbabilities(fixture, RECORDS) })),
        '.expected.json',
      );
      const trained = {
        modelName: HOME_MODEL,
        algorithm,
        spec: SPEC,
        model: weights,
        threshold: 0.5,
        metrics: metrics(0.8 + version / 100),
        validationMetrics: metrics(0.8),
        params: { l2: version },
      } as unknown as TrainedModelFile;
      const modelFile = await store.put(HOME_MODEL, Buffer.from(JSON.stringify(trained)), '.model.json');
      const { record } = registry.register({
        modelName: HOME_MODEL,
        artifactPath: onnx.path,
        artifactSha256: onnx.sha256,
        expectedPath: expected.path,
        expectedSha256: expected.sha256,
        modelPath: modelFile.path,
        modelSha256: modelFile.sha256,
        spec: SPEC,
        threshold: 0.5,
        target: 'Churn',
        positiveLabel: 'Yes',
        dataUri: `file:///data/churn-${version}.csv`,
        dataSha256: String(version).repeat(64),
        dataRows: 1000 * version,
        params: { l2: version, algorithm },
        metrics: metrics(0.8 + version / 100),
        packageVersion: 'test',
        gitCommit: null,
        workflowId: `train-${version}`,
        runId: `run-${version}`,
      });
      versions.push(record);
    }
  } finally {
    registry.close();
  }
  return { home, versions };
}
