// Two-sample Kolmogorov–Smirnov test, written here because no well-kept npm package offers the
// two-sample version (@stdlib/stats-kstest compares a sample with a known distribution only).

export interface KsResult {
  /** Largest gap between the two empirical CDFs (0..1). */
  statistic: number;
  /** Asymptotic p-value with Stephens' small-sample correction. */
  pValue: number;
}

/**
 * KS test of two samples, each sorted ascending (the caller sorts once and reuses the order). The
 * CDFs are compared only after every copy of a value has been passed in both samples, so ties
 * (tenure in months, 0/1 flags) are handled exactly; the p-value is then conservative.
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let i = 0;
  let j = 0;
  let statistic = 0;
  // Once one sample is used up its CDF is 1 and the other only climbs towards it: the gap shrinks.
  while (i < n && j < m) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n && (a[i] as number) <= x) i++;
    while (j < m && (b[j] as number) <= x) j++;
    statistic = Math.max(statistic, Math.abs(i / n - j / m));
  }
  const effectiveN = Math.sqrt((n * m) / (n + m));
  return { statistic, pValue: kolmogorovSurvival((effectiveN + 0.12 + 0.11 / effectiveN) * statistic) };
}

/** P(K > λ) for the Kolmogorov distribution, accurate to ~1e-16 over the whole range. */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  // The alternating series converges slowly for small λ; Jacobi's dual form converges fast there.
  if (lambda < 1.18) {
    const c = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k <= 50; k++) {
      const term = Math.exp((2 * k - 1) ** 2 * c);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return clamp01(1 - (Math.sqrt(2 * Math.PI) / lambda) * sum);
  }
  let sum = 0;
  for (let k = 1; k <= 50; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * sum) break;
  }
  return clamp01(2 * sum);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
