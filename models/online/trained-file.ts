import type { TrainedModelFile } from '../../activities/model-files';
import { InvalidInputError } from '../../core/errors';
import { classificationMetrics } from '../metrics';
import type { ProgressiveTrainer } from './trainer';

/** The spec and coefficients of a version's trained.json, refusing anything but a logistic model. */
export function logisticOf(file: TrainedModelFile): Pick<TrainedModelFile, 'spec' | 'model'> {
  // Read as a string: other algorithms (gbdt) are coming to the file's type.
  const algorithm: string = file.algorithm;
  if (algorithm !== 'logistic') {
    throw new InvalidInputError(
      `${file.modelName}'s model is "${algorithm}"; online training updates logistic regression coefficients only`,
    );
  }
  return { spec: file.spec, model: file.model };
}

/** Lineage and settings of an online candidate, stored in its params. */
export interface OnlineLineage {
  parentVersion: number;
  /** Positions of the first and last record learned since the parent version, as the source counts them. */
  firstRecord: number;
  lastRecord: number;
  [key: string]: unknown;
}

/**
 * The online model as a trained.json for the usual export → ONNX parity → register → deploy path:
 * the parent's spec, threshold and modelName, the online coefficients, and as metrics the progressive
 * (predict-then-learn) scores of the window's records, the only held-out figures an online model has.
 */
export function toTrainedModelFile(
  parent: TrainedModelFile,
  trainer: ProgressiveTrainer,
  lineage: OnlineLineage,
): TrainedModelFile {
  const { spec } = logisticOf(parent);
  const window = trainer.window.toState();
  if (window.labels.length === 0) throw new InvalidInputError('No record has been learned: nothing to publish');
  const metrics = classificationMetrics(window.labels, window.online, parent.threshold);
  const { learner } = trainer;
  return {
    modelName: parent.modelName,
    algorithm: 'logistic',
    spec,
    model: learner.model(),
    threshold: parent.threshold,
    metrics,
    validationMetrics: metrics,
    params: {
      training: 'online',
      rule: 'adagrad',
      ...learner.options,
      batchSize: trainer.batchSize,
      recordsLearned: learner.recordsLearned,
      updates: learner.updateCount,
      windowRecords: window.labels.length,
      ...lineage,
    },
  };
}
