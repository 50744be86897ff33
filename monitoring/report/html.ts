import { renderDataQuality } from './data-quality';
import { escapeHtml } from './format';
import { renderFeatureCard, renderFeatureTable } from './features';
import { renderHeader } from './header';
import { renderPerformancePanel } from './performance';
import { REPORT_CSS } from './style';
import type { DriftReport, FeatureDriftResult } from '../types';

export interface RenderOptions {
  /** Shown in the header; defaults to now. Fixed in tests so the output is reproducible. */
  generatedAt?: string;
}

// No script may run, even if some string escaped the escaping: the policy blocks every script and
// every network fetch, leaving only the inline stylesheet.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * The drift report as one self-contained HTML file: inline CSS and SVG, no scripts, no external
 * resources, and only aggregated histograms (never raw rows), so it stays small and opens anywhere.
 */
export function renderDriftReportHtml(report: DriftReport, options: RenderOptions = {}): string {
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const features = driftedFirst(report.features);
  const anchor = (index: number): string => `feature-${index}`;
  const title = `Drift report: ${report.modelName} v${report.version}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style></head><body>`,
    renderHeader(report, generatedAt),
    '<main>',
    `<section id="features"><h2>Features</h2>${renderFeatureTable(features, anchor)}</section>`,
    renderDataQuality(report.dataQuality),
    '<section id="model-output"><h2>Model output</h2>',
    renderPerformancePanel(report.performance),
    report.prediction
      ? `<section id="prediction" class="cards">${renderFeatureCard(report.prediction, 'prediction-card', 'Predicted probabilities')}</section>`
      : '',
    '</section>',
    '<section id="distributions"><h2>Distributions: reference vs live</h2><div class="cards">',
    ...features.map((feature, index) => renderFeatureCard(feature, anchor(index))),
    '</div></section></main>',
    '<footer>Bars are shares of values per bin or level. Hover a bar or a shortened label for exact values.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}

/** Drifted features lead; within each group the report's own order is kept. */
export function driftedFirst(features: FeatureDriftResult[]): FeatureDriftResult[] {
  return [...features.filter((f) => f.drifted), ...features.filter((f) => !f.drifted)];
}
