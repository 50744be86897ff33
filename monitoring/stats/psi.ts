// Population Stability Index, the credit-scoring industry's drift figure: reported next to the tests
// because many readers know its rules of thumb (< 0.1 stable, 0.1–0.25 moderate, > 0.25 large).

/** Share used in place of an empty bin, so a bin present on one side only adds a large but finite term. */
export const PSI_EPSILON = 1e-4;

/** PSI = Σ (live − reference) · ln(live / reference) over matching bins of two share vectors. */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  live: ArrayLike<number>,
  epsilon = PSI_EPSILON,
): number {
  if (reference.length !== live.length) {
    throw new RangeError(`${reference.length} reference bins but ${live.length} live bins`);
  }
  let psi = 0;
  for (let k = 0; k < reference.length; k++) {
    const expected = Math.max(reference[k] as number, epsilon);
    const actual = Math.max(live[k] as number, epsilon);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}
