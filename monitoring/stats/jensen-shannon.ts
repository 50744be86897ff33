// Jensen–Shannon distance: a bounded, symmetric distance between two category distributions that,
// unlike KL divergence, stays finite when a level is absent from one side.

/**
 * Square root of the base-2 Jensen–Shannon divergence between two share vectors over the same
 * levels: 0 for identical distributions, 1 for disjoint ones. Inputs are normalised to sum 1; an
 * all-zero vector has no distribution, so the distance is NaN.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`${p.length} shares on one side but ${q.length} on the other`);
  const pTotal = total(p);
  const qTotal = total(q);
  if (pTotal <= 0 || qTotal <= 0) return NaN;
  let divergence = 0;
  for (let k = 0; k < p.length; k++) {
    const pk = (p[k] as number) / pTotal;
    const qk = (q[k] as number) / qTotal;
    const mk = (pk + qk) / 2;
    if (pk > 0) divergence += 0.5 * pk * Math.log2(pk / mk);
    if (qk > 0) divergence += 0.5 * qk * Math.log2(qk / mk);
  }
  // Rounding can leave a divergence a hair below 0 or above 1.
  return Math.sqrt(Math.min(1, Math.max(0, divergence)));
}

function total(shares: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < shares.length; k++) {
    const share = shares[k] as number;
    if (!(share >= 0)) throw new RangeError(`Share ${k} is ${share}, not a number >= 0`);
    sum += share;
  }
  return sum;
}
