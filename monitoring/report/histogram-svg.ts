import { displayLabel, escapeHtml, formatPercent, px, truncateLabel } from './format';
import { estimateTextWidth, percentGrid, yAxisFor } from './svg-axes';
import type { PlotBox } from './svg-axes';
import type { Histogram } from '../types';

const FONT = 11;
const MAX_LABEL_CHARS = 24;
const WIDTH = 560; // fits a report card two to a row on a 1280-pixel screen
const RIGHT = 10;
const PLOT_HEIGHT = 150;
const MIN_GROUP_WIDTH = 20;
const ANGLE = 40; // degrees; steep enough for long labels, flat enough to read without tilting the head
const RADIANS = (ANGLE * Math.PI) / 180;
const LEGEND_HEIGHT = 26;
const Y_TICKS_WIDTH = 40;

export interface HistogramSvgOptions {
  /** Accessible name of the plot, e.g. the feature name; escaped here. */
  title: string;
}

/**
 * Reference and live shares as grouped bars, one group per bin or level, with a legend and a
 * percentage axis. Pure SVG, no script; bars carry their exact shares as tooltips.
 */
export function renderHistogramSvg(histogram: Histogram, options: HistogramSvgOptions): string {
  const count = histogram.labels.length;
  const labels = histogram.labels.map((label) => displayLabel(label));
  const shown = labels.map((label) => truncateLabel(label, MAX_LABEL_CHARS));
  const longest = Math.max(0, ...shown.map((label) => estimateTextWidth(label, FONT)));
  const { left, groupWidth, tilted } = layoutFor(count, longest);
  const plotWidth = groupWidth * Math.max(1, count);
  const labelDepth = tilted ? longest * Math.sin(RADIANS) + FONT : FONT + 4;
  const box: PlotBox = { left, top: LEGEND_HEIGHT, width: plotWidth, height: PLOT_HEIGHT };
  const width = left + plotWidth + RIGHT;
  const height = box.top + box.height + 8 + labelDepth + 4;

  const max = Math.max(0, ...histogram.reference, ...histogram.live);
  const axis = yAxisFor(max);
  const barHeight = (share: number): number => {
    const h = (Math.max(0, share) / axis.top) * box.height;
    return share > 0 ? Math.max(1, h) : 0; // a share too small to see still shows as a sliver
  };

  const parts: string[] = [percentGrid(box, axis)];
  const pad = groupWidth * 0.12;
  const barWidth = (groupWidth - 2 * pad) / 2;
  for (let i = 0; i < count; i++) {
    const x0 = left + i * groupWidth;
    const label = labels[i] ?? '';
    for (const [side, share, name] of [
      ['ref', histogram.reference[i] ?? 0, 'reference'],
      ['live', histogram.live[i] ?? 0, 'live'],
    ] as const) {
      const h = barHeight(share);
      if (h === 0) continue;
      const x = x0 + pad + (side === 'live' ? barWidth : 0);
      parts.push(
        `<rect class="bar ${side}" x="${px(x)}" y="${px(box.top + box.height - h)}" width="${px(barWidth - 0.5)}" height="${px(h)}">` +
          `<title>${escapeHtml(label)}: ${name} ${formatPercent(share)}</title></rect>`,
      );
    }
    parts.push(xLabel(label, shown[i] ?? '', x0 + groupWidth / 2, box.top + box.height, tilted));
  }
  parts.push(
    `<line class="axis" x1="${px(left)}" y1="${px(box.top + box.height)}" x2="${px(left + plotWidth)}" y2="${px(box.top + box.height)}"/>`,
    legend(left, 14),
  );
  return (
    `<svg class="histogram" role="img" aria-label="${escapeHtml(`Reference and live distribution of ${options.title}`)}" ` +
    `width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}">${parts.join('')}</svg>`
  );
}

/**
 * Labels stay horizontal when they fit under their group and tilt otherwise. A tilted label runs
 * left and down from its group's centre, so the first one needs room left of the plot; that room is
 * sized for the narrowest groups it could end up with, so no label is ever clipped.
 */
function layoutFor(count: number, longest: number): { left: number; groupWidth: number; tilted: boolean } {
  const groups = Math.max(1, count);
  const widest = Math.max(MIN_GROUP_WIDTH, (WIDTH - Y_TICKS_WIDTH - RIGHT) / groups);
  if (longest <= widest - 4) return { left: Y_TICKS_WIDTH, groupWidth: widest, tilted: false };
  const run = longest * Math.cos(RADIANS) + 4;
  const narrowest = Math.max(MIN_GROUP_WIDTH, (WIDTH - run - RIGHT) / groups);
  const left = Math.max(Y_TICKS_WIDTH, run - narrowest / 2);
  return { left, groupWidth: Math.max(MIN_GROUP_WIDTH, (WIDTH - left - RIGHT) / groups), tilted: true };
}

function xLabel(full: string, shown: string, centre: number, axisY: number, tilted: boolean): string {
  const tooltip = shown === full ? '' : `<title>${escapeHtml(full)}</title>`;
  if (!tilted) {
    return `<text class="x-label" x="${px(centre)}" y="${px(axisY + FONT + 4)}" text-anchor="middle">${tooltip}${escapeHtml(shown)}</text>`;
  }
  const x = centre + 3;
  const y = axisY + 10;
  return (
    `<text class="x-label" x="${px(x)}" y="${px(y)}" text-anchor="end" transform="rotate(-${ANGLE} ${px(x)} ${px(y)})">` +
    `${tooltip}${escapeHtml(shown)}</text>`
  );
}

function legend(x: number, y: number): string {
  const first = 'reference (training)';
  const secondX = x + 16 + estimateTextWidth(first, FONT) + 14;
  return (
    `<g class="legend"><rect class="ref" x="${px(x)}" y="${px(y - 9)}" width="10" height="10"/>` +
    `<text x="${px(x + 14)}" y="${px(y)}">${first}</text>` +
    `<rect class="live" x="${px(secondX)}" y="${px(y - 9)}" width="10" height="10"/>` +
    `<text x="${px(secondX + 14)}" y="${px(y)}">live window</text></g>`
  );
}
