import { log } from '@temporalio/activity';
import { modelOf, type TrainedModelFile } from '../model-files';
import { readVerifiedJson } from '../run-files';
import { OnlineLogistic } from '../../models/online';
import { OnnxScorer } from '../../models/onnx-scorer';
import type { RawRecord } from '../../models/types';
import type { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';

interface Scorer {
  score(records: RawRecord[]): Promise<ArrayLike<number>>;
  release(): Promise<void>;
}

/**
 * The serving version's probabilities for the records the online model learns, the other side of the
 * progressive comparison. A version with a logistic model file is scored from its coefficients (the
 * same numbers its ONNX graph computes, within 1e-5 by the export check); others through ONNX. One
 * scorer per version, kept while the version serves.
 */
export class ServingScores {
  private current: { key: string; version: number; scorer: Scorer } | undefined;

  constructor(private readonly registry: ModelRegistry) {}

  /** The version serving `modelName` now, or `fallback` (the parent) when none does, and its scores. */
  async score(
    modelName: string,
    fallback: number,
    records: RawRecord[],
  ): Promise<{ version: number; probabilities: ArrayLike<number> }> {
    const record = this.registry.getServing(modelName) ?? this.registry.getVersion(modelName, fallback);
    if (!record) throw new Error(`${modelName} has neither a serving version nor version ${fallback}`);
    const key = `${modelName}:${record.version}:${record.artifactSha256}`;
    if (this.current?.key !== key) {
      const previous = this.current;
      this.current = { key, version: record.version, scorer: await scorerOf(record) };
      await previous?.scorer.release();
      log.info('online training compares with a serving version', { modelName, version: record.version });
    }
    const { version, scorer } = this.current;
    return { version, probabilities: await scorer.score(records) };
  }

  async close(): Promise<void> {
    await this.current?.scorer.release();
    this.current = undefined;
  }
}

async function scorerOf(record: ModelVersionRecord): Promise<Scorer> {
  if (record.modelPath && record.modelSha256) {
    const file = await readVerifiedJson<TrainedModelFile>(record.modelPath, record.modelSha256);
    const chosen = modelOf(file);
    // A calibrated version's answers are its calibration map over the coefficients: ONNX has both.
    if (chosen.algorithm === 'logistic' && !file.calibration) {
      const model = new OnlineLogistic(file.spec, chosen.model);
      return { score: (records) => Promise.resolve(model.predict(records)), release: () => Promise.resolve() };
    }
  }
  const onnx = await OnnxScorer.fromFile(record.artifactPath, record.artifactSha256);
  return { score: (records) => onnx.score(record.spec.inputs, records), release: () => onnx.release() };
}
