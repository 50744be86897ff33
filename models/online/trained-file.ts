import { modelOf, type TrainedModelFile } from '../../activities/model-files';
import type { LogisticModel } from '../types';
import { InvalidInputError } from '../../core/errors';
import { classificationMetrics } from '../metrics';
import type { ProgressiveTrainer } from './trainer';

/** The spec and coefficients of a version's trained.json, refusing anything but a logistic model. */
export function logisticOf(file: TrainedModelFile): { spec: TrainedModelFile['spec']; model: LogisticModel } {
  // Read as a string: other algorithms (gbdt) are coming to the file's type.
  const algorithm: string = file.algorithm;
  if (algorithm !== 'logistic') {
    throw new InvalidInputError(
      `${file.modelName}'s model is "${algorithm}"; online training updates logistic regression coefficients only: ` +
        'serve a logistic version first (npx mlcycle models promote, or train with "algorithm": "logistic")',
    );
  }
  if (file.calibration) {
    // The online rule updates the raw coefficients; a calibration map fitted to the old ones would no
    // longer fit, and the warm start would not equal what the version serves.
    throw new InvalidInputError(
      `${file.modelName}'s model is calibrated (${file.calibration.method}); online training updates raw logistic ` +
        'coefficients: start it from a version trained with "calibration": "none"',
    );
  }
  const chosen = modelOf(file);
  if (chosen.algorithm !== 'logistic')
    throw new InvalidInputError(`${file.modelName}'s model file holds no coefficients`);
  return { spec: file.spec, model: chosen.model };
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
    ...(parent.target ? { target: parent.target } : {}),
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
