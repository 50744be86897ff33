import { brier, logLoss, rocAuc } from '../../models/metrics';
import type { DriftConfig, LiveWindow, ModelBaseline, PerformanceResult } from '../types';

/** Where the labelled rows come from: how many arrived late, when they were predicted and labelled. */
export type FeedbackSpans = Pick<PerformanceResult, 'late' | 'predictionSpan' | 'labelSpan'>;

// Concept drift: the features may look as they did in training while the outcome no longer follows
// them the same way. Only labelled feedback can show that, by scoring the model's own predictions.
// Labels come weeks after their predictions, so a run scores every label that arrived since the last
// run, whenever its prediction was made: that is what lets delayed feedback reveal concept drift.

const CALIBRATION_BINS = 10;

/** Realised performance on labelled rows; null when there are none. */
export function assessPerformance(
  labelled: LiveWindow['labelled'],
  training: ModelBaseline['performance'],
  config: DriftConfig['performance'],
  spans: FeedbackSpans,
): PerformanceResult | null {
  const valid = labelled.filter((r) => (r.label === 0 || r.label === 1) && r.probability >= 0 && r.probability <= 1);
  const ignored = labelled.length - valid.length;
  if (valid.length === 0) return null;
  const y = valid.map((r) => r.label);
  const p = valid.map((r) => r.probability);
  const auc = rocAuc(y, p);
  const { calibration, calibrationError } = calibrate(y, p);
  const result = {
    labelled: valid.length,
    ...spans,
    rocAuc: Number.isNaN(auc) ? null : auc,
    logLoss: logLoss(y, p),
    brier: brier(y, p),
    calibrationError,
    calibration,
    trainingRocAuc: training.rocAuc,
  };
  const { drifted, reason } = judge(result.rocAuc, valid.length, training.rocAuc, config);
  const late =
    spans.late > 0
      ? ` ${spans.late.toLocaleString('en-US')} of the labels are for predictions made before this window, labelled since ${spans.labelSpan.from}.`
      : '';
  const note = ignored > 0 ? ` ${ignored} feedback records with an invalid probability or label were left out.` : '';
  return { ...result, drifted, reason: reason + late + note };
}

function judge(
  auc: number | null,
  n: number,
  trainingAuc: number,
  config: DriftConfig['performance'],
): { drifted: boolean; reason: string } {
  const rows = `${n.toLocaleString('en-US')} labelled rows`;
  const realised =
    auc === null ? `ROC AUC is undefined on ${rows} (only one outcome seen)` : `ROC AUC ${fmt(auc)} on ${rows}`;
  if (n < config.minLabelled) {
    const more = config.minLabelled - n;
    return {
      drifted: false,
      reason: `${realised} (training ${fmt(trainingAuc)}); ${more} more labels are needed before concept drift is judged.`,
    };
  }
  if (auc === null) {
    return { drifted: false, reason: `${realised}, so it cannot be compared with training ${fmt(trainingAuc)}.` };
  }
  const floor = trainingAuc - config.rocAucMargin;
  if (auc < floor) {
    return {
      drifted: true,
      reason:
        `ROC AUC fell to ${fmt(auc)} on ${rows} from ${fmt(trainingAuc)} at training, more than the ` +
        `${fmt(config.rocAucMargin)} margin: outcomes no longer follow the features as they did; retrain on recent labelled data.`,
    };
  }
  return { drifted: false, reason: `${realised}, within ${fmt(config.rocAucMargin)} of training ${fmt(trainingAuc)}.` };
}

/** Reliability over 10 equal-width probability bins (empty bins left out) and the expected calibration error. */
function calibrate(y: number[], p: number[]): Pick<PerformanceResult, 'calibration' | 'calibrationError'> {
  const count = new Array<number>(CALIBRATION_BINS).fill(0);
  const predicted = new Array<number>(CALIBRATION_BINS).fill(0);
  const observed = new Array<number>(CALIBRATION_BINS).fill(0);
  p.forEach((probability, i) => {
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(probability * CALIBRATION_BINS));
    count[bin] = (count[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + probability;
    observed[bin] = (observed[bin] as number) + (y[i] as number);
  });
  const calibration = count.flatMap((n, bin) =>
    n === 0
      ? []
      : [{ meanPredicted: (predicted[bin] as number) / n, observedRate: (observed[bin] as number) / n, count: n }],
  );
  const calibrationError = calibration.reduce(
    (sum, b) => sum + (b.count / p.length) * Math.abs(b.meanPredicted - b.observedRate),
    0,
  );
  return { calibration, calibrationError };
}

function fmt(x: number): string {
  return x.toFixed(3);
}
