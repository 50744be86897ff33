// Earth mover's distance between two samples: how far, in the feature's own units, mass has to move
// to turn one distribution into the other. Unlike a p-value it does not grow with the window size.

/**
 * Wasserstein-1 distance ∫|F₁ − F₂| dx between two samples sorted ascending, computed exactly by
 * walking both in step (the empirical CDFs are constant between consecutive distinct values).
 * NaN when either sample is empty.
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0] as number, b[0] as number);
  let area = 0;
  while (i < n || j < m) {
    const x = Math.min(i < n ? (a[i] as number) : Infinity, j < m ? (b[j] as number) : Infinity);
    area += Math.abs(i / n - j / m) * (x - previous);
    while (i < n && (a[i] as number) <= x) i++;
    while (j < m && (b[j] as number) <= x) j++;
    previous = x;
  }
  return area;
}

/**
 * Wasserstein-1 distance in reference standard deviations, so 0.3 means "shifted by 0.3 SD" whatever
 * the feature's unit. A constant reference (std 0) is measured in raw units instead of dividing by 0.
 */
export function normalisedWasserstein(reference: ArrayLike<number>, live: ArrayLike<number>, std: number): number {
  return wasserstein1(reference, live) / (std > 0 && Number.isFinite(std) ? std : 1);
}
