import { escapeHtml } from './report-escape';
import { formatCount, formatPercent } from './report-format';
import type { DriftReport } from './types';

export interface Verdict {
  label: string;
  alert: boolean;
}

/** Data drift comes from the feature tests, concept drift from realised performance; both can hold. */
export function verdictOf(report: DriftReport): Verdict {
  const concept = report.performance?.drifted === true;
  if (report.datasetDrift && concept) return { label: 'Data drift and concept drift', alert: true };
  if (report.datasetDrift) return { label: 'Data drift', alert: true };
  if (concept) return { label: 'Concept drift', alert: true };
  if (report.drifted) return { label: 'Drift', alert: true };
  return { label: 'No drift', alert: false };
}

export function renderHeader(report: DriftReport, generatedAt: string): string {
  const verdict = verdictOf(report);
  const { window, config } = report;
  const facts: [string, string][] = [
    ['Window rows', formatCount(window.rows)],
    // A first monitor run reads the log from its beginning, which the log reports as the epoch.
    ['From', Date.parse(window.from) === 0 ? 'start of the log' : escapeHtml(window.from)],
    ['To', escapeHtml(window.to)],
    [
      'Drifted features',
      `${formatCount(report.driftedFeatures.length)} of ${formatCount(report.features.length)} ` +
        `(${formatPercent(report.driftShare, 0)}; data drift from ${formatPercent(config.driftShare, 0)})`,
    ],
    ['Significance', `α ${config.alpha}, ${config.correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'}`],
    ['Generated', escapeHtml(generatedAt)],
  ];
  return (
    `<header class="report-header${verdict.alert ? ' alert' : ''}">` +
    `<h1>Drift report: ${escapeHtml(report.modelName)} <span class="version">v${escapeHtml(String(report.version))}</span></h1>` +
    `<p class="verdict"><span class="badge ${verdict.alert ? 'alert' : 'ok'}">${verdict.label}</span></p>` +
    `<p class="summary">${escapeHtml(report.summary)}</p>` +
    `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${term}</dt><dd>${value}</dd></div>`).join('')}</dl>` +
    '</header>'
  );
}
