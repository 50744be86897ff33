import { readFile } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readArtifact } from '../core/integrity';
import { ownField, parseNumeric } from './features';
import { OUTPUT_NAME } from './onnx-export';
import type { InputColumn, RawRecord } from './types';

// Scores raw records with an exported model. One InferenceSession per artifact, created once and reused
// for every call; a call allocates only its feed tensors (ORT allocates the output).

/** Batched [N, 1] feeds, one per input column: float32 for numerics (NaN = missing), strings otherwise. */
export function recordsToFeeds(inputs: readonly InputColumn[], records: readonly RawRecord[]): Record<string, Tensor> {
  const n = records.length;
  const feeds = Object.create(null) as Record<string, Tensor>;
  for (const { name, kind } of inputs) {
    if (kind === 'numeric') {
      const values = new Float32Array(n);
      // Same parsing as training, so a cell the trainer imputed is imputed here too (NaN reaches the
      // graph's imputation step).
      for (let i = 0; i < n; i++) values[i] = parseNumeric(ownField(records[i], name));
      feeds[name] = new Tensor('float32', values, [n, 1]);
    } else {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = categoryOf(ownField(records[i], name));
      feeds[name] = new Tensor('string', values, [n, 1]);
    }
  }
  return feeds;
}

/** Exactly encodeRecords' conversion, so a category the trainer saw as a level is one here too. */
function categoryOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- parity with training beats a nicer string
  return typeof value === 'string' ? value : String(value);
}

export class OnnxScorer {
  readonly inputNames: readonly string[];
  private readonly fetches: string[] = [OUTPUT_NAME];
  private readonly modelInputs: ReadonlySet<string>;

  private constructor(private readonly session: InferenceSession) {
    this.inputNames = session.inputNames;
    this.modelInputs = new Set(session.inputNames);
  }

  /**
   * Loads an artifact, refusing it before any parsing when it is missing or its sha256 is not the
   * recorded one; `what` names it in that error (e.g. "the ONNX model of churn v3").
   */
  static async fromFile(
    path: string,
    expectedSha256?: string,
    options?: InferenceSession.SessionOptions,
    what = 'the ONNX model file',
  ): Promise<OnnxScorer> {
    const bytes = expectedSha256 === undefined ? await readFile(path) : await readArtifact(path, expectedSha256, what);
    return OnnxScorer.fromBytes(bytes, options);
  }

  static async fromBytes(bytes: Uint8Array, options: InferenceSession.SessionOptions = {}): Promise<OnnxScorer> {
    return new OnnxScorer(await InferenceSession.create(bytes, options));
  }

  /** One probability per record, in record order. */
  async score(inputs: readonly InputColumn[], records: readonly RawRecord[]): Promise<Float32Array> {
    if (records.length === 0) return new Float32Array(0);
    // Columns the model does not take (e.g. a spec's unused extras) are not fed at all.
    const used = inputs.length === this.modelInputs.size ? inputs : inputs.filter((i) => this.modelInputs.has(i.name));
    const results = await this.session.run(recordsToFeeds(used, records), this.fetches);
    const output = results[OUTPUT_NAME];
    if (output?.type !== 'float32' || output.data.length !== records.length) {
      throw new Error(`Model output "${OUTPUT_NAME}" is not one float32 per record`);
    }
    return output.data as Float32Array;
  }

  /** One probability per row of feeds built by the caller (batch scoring builds them straight from file cells). */
  async scoreFeeds(feeds: Record<string, Tensor>, rows: number): Promise<Float32Array> {
    if (rows === 0) return new Float32Array(0);
    const results = await this.session.run(feeds, this.fetches);
    const output = results[OUTPUT_NAME];
    if (output?.type !== 'float32' || output.data.length !== rows) {
      throw new Error(`Model output "${OUTPUT_NAME}" is not one float32 per record`);
    }
    return output.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
