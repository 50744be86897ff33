import type { Calibration } from '../models/calibration';
import { InvalidInputError } from '../core/errors';
import type { GbdtModel } from '../models/gbdt/types';
import type { FeatureSpec, LogisticModel, RawRecord } from '../models/types';
import type { ClassificationMetrics } from '../contracts';

/** trained.json: what the train step hands to export. */
export interface TrainedModelFile {
  modelName: string;
  /** Which of `model`'s shapes this is; read `model` through `modelOf`. */
  algorithm: 'logistic' | 'gbdt';
  spec: FeatureSpec;
  model: LogisticModel | GbdtModel;
  threshold: number;
  /** The target column and its labels (absent in files written before; PMML names the classes by them). */
  target?: { name: string; positiveLabel: string; negativeLabel: string };
  /** Fitted on validation; every served probability passes through it (absent: none). */
  calibration?: Calibration;
  metrics: ClassificationMetrics;
  validationMetrics: ClassificationMetrics;
  params: Record<string, unknown>;
}

/** A trained model with its algorithm, narrowed so each branch sees its own shape. */
export type AlgorithmModel = { algorithm: 'logistic'; model: LogisticModel } | { algorithm: 'gbdt'; model: GbdtModel };

/** `file.model` as the shape its `algorithm` says, checked: a file whose two disagree is refused. */
export function modelOf(file: Pick<TrainedModelFile, 'algorithm' | 'model'>): AlgorithmModel {
  const { algorithm, model } = file;
  if (algorithm === 'logistic' && 'weights' in model) return { algorithm, model };
  if (algorithm === 'gbdt' && 'trees' in model) return { algorithm, model };
  throw new InvalidInputError(`trained.json says algorithm "${String(algorithm)}" but its model has another shape`);
}

/** expected.json: held-back rows and the probabilities every copy of the model must give them. */
export interface ExpectedOutputsFile {
  records: RawRecord[];
  probabilities: number[];
  /** 1 where the row is of the positive class: what the champion gate scores both versions against (absent before it was kept). */
  labels?: number[];
}
