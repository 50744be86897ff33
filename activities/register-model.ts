import { log } from '@temporalio/activity';
import { ArtifactStore } from '../registry/artifact-store';
import type { ModelRegistry } from '../registry/model-registry';
import type { TrainedModelFile } from './model-files';
import { currentRun, readVerified, readVerifiedJson } from './run-files';
import type {
  RegisteredModel,
  RegisterModelInput,
  RejectedModel,
  RejectModelInput,
} from '../contracts/lifecycle-activities';

export interface RegisterDeps {
  registry: ModelRegistry;
  packageVersion: string;
  gitCommit: string | null;
}

export function createRegisterModel({ registry, packageVersion, gitCommit }: RegisterDeps) {
  const store = new ArtifactStore(registry.artifactsDir);
  return async function registerModel(input: RegisterModelInput): Promise<RegisteredModel> {
    const { modelName, data, trained, exported } = input;
    const model = await readVerifiedJson<TrainedModelFile>(trained.trainedPath, trained.trainedSha256);
    // Artifacts first (content-addressed, atomic), then one transaction for the row: a crash between
    // the two leaves an unreferenced file, never a version pointing at a missing one.
    const onnx = await store.put(modelName, await readVerified(exported.onnxPath, exported.onnxSha256), '.onnx');
    const expected = await store.put(
      modelName,
      await readVerified(trained.expectedPath, trained.expectedSha256),
      '.expected.json',
    );
    const modelFile = await store.put(
      modelName,
      await readVerified(trained.trainedPath, trained.trainedSha256),
      '.model.json',
    );
    // The PMML file beside the ONNX one, when the export step wrote one (logistic models).
    const pmml =
      exported.pmmlPath && exported.pmmlSha256
        ? await store.put(modelName, await readVerified(exported.pmmlPath, exported.pmmlSha256), '.pmml')
        : undefined;
    const { record, created } = registry.register({
      modelName,
      artifactPath: onnx.path,
      artifactSha256: onnx.sha256,
      expectedPath: expected.path,
      expectedSha256: expected.sha256,
      modelPath: modelFile.path,
      modelSha256: modelFile.sha256,
      spec: model.spec,
      threshold: model.threshold,
      target: data.target,
      positiveLabel: data.positiveLabel,
      dataUri: input.dataUri,
      dataSha256: data.dataSha256,
      dataRows: data.rows,
      params: {
        ...model.params,
        algorithm: model.algorithm,
        idColumn: data.idColumn,
        validationMetrics: model.validationMetrics,
        ...(pmml ? { pmml: { path: pmml.path, sha256: pmml.sha256 } } : {}),
        ...(input.options
          ? {
              minRocAuc: input.options.minRocAuc,
              minRowsPerClass: input.options.minRowsPerClass,
              ...(input.options.algorithm ? { requestedAlgorithm: input.options.algorithm } : {}),
              ...(input.options.promotion ? { promotion: input.options.promotion } : {}),
            }
          : {}),
      },
      metrics: model.metrics,
      packageVersion,
      gitCommit,
      ...currentRun(),
    });
    const baseline = await store.put(
      modelName,
      await readVerified(trained.baselinePath, trained.baselineSha256),
      '.baseline.json',
    );
    registry.saveBaseline(modelName, record.version, baseline.path, baseline.sha256);
    log.info(created ? 'model version registered' : 'model version already registered by this run', {
      modelName,
      version: record.version,
    });
    return { version: record.version, artifactSha256: record.artifactSha256, created };
  };
}

export function createRejectModel(registry: ModelRegistry) {
  return async function rejectModel(input: RejectModelInput): Promise<RejectedModel> {
    const run = currentRun();
    const already = registry
      .listDeployments(input.modelName)
      .some((d) => d.version === input.version && d.outcome === 'rejected' && d.runId === run.runId);
    if (!already) registry.markRejected(input.modelName, input.version, input.reason, run);
    return Promise.resolve({ servingVersion: registry.getServing(input.modelName)?.version ?? null });
  };
}
