import { pValueCell, verdictBadges } from './feature-table';
import { effectName, escapeHtml, formatCount, formatNumber, formatPercent, testName } from './format';
import { renderHistogramSvg } from './histogram-svg';
import type { FeatureDriftResult } from '../types';

/** A feature's (or the predictions') verdict, test figures and reference-vs-live histogram. */
export function renderFeatureCard(feature: FeatureDriftResult, anchor: string, heading = feature.name): string {
  // Categorical histograms arrive capped at 20 bars (drift/categorical.ts): thinner bars are unreadable.
  const { effect, histogram } = feature;
  const stats = [
    escapeHtml(feature.kind),
    `${escapeHtml(testName(feature.test))} ${formatNumber(feature.statistic)}`,
    `p ${pValueCell(feature)}`,
    `${effectName(effect.measure)} ${formatNumber(effect.value)} (min ${formatNumber(effect.minimum)})`,
    `PSI ${formatNumber(feature.psi)}`,
    `${formatCount(feature.rows)} live rows`,
    `${formatPercent(feature.liveMissingShare)} missing`,
  ];
  return (
    `<article class="card${feature.drifted ? ' drifted' : ''}" id="${anchor}" data-feature="${escapeHtml(feature.name)}">` +
    `<h3>${escapeHtml(heading)} ${verdictBadges(feature)}</h3>` +
    `<p class="stats">${stats.join(' · ')}</p>` +
    `<p class="reason">${escapeHtml(feature.reason)}</p>` +
    renderHistogramSvg(histogram, { title: heading }) +
    '</article>'
  );
}
