import { formatCount, formatPercent, px } from './format';
import type { PerformanceResult } from '../types';

const SIZE = 240;
const LEFT = 48;
const TOP = 30;
const BOTTOM = 42;
const RIGHT = 14;

/**
 * Reliability diagram: mean predicted probability against the observed positive rate per
 * probability bin, with the diagonal a calibrated model would follow. Marker area grows with the
 * bin's row count, so a wild point backed by three rows does not look like a finding.
 */
export function renderReliabilitySvg(calibration: PerformanceResult['calibration']): string {
  const width = LEFT + SIZE + RIGHT;
  const height = TOP + SIZE + BOTTOM;
  const x = (p: number): number => LEFT + clamp01(p) * SIZE;
  const y = (p: number): number => TOP + SIZE - clamp01(p) * SIZE;
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const value = i / 5;
    parts.push(
      `<line class="grid" x1="${px(x(0))}" y1="${px(y(value))}" x2="${px(x(1))}" y2="${px(y(value))}"/>`,
      `<line class="grid" x1="${px(x(value))}" y1="${px(y(0))}" x2="${px(x(value))}" y2="${px(y(1))}"/>`,
      `<text class="tick" x="${px(x(0) - 6)}" y="${px(y(value) + 3.5)}" text-anchor="end">${value.toFixed(1)}</text>`,
      `<text class="tick" x="${px(x(value))}" y="${px(y(0) + 15)}" text-anchor="middle">${value.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${px(x(0))}" y="${px(y(1))}" width="${SIZE}" height="${SIZE}"/>`,
    `<line class="diagonal" x1="${px(x(0))}" y1="${px(y(0))}" x2="${px(x(1))}" y2="${px(y(1))}"/>`,
    `<text class="axis-title" x="${px(LEFT + SIZE / 2)}" y="${px(height - 8)}" text-anchor="middle">mean predicted probability</text>`,
    `<text class="axis-title" transform="rotate(-90)" x="${px(-(TOP + SIZE / 2))}" y="13" text-anchor="middle">observed positive rate</text>`,
  );

  const points = calibration.filter((bin) => bin.count > 0);
  const maxCount = Math.max(1, ...points.map((bin) => bin.count));
  if (points.length > 1) {
    const path = points.map((bin) => `${px(x(bin.meanPredicted))},${px(y(bin.observedRate))}`).join(' ');
    parts.push(`<polyline class="calibration" points="${path}"/>`);
  }
  for (const bin of points) {
    const r = 2.5 + 4.5 * Math.sqrt(bin.count / maxCount);
    parts.push(
      `<circle class="calibration-point" cx="${px(x(bin.meanPredicted))}" cy="${px(y(bin.observedRate))}" r="${px(r)}">` +
        `<title>predicted ${formatPercent(bin.meanPredicted)}, observed ${formatPercent(bin.observedRate)}, ${formatCount(bin.count)} rows</title></circle>`,
    );
  }
  parts.push(legend(LEFT, 14));
  return (
    `<svg class="reliability" role="img" aria-label="Reliability diagram: mean predicted probability against observed positive rate" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`
  );
}

function legend(x: number, y: number): string {
  return (
    `<g class="legend"><line class="diagonal" x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}"/>` +
    `<text x="${x + 23}" y="${y}">perfectly calibrated</text>` +
    `<circle class="calibration-point" cx="${x + 150}" cy="${y - 4}" r="4"/>` +
    `<text x="${x + 159}" y="${y}">live window</text></g>`
  );
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
