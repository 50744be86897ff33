import { Context, log } from '@temporalio/activity';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import type { JoinBatchInput, JoinBatchResult } from '../../contracts/batch-activities';
import { ArtifactIntegrityError } from '../../core/errors';
import { sha256File } from '../../data/sha256';
import { writeJsonFile } from '../run-files';
import { REJECTS_HEADER, rejectsPathOf } from './formats';
import { HashingFile } from './hashing-file';
import { openParquet, ParquetFileWriter } from './parquet-files';
import { csvHeaderLine, outputSchema } from './part-writers';

/**
 * Joins the chunks' parts, in input order, into the output (written beside it under a temporary name
 * and renamed into place, so a reader never sees half a file) and their rejects into one rejects CSV
 * beside the output. Every part is checked against the digest its chunk reported. With `rejectsOnly`
 * (a run that failed on its error rate) only the rejects are written. Idempotent: a join already done
 * for this run (its manifest, output and rejects digests match) is returned as it is.
 */
export async function joinBatchParts({ plan, parts, rejectsOnly }: JoinBatchInput): Promise<JoinBatchResult> {
  const manifest = join(plan.workDir, rejectsOnly ? 'rejects.json' : 'join.json');
  const done = await finishedJoin(manifest);
  if (done) return done;
  const ordered = [...parts].sort((a, b) => a.index - b.index);
  const result: JoinBatchResult = {};
  if (!rejectsOnly) {
    result.outputPath = plan.outputPath;
    result.outputSha256 = await writeAtomically(plan.outputPath, (path) =>
      plan.outputFormat === 'csv' ? joinCsv(path, plan, ordered) : joinParquet(path, plan, ordered),
    );
  }
  if (ordered.some((part) => part.rejectedRows > 0)) {
    result.rejectsPath = rejectsPathOf(plan.outputPath);
    result.rejectsSha256 = await writeAtomically(result.rejectsPath, (path) =>
      concatenate(
        path,
        REJECTS_HEADER,
        ordered.map((part) => ({ path: part.rejectsPath, sha256: part.rejectsSha256 })),
      ),
    );
  } else if (!rejectsOnly) {
    // A scheduled run writes the same output every night: last night's rejects must not sit beside
    // tonight's output as if they were its own.
    await rm(rejectsPathOf(plan.outputPath), { force: true });
  }
  await writeJsonFile(manifest, result);
  log.info('batch parts joined', { parts: ordered.length, output: result.outputPath, rejects: result.rejectsPath });
  return result;
}

async function finishedJoin(manifest: string): Promise<JoinBatchResult | undefined> {
  let result: JoinBatchResult;
  try {
    result = JSON.parse(await readFile(manifest, 'utf8')) as JoinBatchResult;
  } catch {
    return undefined;
  }
  const still = async (path: string | undefined, sha256: string | undefined) =>
    path === undefined || (await sha256File(path).catch(() => null)) === sha256;
  const intact =
    (await still(result.outputPath, result.outputSha256)) && (await still(result.rejectsPath, result.rejectsSha256));
  return intact ? result : undefined;
}

/** Writes through `write` (which returns the sha256) to a temporary file beside `path`, then renames it over `path`. */
async function writeAtomically(path: string, write: (temporary: string) => Promise<string>): Promise<string> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const sha256 = await write(temporary);
    await rename(temporary, path);
    return sha256;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function joinCsv(path: string, plan: JoinBatchInput['plan'], parts: JoinBatchInput['parts']): Promise<string> {
  return concatenate(
    path,
    csvHeaderLine(plan),
    parts.map((part) => ({ path: part.partPath, sha256: part.partSha256 })),
  );
}

/** `head`, then every file's bytes in order, each checked against its digest as it is copied. */
async function concatenate(path: string, head: string, files: { path: string; sha256: string }[]): Promise<string> {
  const out = await HashingFile.create(path);
  try {
    await out.write(head);
    for (const file of files) {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file.path, { highWaterMark: 1 << 20 })) {
        hash.update(chunk as Buffer);
        await out.write(chunk as Buffer);
      }
      checkDigest(file.path, hash.digest('hex'), file.sha256);
      Context.current().heartbeat();
    }
  } catch (error) {
    await out.abandon();
    throw error;
  }
  return out.close();
}

async function joinParquet(
  path: string,
  plan: JoinBatchInput['plan'],
  parts: JoinBatchInput['parts'],
): Promise<string> {
  const writer = await ParquetFileWriter.create(path, outputSchema(plan, await inputElements(plan)));
  try {
    for (const part of parts) {
      checkDigest(part.partPath, await sha256File(part.partPath), part.partSha256);
      const source = await openParquet(part.partPath);
      try {
        const columns = await source.readColumns(0, source.rows);
        await writer.write(writer.elements.map((element, c) => ({ element, data: columns[c] ?? [] })));
      } finally {
        await source.close();
      }
      Context.current().heartbeat();
    }
  } catch (error) {
    await writer.close().catch(() => undefined);
    throw error;
  }
  return writer.close();
}

async function inputElements(plan: JoinBatchInput['plan']): Promise<SchemaElement[] | undefined> {
  if (plan.inputFormat !== 'parquet') return undefined;
  const input = await openParquet(plan.inputPath);
  await input.close();
  return input.columns;
}

function checkDigest(path: string, actual: string, expected: string): void {
  if (actual !== expected) {
    throw new ArtifactIntegrityError(
      `${path} changed since its chunk wrote it: sha256 ${actual}, expected ${expected}`,
    );
  }
}
