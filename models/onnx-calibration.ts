import type { Calibration } from './calibration';
import { isotonicSegments, PLATT_CLIP } from './calibration';

// Appends a fitted calibration (calibration.ts) to an ONNX graph after the model's probability, with
// standard ai.onnx ops in double, so the exported file serves calibrated probabilities and needs no
// code of ours. Any exporter can use it: it takes the name of the uncalibrated probability tensor,
// double [N, 1], and returns the name of the calibrated one, double [N, 1] (cast it to the output type).
//
//   platt     Clip(p, ε, 1−ε) → Log(c) − Log(1 − c) → ·a + b → Sigmoid
//   isotonic  Sub(p, x[:-1]) → Max(·, 0) → Min(·, widths) → MatMul(slopes) → + y₀ → Clip(0, 1)
//             ([N, 1] broadcast against the K−1 segments: one row of segment fills per record)

/** What the calibration needs of a graph builder (onnx-export.ts GraphBuilder has this shape). */
export interface OnnxGraphWriter {
  /** Adds a single-output node of the default domain and returns its output's name. */
  node(opType: string, inputs: string[], hint: string): string;
  /** Adds a double initializer and returns its name. */
  doubles(hint: string, values: readonly number[], dims: number[]): string;
}

export function appendCalibration(graph: OnnxGraphWriter, probability: string, calibration: Calibration): string {
  return calibration.method === 'platt'
    ? appendPlatt(graph, probability, calibration.a, calibration.b)
    : appendIsotonic(graph, probability, calibration);
}

function appendPlatt(graph: OnnxGraphWriter, probability: string, a: number, b: number): string {
  const scalar = (hint: string, value: number) => graph.doubles(hint, [value], []);
  const clipped = graph.node(
    'Clip',
    [probability, scalar('platt_low', PLATT_CLIP), scalar('platt_high', 1 - PLATT_CLIP)],
    'platt_clipped',
  );
  const complement = graph.node('Sub', [scalar('one', 1), clipped], 'platt_complement');
  const logOdds = graph.node(
    'Sub',
    [graph.node('Log', [clipped], 'platt_log_p'), graph.node('Log', [complement], 'platt_log_q')],
    'platt_logit',
  );
  const scaled = graph.node('Mul', [logOdds, graph.doubles('platt_a', [a], [1])], 'platt_scaled');
  const shifted = graph.node('Add', [scaled, graph.doubles('platt_b', [b], [1])], 'platt_shifted');
  return graph.node('Sigmoid', [shifted], 'platt_probability');
}

function appendIsotonic(
  graph: OnnxGraphWriter,
  probability: string,
  calibration: { x: number[]; y: number[] },
): string {
  const { widths, slopes } = isotonicSegments(calibration);
  const segments = widths.length;
  const starts = graph.doubles('isotonic_x', calibration.x.slice(0, segments), [segments]);
  const offset = graph.node('Sub', [probability, starts], 'isotonic_offset');
  const floor = graph.node('Max', [offset, graph.doubles('zero', [0], [1])], 'isotonic_floor');
  const filled = graph.node('Min', [floor, graph.doubles('isotonic_widths', widths, [segments])], 'isotonic_fill');
  const rise = graph.node('MatMul', [filled, graph.doubles('isotonic_slopes', slopes, [segments, 1])], 'isotonic_rise');
  const value = graph.node(
    'Add',
    [rise, graph.doubles('isotonic_y0', [calibration.y[0] as number], [1])],
    'isotonic_value',
  );
  const scalar = (hint: string, v: number) => graph.doubles(hint, [v], []);
  return graph.node('Clip', [value, scalar('isotonic_low', 0), scalar('isotonic_high', 1)], 'isotonic_probability');
}
