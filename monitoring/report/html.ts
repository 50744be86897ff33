import { renderDataQuality } from './data-quality';
import { escapeHtml } from './format';
import { renderFeatureCard, renderFeatureTable } from './features';
import { renderHeader } from './header';
import { renderPerformancePanel } from './performance';
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

// The report's only stylesheet, inlined so the file opens anywhere (a mail attachment, an artifact
// viewer, file://) with no network. System fonts only; colours picked to stay apart for colour-blind readers.
const REPORT_CSS = `
:root{--ref:#4c78a8;--live:#f58518;--bad:#c0392b;--warn:#a35c00;--ok:#2e7d32;--muted:#5f6b7a;--line:#d8dee6;--ink:#1d2733}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f5f7fa}
.report-header{padding:22px 32px;background:#fff;border-bottom:4px solid var(--ok)}
.report-header.alert{border-bottom-color:var(--bad)}
.report-header.warn{border-bottom-color:var(--warn)}
h1{margin:0 0 6px;font-size:22px;overflow-wrap:anywhere}
h1 .version{color:var(--muted);font-weight:500}
h2{font-size:17px;margin:0 0 10px}
.verdict{margin:6px 0}
.summary{margin:6px 0 0;max-width:980px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.alert{background:#fdecea;color:var(--bad)}
.badge.ok{background:#e8f5e9;color:var(--ok)}
.badge.warn{background:#fff3e0;color:var(--warn)}
.badge.neutral{background:#eef1f5;color:var(--muted)}
.badge.critical{background:#fff;border:1px solid var(--bad);color:var(--bad)}
.verdict .badge{font-size:15px;padding:3px 12px}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 24px;margin:16px 0 0}
dl.facts dt{color:var(--muted);font-size:12px}
dl.facts dd{margin:0;font-weight:600}
main{padding:8px 32px 40px}
section{margin-top:24px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f5;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name{overflow-wrap:break-word;font-weight:600}
td.kind,td.test{white-space:nowrap}
td.name a{color:inherit}
td.reason{min-width:260px}
tr.drifted td{background:#fff5f4}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:16px}
.card,.panel{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 14px;min-width:0;overflow-x:auto}
.card.drifted,.panel.drifted{border-left:4px solid var(--bad)}
.card h3{margin:0;font-size:15px;overflow-wrap:anywhere}
.stats{color:var(--muted);font-size:12px;margin:4px 0}
.reason{margin:4px 0 8px}
.note{color:var(--muted)}
svg{display:block}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
svg .tick{fill:var(--muted)}
svg .axis-title{font-size:12px;fill:var(--muted)}
svg .grid{stroke:#e6eaf0}
svg .axis,svg .frame{stroke:#8a96a3;fill:none}
svg .ref{fill:var(--ref)}
svg .live{fill:var(--live)}
svg .diagonal{stroke:#8a96a3;stroke-dasharray:4 3;stroke-width:1.5}
svg .calibration{fill:none;stroke:var(--live);stroke-width:2}
svg .calibration-point{fill:var(--live);stroke:#fff;stroke-width:1}
.panel-body{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.metrics{display:grid;grid-template-columns:repeat(2,minmax(150px,1fr));gap:10px;min-width:320px}
.metric{background:#f5f7fa;border-radius:6px;padding:8px 10px}
.metric .label{color:var(--muted);font-size:12px}
.metric .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.metric .sub{font-size:12px;color:var(--muted)}
table.bins{width:auto}
figure{margin:0}
figcaption{color:var(--muted);font-size:12px;max-width:300px}
footer{padding:0 32px 24px;color:var(--muted);font-size:12px}
@media print{body{background:#fff}.card,.panel{break-inside:avoid}}
`;
