import { randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchChunk, BatchFiles, ChunkResult, RejectReasonCount } from '../../contracts/batch-activities';
import { ArtifactIntegrityError } from '../../core/errors';
import { parseNumeric } from '../../models/features';
import { createRng } from '../../models/random';
import type { FeatureSpec } from '../../models/types';
import type { OnnxScorer } from '../../models/onnx-scorer';
import { cellText, csvField, parseCsvRecord } from './csv-records';
import { HashingFile } from './hashing-file';
import { FeedBuilder, type RowProblem } from './row-checker';
import { openPartWriter, type ScoredRow } from './part-writers';
import { openRowSource } from './row-sources';

/**
 * Rows scored in one ONNX call: large enough that the call's fixed cost vanishes; the rows wait in
 * memory until then, so a wide file takes fewer (at most `SCORE_CELLS` cells at a time).
 */
const SCORE_ROWS = 10_000;
const SCORE_CELLS = 250_000;
/** Reject reasons a chunk reports (the rejects file has them all). */
const REASONS_REPORTED = 20;

export interface ChunkModel {
  spec: FeatureSpec;
  threshold: number;
  scorer: Pick<OnnxScorer, 'scoreFeeds' | 'inputNames'>;
}

export interface ChunkCallbacks {
  /** After every block read and every ONNX call, with the rows done so far. */
  onProgress(rowsDone: number): void;
}

/** The chunk's files under the run's work folder, named by chunk so a retry finds (or replaces) them. */
export function chunkFiles(plan: BatchFiles, index: number) {
  const name = String(index).padStart(5, '0');
  return {
    part: join(plan.workDir, `part-${name}.${plan.outputFormat}`),
    rejects: join(plan.workDir, `rejects-${name}.csv`),
    log: join(plan.workDir, `log-${name}.jsonl`),
    manifest: join(plan.workDir, `chunk-${name}.json`),
  };
}

/**
 * Scores one chunk: reads its rows, rejects those a model column cannot take (with row, column and
 * reason), scores the rest an ONNX call per block and writes the part, the rejects and the chunk's
 * share of the prediction-log sample, each to a temporary file renamed into place when complete.
 */
export async function scoreChunk(
  plan: BatchFiles,
  chunk: BatchChunk,
  model: ChunkModel,
  callbacks: ChunkCallbacks,
): Promise<ChunkResult> {
  const files = chunkFiles(plan, chunk.index);
  const suffix = `.${randomUUID()}.tmp`;
  const source = await openRowSource(plan, chunk);
  const part = await openPartWriter(files.part + suffix, plan, source.elements);
  const rejects = await HashingFile.create(files.rejects + suffix);
  const scoreRows = Math.max(100, Math.min(SCORE_ROWS, Math.floor(SCORE_CELLS / Math.max(1, plan.header.length))));
  const builder = new FeedBuilder(model.spec, model.scorer.inputNames, plan.header, scoreRows);
  const sample = new LogSample(plan, chunk, model.spec);
  const idAt = plan.idColumn === null ? -1 : plan.header.indexOf(plan.idColumn);
  const reasons = new Map<string, number>();
  const keepLines = plan.outputFormat === 'csv';
  let pending: ScoredRow[] = [];
  let rowNumber = chunk.firstRow;
  let rejected = 0;
  let done = 0;
  const flush = async () => {
    const probabilities = await model.scorer.scoreFeeds(builder.feeds(), builder.rows);
    await part.write(pending, probabilities, model.threshold);
    sample.offer(pending, probabilities);
    done += pending.length;
    pending = [];
    builder.reset();
    callbacks.onProgress(done + rejected);
  };
  try {
    for await (const block of source.blocks()) {
      let rejectLines = '';
      for (let i = 0; i < block.values.length; i++) {
        const values = block.values[i] as unknown[];
        rowNumber++;
        const problems = rowShape(values, plan.header) ?? builder.add(values);
        if (problems) {
          rejected++;
          rejectLines += rejectLinesOf(rowNumber, idAt < 0 ? '' : values[idAt], problems, reasons);
          continue;
        }
        // A CSV output copies the line: keeping only it lets the parsed cells die young.
        const line = keepLines ? block.lines?.[i] : undefined;
        pending.push(line !== undefined ? { row: rowNumber, line } : { row: rowNumber, values });
        if (builder.full) await flush();
      }
      if (rejectLines !== '') await rejects.write(rejectLines);
      callbacks.onProgress(done + rejected);
    }
    if (builder.rows > 0) await flush();
    callbacks.onProgress(done + rejected);
  } catch (error) {
    await Promise.all([part.close().catch(() => undefined), rejects.abandon()]);
    throw error;
  }
  const partSha256 = await part.close();
  const rejectsSha256 = await rejects.close();
  if (rowNumber - chunk.firstRow !== chunk.rows) {
    throw new ArtifactIntegrityError(
      `chunk ${chunk.index} of ${plan.inputPath} held ${rowNumber - chunk.firstRow} rows, the plan counted ${chunk.rows}`,
    );
  }
  const { rows: logged, sha256: logSha256 } = await sample.write(files.log + suffix);
  await Promise.all([
    rename(files.part + suffix, files.part),
    rename(files.rejects + suffix, files.rejects),
    rename(files.log + suffix, files.log),
  ]);
  return {
    index: chunk.index,
    rows: rowNumber - chunk.firstRow,
    scoredRows: done,
    rejectedRows: rejected,
    partPath: files.part,
    partSha256,
    rejectsPath: files.rejects,
    rejectsSha256,
    logPath: files.log,
    logSha256,
    loggedRows: logged,
    reasons: topReasons(reasons),
  };
}

/**
 * A CSV row with fewer or more cells than the header has columns: its cells cannot be matched to
 * columns with any certainty, and its line would not fit the output's header either.
 */
function rowShape(values: readonly unknown[], header: readonly string[]): RowProblem[] | undefined {
  if (values.length === header.length) return undefined;
  const cells = `the row has ${values.length} cells, the header ${header.length} columns`;
  if (values.length > header.length) return [{ column: null, kind: 'malformed row', reason: cells }];
  const missing = header[values.length] as string;
  return [
    { column: missing, kind: `missing column "${missing}"`, reason: `missing column "${missing}" and after: ${cells}` },
  ];
}

function rejectLinesOf(row: number, id: unknown, problems: RowProblem[], reasons: Map<string, number>): string {
  let lines = '';
  const kinds = new Set<string>();
  for (const problem of problems) {
    kinds.add(problem.kind);
    lines += `${row},${csvField(id)},${csvField(problem.column ?? '')},${csvField(problem.reason)}\n`;
  }
  for (const kind of kinds) reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
  return lines;
}

function topReasons(reasons: Map<string, number>): RejectReasonCount[] {
  return [...reasons]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, REASONS_REPORTED)
    .map(([reason, rows]) => ({ reason, rows }));
}

interface SampledRow {
  row: number;
  probability: number;
  values: readonly unknown[];
}

/** One line of a chunk's log sample: the row, its probability and the model's input columns as a client would send them. */
export interface SampledPrediction {
  row: number;
  probability: number;
  features: Record<string, unknown>;
}

/**
 * The chunk's share of the prediction-log sample: every scored row when the whole file fits the
 * sample, else a uniform reservoir sample of the chunk's share, seeded by chunk so a retry picks the
 * same rows.
 */
class LogSample {
  private readonly size: number;
  private readonly rows: SampledRow[] = [];
  private seen = 0;
  private readonly random: () => number;

  constructor(
    private readonly plan: BatchFiles,
    chunk: BatchChunk,
    private readonly spec: FeatureSpec,
  ) {
    this.size =
      plan.rows <= plan.logSampleRows ? chunk.rows : Math.round((plan.logSampleRows * chunk.rows) / plan.rows);
    this.random = createRng(chunk.index + 1);
  }

  offer(rows: readonly ScoredRow[], probabilities: Float32Array): void {
    for (let i = 0; i < rows.length; i++) {
      const slot = this.rows.length < this.size ? this.rows.length : Math.floor(this.random() * (this.seen + 1));
      this.seen++;
      if (slot >= this.size) continue;
      const scored = rows[i] as ScoredRow;
      const values = scored.values ?? parseCsvRecord(scored.line, this.plan.delimiter ?? ',');
      this.rows[slot] = { row: scored.row, probability: probabilities[i] as number, values };
    }
  }

  /** Writes the sample as JSON lines; returns how many rows and the file's sha256. */
  async write(path: string): Promise<{ rows: number; sha256: string }> {
    const columns = this.spec.inputs.map((input) => ({ ...input, at: this.plan.header.indexOf(input.name) }));
    const file = await HashingFile.create(path);
    try {
      let text = '';
      for (const { row, probability, values } of this.rows.sort((a, b) => a.row - b.row)) {
        const features = Object.create(null) as Record<string, unknown>;
        for (const { name, kind, at } of columns) features[name] = loggedValue(values[at], kind === 'numeric');
        const line: SampledPrediction = { row, probability, features };
        text += `${JSON.stringify(line)}\n`;
      }
      await file.write(text);
    } catch (error) {
      await file.abandon();
      throw error;
    }
    return { rows: this.rows.length, sha256: await file.close() };
  }
}

/** As a /predict client sends it: a number or null for numerics, the trimmed text for categories. */
function loggedValue(value: unknown, numeric: boolean): unknown {
  if (numeric) {
    if (typeof value === 'bigint') return Number(value);
    const number = parseNumeric(value);
    return Number.isNaN(number) ? null : number;
  }
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value.trim() : cellText(value);
}
