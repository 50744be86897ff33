import type { DatasetVerdict } from './dataset-verdict';
import { outOfRange } from './data-quality';
import { isLogStart, nameList, pct, value } from './wording';
import type {
  DataQualityResult,
  DriftConfig,
  DriftHeadline,
  DriftReport,
  FeatureDriftResult,
  FeatureQuality,
  LiveWindow,
} from '../types';

/** Features named one by one in the data-quality sentence; the rest are counted. */
const QUALITY_NAMED = 5;

/**
 * The report's one-sentence answer, in the headline's words: dataset drift by the rule and what was
 * seen beside it, then the model's accuracy and the quality of its input.
 */
export function summarise(parts: {
  window: LiveWindow;
  features: FeatureDriftResult[];
  data: DatasetVerdict;
  config: DriftConfig;
  headline: DriftHeadline;
  performance: DriftReport['performance'];
  dataQuality: DataQualityResult;
}): string {
  const { window, data, config, headline, performance, dataQuality } = parts;
  const findings = [datasetFinding(data, config, headline)];
  if (data.predictionTrigger) findings.push("the prediction drift triggers on its own (predictionDrift 'trigger')");
  if (performance?.drifted) findings.push(conceptFinding(performance));
  const quality = qualityFinding(dataQuality);
  if (quality) findings.push(quality);
  return `${over(window)}: ${findings.join('; ')}.`;
}

/** For a window with too few predictions to test the features: what its labels said, if any arrived. */
export function summariseTooFew(window: LiveWindow, minRows: number, performance: DriftReport['performance']): string {
  if (window.rows === 0 && !performance) {
    return `The window from ${window.from} to ${window.to} holds no predictions, so there is nothing to compare.`;
  }
  const tooFew = `too few to test the features (fewer than ${minRows.toLocaleString('en-US')})`;
  if (!performance) return `${over(window)}: ${tooFew}.`;
  const labels = performance.drifted ? conceptFinding(performance) : `no concept drift: ${performance.reason}`;
  return `${over(window)}: ${tooFew}; ${labels.replace(/\.$/, '')}.`;
}

function over(window: LiveWindow): string {
  const from = isLogStart(window.from) ? 'the start of the log' : window.from;
  return `Over ${window.rows.toLocaleString('en-US')} predictions from ${from} to ${window.to}`;
}

/** E.g. "concept drift: ROC AUC 0.612 against 0.840 at training, on 600 labels (450 for earlier predictions)". */
function conceptFinding(performance: NonNullable<DriftReport['performance']>): string {
  const realised = performance.rocAuc?.toFixed(3) ?? 'undefined';
  const late = performance.late > 0 ? ` (${performance.late.toLocaleString('en-US')} for earlier predictions)` : '';
  return (
    `concept drift: ROC AUC ${realised} against ${performance.trainingRocAuc.toFixed(3)} at training, ` +
    `on ${performance.labelled.toLocaleString('en-US')} labels${late}`
  );
}

function datasetFinding(data: DatasetVerdict, config: DriftConfig, headline: DriftHeadline): string {
  const { driftedFeatures, criticalDrifted, counted } = data;
  const names = driftedFeatures.length > 0 ? ` (${nameList(driftedFeatures)})` : '';
  const seen = headline.seen.replace(/features drifted/, `features drifted${names}`);
  const share =
    `${counted.drifted} of ${counted.of}${counted.predictions ? ' counting the predictions' : ''} is ` +
    `${pct(data.driftShare)}, ${data.driftShare >= config.driftShare ? 'at or over' : 'under'} the ${pct(config.driftShare)} that makes dataset drift`;
  if (data.datasetDrift) {
    const critical = `${nameList(criticalDrifted)} ${criticalDrifted.length > 1 ? 'are' : 'is'} critical`;
    return `dataset drift: ${seen}; ${data.driftShare >= config.driftShare ? share : `${critical} (${share})`}`;
  }
  if (headline.state === 'ok' || counted.drifted === 0) return `no dataset drift: ${seen}`;
  return `no dataset drift, but ${seen}: ${share}`;
}

function qualityFinding(quality: DataQualityResult): string | null {
  const noted = quality.features.filter((f) => f.blanks > 0 || outOfRange(f) > 0);
  if (noted.length === 0) return null;
  const named = noted.slice(0, QUALITY_NAMED).map(describeQuality);
  const more = noted.length > QUALITY_NAMED ? ` and ${noted.length - QUALITY_NAMED} more features` : '';
  return `data quality: ${named.join(', ')}${more}`;
}

/** E.g. "tenure 3 values outside the training range 0 to 72 (smallest -5000), 2 blanks (…)". */
export function describeQuality(f: FeatureQuality): string {
  const parts: string[] = [];
  const out = outOfRange(f);
  if (out > 0 && f.range) {
    const extremes = [
      ...((f.belowRange ?? 0) > 0 && f.liveRange ? [`smallest ${value(f.liveRange[0])}`] : []),
      ...((f.aboveRange ?? 0) > 0 && f.liveRange ? [`largest ${value(f.liveRange[1])}`] : []),
    ];
    parts.push(
      `${count(out, 'value')} outside the training range ${value(f.range[0])} to ${value(f.range[1])} (${extremes.join(', ')})`,
    );
  }
  if (f.blanks > 0)
    parts.push(`${count(f.blanks, 'blank')} (${pct(f.blankShare)}, training ${pct(f.trainingBlankShare)})`);
  return `${f.name} ${parts.join(', ')}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
