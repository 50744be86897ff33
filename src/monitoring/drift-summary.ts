import type { DatasetVerdict } from './drift-dataset-verdict';
import { nameList, pct } from './drift-wording';
import type { DriftConfig, DriftReport, FeatureDriftResult, LiveWindow } from './types';

/** The report's one-sentence answer: dataset drift first, then the model's output and its accuracy. */
export function summarise(parts: {
  window: LiveWindow;
  features: FeatureDriftResult[];
  data: DatasetVerdict;
  config: DriftConfig;
  prediction: FeatureDriftResult | null;
  performance: DriftReport['performance'];
}): string {
  const { window, features, data, config, prediction, performance } = parts;
  const { driftedFeatures, criticalDrifted } = data;
  const k = driftedFeatures.length;
  const drifted = `${k} of ${features.length} features drifted (${nameList(driftedFeatures)})`;
  const findings: string[] = [];
  if (data.datasetDrift) {
    const critical = `, and ${nameList(criticalDrifted)} ${criticalDrifted.length > 1 ? 'are' : 'is'} critical`;
    findings.push(`dataset drift: ${drifted}${data.driftShare >= config.driftShare ? '' : critical}`);
  } else if (k > 0) {
    findings.push(`${drifted}, under the ${pct(config.driftShare)} that makes dataset drift`);
  } else findings.push('no feature drifted');
  if (prediction?.drifted) findings.push('the predicted probabilities shifted');
  if (performance?.drifted) {
    const realised = performance.rocAuc?.toFixed(3) ?? 'undefined';
    findings.push(`concept drift: ROC AUC ${realised} against ${performance.trainingRocAuc.toFixed(3)} at training`);
  }
  const rows = window.rows.toLocaleString('en-US');
  return `Over ${rows} predictions from ${window.from} to ${window.to}: ${findings.join('; ')}.`;
}
