import { px } from './format';

/** Rough width of a label in the report's sans-serif font; generous so layouts err towards room. */
export function estimateTextWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * 0.62;
}

/** A step of 1, 2, 2.5 or 5 times a power of ten giving at most `maxTicks` intervals up to `max`. */
export function niceStep(max: number, maxTicks: number): number {
  if (!(max > 0)) return 0.1;
  const rough = max / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  return step ?? 10 * power;
}

export interface YAxis {
  top: number;
  step: number;
}

/** The axis ends at the first tick at or above the largest value, so the tallest bar always has a labelled gridline. */
export function yAxisFor(largest: number, maxTicks = 5): YAxis {
  const max = Number.isFinite(largest) ? largest : 0; // a NaN share must not take the whole axis with it
  const step = niceStep(max, maxTicks);
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  return { top, step };
}

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Horizontal grid lines with percentage labels left of the plot. */
export function percentGrid(box: PlotBox, axis: YAxis): string {
  const parts: string[] = [];
  const ticks = Math.round(axis.top / axis.step);
  const digits = decimalsOf(axis.step * 100);
  for (let i = 0; i <= ticks; i++) {
    const value = i * axis.step;
    const y = box.top + box.height - (value / axis.top) * box.height;
    parts.push(
      `<line class="grid" x1="${px(box.left)}" y1="${px(y)}" x2="${px(box.left + box.width)}" y2="${px(y)}"/>`,
      `<text class="tick" x="${px(box.left - 6)}" y="${px(y + 3.5)}" text-anchor="end">${(value * 100).toFixed(digits)}%</text>`,
    );
  }
  return parts.join('');
}

/** Decimals needed to print multiples of `step` exactly (2.5% needs one, 20% none). */
function decimalsOf(step: number): number {
  for (let digits = 0; digits < 4; digits++) {
    const scaled = step * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return digits;
  }
  return 4;
}
