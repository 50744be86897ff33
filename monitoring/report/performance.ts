import { isLogStart, signed } from '../drift/wording';
import { escapeHtml, formatCount, formatNumber, formatPercent } from './format';
import { renderReliabilitySvg } from './reliability-svg';
import type { PerformanceResult } from '../types';

/** Realised metrics on labelled feedback against training, and the reliability diagram. */
export function renderPerformancePanel(performance: PerformanceResult | null): string {
  if (!performance) {
    return (
      '<section id="performance" class="panel"><h2>Model performance</h2>' +
      '<p class="note">No labels arrived since the previous run, so realised performance was not measured.</p></section>'
    );
  }
  const verdict = performance.drifted
    ? '<span class="badge alert">concept drift</span>'
    : '<span class="badge neutral">no concept drift</span>';
  const delta = performance.rocAuc === null ? '' : ` (${signed(performance.rocAuc - performance.trainingRocAuc, 3)})`;
  const metrics = [
    metric(
      'Labelled rows',
      formatCount(performance.labelled),
      `${formatCount(performance.late)} predicted before this window`,
    ),
    metric('ROC AUC', formatNumber(performance.rocAuc), `training ${formatNumber(performance.trainingRocAuc)}${delta}`),
    metric('Log loss', formatNumber(performance.logLoss), 'lower is better'),
    metric('Brier score', formatNumber(performance.brier), 'lower is better'),
    metric('Calibration error', formatNumber(performance.calibrationError), 'expected, 10 probability bins'),
  ];
  return (
    `<section id="performance" class="panel${performance.drifted ? ' drifted' : ''}">` +
    `<h2>Model performance on labelled feedback ${verdict}</h2>` +
    `<p class="reason">${escapeHtml(performance.reason)}</p>` +
    `<p class="note spans">Predictions made ${span(performance.predictionSpan)}; labels arrived ${span(performance.labelSpan)}.</p>` +
    `<div class="panel-body"><div class="metrics">${metrics.join('')}</div>` +
    `<figure>${renderReliabilitySvg(performance.calibration)}` +
    '<figcaption>Points on the dashed diagonal are calibrated; marker size follows the rows in the bin.</figcaption></figure>' +
    `${calibrationTable(performance.calibration)}</div></section>`
  );
}

function span({ from, to }: PerformanceResult['labelSpan']): string {
  const start = isLogStart(from) ? 'since the start of the log' : `after ${escapeHtml(from)}`;
  return `${start} until ${escapeHtml(to)}`;
}

function metric(label: string, value: string, sub: string): string {
  return `<div class="metric"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

function calibrationTable(calibration: PerformanceResult['calibration']): string {
  const rows = calibration.map(
    (bin) =>
      `<tr><td class="num">${formatPercent(bin.meanPredicted)}</td><td class="num">${formatPercent(bin.observedRate)}</td>` +
      `<td class="num">${formatCount(bin.count)}</td></tr>`,
  );
  return (
    '<table class="bins"><thead><tr><th class="num">Mean predicted</th><th class="num">Observed</th><th class="num">Rows</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}
