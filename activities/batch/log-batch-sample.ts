import { Context, log } from '@temporalio/activity';
import { join } from 'node:path';
import type { LogBatchInput, LogBatchResult } from '../../contracts/batch-activities';
import { InvalidInputError } from '../../core/errors';
import { PredictionLogWriter, type PredictionLogEntry } from '../../monitoring/prediction-log';
import type { ModelRegistry } from '../../registry/model-registry';
import { currentRun, readVerified, writeJsonFile } from '../run-files';
import type { SampledPrediction } from './chunk-job';

export interface LogBatchDeps {
  registry: ModelRegistry;
  home: string;
}

/** Entries handed to the log at a time, well under its queue bound. */
const APPEND_ROWS = 10_000;

/**
 * Writes a run's sample of scored rows to the prediction log, as /predict answers are, so the drift
 * monitor sees the batch population too. Ids are made from the run and the row number, and the log
 * ignores an id it has, so a retry adds nothing twice.
 */
export function createLogBatchSample(deps: LogBatchDeps) {
  return async function logBatchSample({ plan, parts }: LogBatchInput): Promise<LogBatchResult> {
    const record = deps.registry.getVersion(plan.modelName, plan.version);
    if (!record) throw new InvalidInputError(`${plan.modelName} has no version ${plan.version} in the registry`);
    const { runId } = currentRun();
    const writer = PredictionLogWriter.open(deps.home, {
      maxQueue: APPEND_ROWS * 2,
      onError: (error, during) => {
        log.warn('prediction log failed', { during, error: error.message });
      },
    });
    let logged = 0;
    try {
      for (const part of [...parts].sort((a, b) => a.index - b.index)) {
        const lines = (await readVerified(part.logPath, part.logSha256)).toString('utf8').split('\n');
        const time = Date.now();
        let entries: PredictionLogEntry[] = [];
        for (const line of lines) {
          if (line === '') continue;
          const sampled = JSON.parse(line) as SampledPrediction;
          entries.push({
            id: `batch-${runId}-${sampled.row}`,
            modelName: plan.modelName,
            version: plan.version,
            time,
            probability: sampled.probability,
            features: sampled.features,
            positiveLabel: record.positiveLabel,
          });
          if (entries.length >= APPEND_ROWS) {
            logged += write(writer, entries);
            entries = [];
          }
        }
        logged += write(writer, entries);
        Context.current().heartbeat({ logged });
      }
    } finally {
      writer.close();
    }
    await writeJsonFile(join(plan.workDir, 'log.json'), { logged });
    log.info('batch sample logged', { logged });
    return { loggedRows: logged };
  };
}

function write(writer: PredictionLogWriter, entries: PredictionLogEntry[]): number {
  writer.append(entries);
  writer.flush();
  const { lastError, queued } = writer.stats();
  // Left queued means the write failed (e.g. the log is locked): the activity is retried.
  if (queued > 0) throw new Error(`The prediction log could not be written: ${lastError ?? 'unknown error'}`);
  return entries.length;
}
