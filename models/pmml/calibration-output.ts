import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Calibration } from '../calibration';
import { PLATT_CLIP } from '../calibration';

// A fitted calibration (models/calibration.ts) as PMML output fields after the model's probability:
// the RegressionModel's own probability becomes an intermediate field and `probability` is its
// transformedValue, with the same formulas and constants as Node and the ONNX graph:
//
//   platt     1 / (1 + exp(−(a·(ln c − ln(1 − c)) + b))), c = max(min(p, 1 − ε), ε)
//   isotonic  NormContinuous over the breakpoints (LinearNorm orig = x, norm = y), flat outside
//             them (outliers asExtremeValues): the same piecewise-linear map.

/** Appends the calibrated output field `name`, computed from the output field `uncalibrated`. */
export function appendCalibratedOutput(
  output: XMLBuilder,
  name: string,
  uncalibrated: string,
  calibration: Calibration,
): void {
  const field = output.ele('OutputField', {
    name,
    optype: 'continuous',
    dataType: 'double',
    feature: 'transformedValue',
  });
  if (calibration.method === 'isotonic') {
    const norm = field.ele('NormContinuous', { field: uncalibrated, outliers: 'asExtremeValues' });
    calibration.x.forEach((x, k) => norm.ele('LinearNorm', { orig: String(x), norm: String(calibration.y[k]) }));
    return;
  }
  const constant = (parent: XMLBuilder, value: number) =>
    parent.ele('Constant', { dataType: 'double' }).txt(String(value));
  const apply = (parent: XMLBuilder, fn: string) => parent.ele('Apply', { function: fn });
  const clipped = (parent: XMLBuilder) => {
    const atLeast = apply(parent, 'max');
    const atMost = apply(atLeast, 'min');
    atMost.ele('FieldRef', { field: uncalibrated });
    constant(atMost, 1 - PLATT_CLIP);
    constant(atLeast, PLATT_CLIP);
  };
  // 1 / (1 + exp(0 − (a·logit + b)))
  const ratio = apply(field, '/');
  constant(ratio, 1);
  const denominator = apply(ratio, '+');
  constant(denominator, 1);
  const negated = apply(apply(denominator, 'exp'), '-');
  constant(negated, 0);
  const shifted = apply(negated, '+');
  const scaled = apply(shifted, '*');
  constant(scaled, calibration.a);
  const logit = apply(scaled, '-');
  clipped(apply(logit, 'ln'));
  const complement = apply(apply(logit, 'ln'), '-');
  constant(complement, 1);
  clipped(complement);
  constant(shifted, calibration.b);
}
