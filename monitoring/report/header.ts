import { isLogStart } from '../drift/wording';
import { escapeHtml, formatCount, formatPercent } from './format';
import type { DriftReport } from '../types';
import type { PredictionDriftMode } from '../../contracts';

const PREDICTION_MODES: Record<PredictionDriftMode, string> = {
  feature: 'count as a feature',
  trigger: 'trigger on their own',
  report: 'reported only',
};

/**
 * Dataset drift yes/no by the rule, and beside it what was seen, so 3 drifted features under the rule
 * read amber rather than a green "No drift"; concept drift gets its own badge.
 */
export function renderHeader(report: DriftReport, generatedAt: string): string {
  const { window, config, headline } = report;
  const seenClass = headline.state === 'ok' ? 'neutral' : headline.state === 'warn' ? 'warn' : 'alert';
  const badges = [
    `<span class="badge ${headline.datasetDrift ? 'alert' : 'ok'}">Dataset drift: ${headline.datasetDrift ? 'yes' : 'no'}</span>`,
    `<span class="badge ${seenClass} seen">${escapeHtml(headline.seen)}</span>`,
    ...(report.performance?.drifted ? ['<span class="badge alert">Concept drift</span>'] : []),
  ];
  const facts: [string, string][] = [
    ['Window rows', formatCount(window.rows)],
    ['From', isLogStart(window.from) ? 'start of the log' : escapeHtml(window.from)],
    ['To', escapeHtml(window.to)],
    ['Drifted features', driftedFeatures(report)],
    [
      'Predictions',
      `${report.prediction ? (report.prediction.drifted ? 'drifted' : 'steady') : 'not compared'} ` +
        `(${PREDICTION_MODES[config.predictionDrift]})`,
    ],
    ['Significance', `α ${config.alpha}, ${config.correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'}`],
    ['Generated', escapeHtml(generatedAt)],
  ];
  return (
    `<header class="report-header ${headline.state}">` +
    `<h1>Drift report: ${escapeHtml(report.modelName)} <span class="version">v${escapeHtml(String(report.version))}</span></h1>` +
    `<p class="verdict">${badges.join(' ')}</p>` +
    `<p class="summary">${escapeHtml(report.summary)}</p>` +
    `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${term}</dt><dd>${value}</dd></div>`).join('')}</dl>` +
    '</header>'
  );
}

function driftedFeatures(report: DriftReport): string {
  const { config, counted } = report;
  const features = `${formatCount(report.driftedFeatures.length)} of ${formatCount(report.features.length)}`;
  const withPredictions =
    counted?.predictions === true
      ? `; with the predictions ${formatCount(counted.drifted)} of ${formatCount(counted.of)}`
      : '';
  return `${features}${withPredictions} (${formatPercent(report.driftShare, 0)}; dataset drift from ${formatPercent(config.driftShare, 0)})`;
}
