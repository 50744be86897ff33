import { effectName, escapeHtml, formatCount, formatNumber, formatPercent, formatPValue, testName } from './format';
import { renderHistogramSvg } from './histogram-svg';
import type { FeatureDriftResult } from '../types';

// Each feature as the report shows it twice: a row of the table and a card with its histogram.

/** One row per feature, in the order given (drifted first is the caller's job); names link to the plots. */
export function renderFeatureTable(features: FeatureDriftResult[], anchorOf: (index: number) => string): string {
  const rows = features.map((feature, index) => featureRow(feature, anchorOf(index)));
  return (
    '<div class="table-wrap"><table class="features"><thead><tr>' +
    '<th>Feature</th><th>Kind</th><th>Test</th><th class="num">Statistic</th><th class="num">p-value</th>' +
    '<th class="num">Effect</th><th class="num">PSI</th><th>Verdict</th><th>Reason</th>' +
    `</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

function featureRow(feature: FeatureDriftResult, anchor: string): string {
  const { effect } = feature;
  return (
    `<tr class="${feature.drifted ? 'drifted' : 'stable'}">` +
    `<td class="name"><a href="#${anchor}">${escapeHtml(feature.name)}</a></td>` +
    `<td class="kind">${escapeHtml(feature.kind)}</td>` +
    `<td class="test">${escapeHtml(testName(feature.test))}</td>` +
    `<td class="num">${formatNumber(feature.statistic)}</td>` +
    `<td class="num">${pValueCell(feature)}</td>` +
    `<td class="num" title="${effectName(effect.measure)} distance; practical significance from ${formatNumber(effect.minimum)}">` +
    `${effectName(effect.measure)} ${formatNumber(effect.value)} <span class="note">/ min ${formatNumber(effect.minimum)}</span></td>` +
    `<td class="num">${formatNumber(feature.psi)}</td>` +
    `<td>${verdictBadges(feature)}</td>` +
    `<td class="reason">${escapeHtml(feature.reason)}</td></tr>`
  );
}

/** The adjusted p-value decides the verdict, so it is the one shown; the raw one is a tooltip away. */
function pValueCell(feature: FeatureDriftResult): string {
  if (feature.adjustedPValue !== undefined) {
    return `<span title="raw p = ${formatPValue(feature.pValue)}">${formatPValue(feature.adjustedPValue)} <span class="note">adj.</span></span>`;
  }
  return formatPValue(feature.pValue);
}

function verdictBadges(feature: FeatureDriftResult): string {
  const verdict = feature.drifted
    ? '<span class="badge alert">drifted</span>'
    : '<span class="badge neutral">stable</span>';
  return feature.critical
    ? `${verdict} <span class="badge critical" title="A drift of this feature alone is dataset drift">critical</span>`
    : verdict;
}

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
