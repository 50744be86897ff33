import { outOfRange } from '../drift/data-quality';
import { value } from '../drift/wording';
import { escapeHtml, formatCount, formatPercent } from './format';
import type { DataQualityResult, FeatureQuality } from '../types';

/** Blank values and numbers outside the training range, per feature that has any. */
export function renderDataQuality(quality: DataQualityResult): string {
  const noted = quality.features.filter((f) => f.blanks > 0 || outOfRange(f) > 0);
  const head = '<section id="data-quality"><h2>Data quality</h2>';
  if (noted.length === 0) {
    return (
      `${head}<p class="note">No blank values and no numbers outside the training range in ` +
      `${formatCount(quality.rows)} rows.</p></section>`
    );
  }
  const note =
    `<p class="note">${formatCount(quality.blanks)} blank values and ${formatCount(quality.outOfRange)} numbers outside ` +
    'the training range. The model imputes a blank number and scores a blank category as a level of its own; ' +
    'far outside the training range it extrapolates from what it never saw.</p>';
  return (
    `${head}${note}<div class="table-wrap"><table class="quality"><thead><tr>` +
    '<th>Feature</th><th class="num">Blank</th><th class="num">Blank in training</th>' +
    '<th class="num">Below range</th><th class="num">Above range</th><th>Training range</th><th>Live range</th>' +
    `</tr></thead><tbody>${noted.map(row).join('')}</tbody></table></div></section>`
  );
}

function row(f: FeatureQuality): string {
  const numeric = f.kind === 'numeric';
  const cell = (n: number | undefined) => (numeric ? formatCount(n ?? 0) : '—');
  const range = (r: [number, number] | null | undefined) => (r ? `${value(r[0])} to ${value(r[1])}` : '—');
  return (
    `<tr${outOfRange(f) > 0 ? ' class="drifted"' : ''}><td class="name">${escapeHtml(f.name)}</td>` +
    `<td class="num">${formatCount(f.blanks)} (${formatPercent(f.blankShare)})</td>` +
    `<td class="num">${formatPercent(f.trainingBlankShare)}</td>` +
    `<td class="num">${cell(f.belowRange)}</td><td class="num">${cell(f.aboveRange)}</td>` +
    `<td>${numeric ? range(f.range) : 'category'}</td><td>${numeric ? range(f.liveRange) : '—'}</td></tr>`
  );
}
