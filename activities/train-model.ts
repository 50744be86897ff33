import { Context, heartbeat, log } from '@temporalio/activity';
import { InvalidDataError } from '../core/errors';
import { invalidDataFailure } from './failures';
import { runTrainJobInThread } from './train-in-thread';
import { currentRunDir } from './run-files';
import type { TrainedModel, TrainModelInput } from '../contracts/lifecycle-activities';

/** Heartbeats go on at this pace while the thread computes, whether or not it reports progress. */
const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Trains in a worker thread of its own (train-job.ts): the worker's event loop stays free to
 * heartbeat, to run other activities and workflow tasks, and to terminate the thread on cancellation.
 */
export function createTrainModel(home: string) {
  return async function trainModel(input: TrainModelInput): Promise<TrainedModel> {
    const outDir = await currentRunDir(home);
    let stage = 'starting the training thread';
    const beat = setInterval(() => heartbeat({ stage: 'training', message: stage }), HEARTBEAT_EVERY_MS);
    try {
      const trained = await runTrainJobInThread(
        { ...input, outDir },
        {
          signal: Context.current().cancellationSignal,
          onProgress: (message) => {
            stage = message;
            heartbeat({ stage: 'training', message });
          },
        },
      );
      log.info('model trained', {
        algorithm: trained.params.algorithm,
        rocAuc: trained.metrics.rocAuc,
        l2: trained.params.l2,
        warnings: trained.warnings,
      });
      return trained;
    } catch (error) {
      if (error instanceof InvalidDataError) throw invalidDataFailure(error.message, error.problems);
      throw error;
    } finally {
      clearInterval(beat);
    }
  };
}
