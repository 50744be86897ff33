import type { Calibration } from '../models/calibration';
import type { FeatureSpec, LogisticModel, RawRecord } from '../models/types';
import type { ClassificationMetrics } from '../contracts';

/** trained.json: what the train step hands to export. */
export interface TrainedModelFile {
  modelName: string;
  algorithm: 'logistic';
  spec: FeatureSpec;
  model: LogisticModel;
  threshold: number;
  /** The target column and its labels (absent in files written before; PMML names the classes by them). */
  target?: { name: string; positiveLabel: string; negativeLabel: string };
  /** Fitted on validation; every served probability passes through it (absent: none). */
  calibration?: Calibration;
  metrics: ClassificationMetrics;
  validationMetrics: ClassificationMetrics;
  params: Record<string, unknown>;
}

/** expected.json: held-back rows and the probabilities every copy of the model must give them. */
export interface ExpectedOutputsFile {
  records: RawRecord[];
  probabilities: number[];
  /** 1 where the row is of the positive class: what the champion gate scores both versions against (absent before it was kept). */
  labels?: number[];
}
