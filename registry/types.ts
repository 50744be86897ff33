import type { FeatureSpec } from '../models/types';
import type { ClassificationMetrics } from '../contracts';

/** One registered model version as stored in the registry. Paths are absolute. */
export interface ModelVersionRecord {
  modelName: string;
  version: number;
  /** The ONNX file; its content hashes to `artifactSha256`. */
  artifactPath: string;
  artifactSha256: string;
  /** JSON file `{ records: RawRecord[], probabilities: number[] }`: held-back test rows and the outputs the model must give. */
  expectedPath: string;
  /** Its sha256; null only for a version whose file was not stored under its digest (none that mlcycle wrote). */
  expectedSha256: string | null;
  /**
   * trained.json (activities/model-files.ts TrainedModelFile: spec, coefficients or trees, threshold,
   * metrics), hashing to `modelSha256`: what online training warm-starts from and other formats export
   * from. Null for versions registered before it was kept.
   */
  modelPath: string | null;
  modelSha256: string | null;
  spec: FeatureSpec;
  threshold: number;
  target: string;
  positiveLabel: string;
  dataUri: string;
  dataSha256: string;
  dataRows: number;
  params: Record<string, unknown>;
  metrics: ClassificationMetrics;
  packageVersion: string;
  gitCommit: string | null;
  workflowId: string;
  runId: string;
  createdAt: string;
}
