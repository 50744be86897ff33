import type { Worker } from '@temporalio/worker';
import { createLifecycleWorker, type LifecycleWorkerOptions } from './lifecycle-worker';
import { createStreamWorker } from './stream-worker';

/** The workers of one mlcycle worker process, run and stopped together. */
export interface MlcycleWorkers {
  /** Runs until shutdown() or until one worker fails (the other is then shut down, and this rejects). */
  run(): Promise<void>;
  /** Drains both: running activities finish or are retried elsewhere. Safe to call at any time. */
  shutdown(): void;
  /** Runs until `until` settles, then shuts down. */
  runUntil(until: Promise<unknown>): Promise<void>;
}

/** The main queue's worker (workflows and every activity but stream consumers) and the stream queue's. */
export async function createMlcycleWorkers(options: LifecycleWorkerOptions): Promise<MlcycleWorkers> {
  const lifecycle = await createLifecycleWorker(options);
  const streams = await createStreamWorker(options);
  const workers: Worker[] = [lifecycle, streams];
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const run = async () => {
    const runs = workers.map((worker) => worker.run());
    try {
      await Promise.race(runs);
    } finally {
      shutdown();
    }
    await Promise.all(runs);
  };
  return {
    run,
    shutdown,
    runUntil: async (until) => {
      const running = run();
      await Promise.race([running, until.then(shutdown, shutdown)]);
      await running;
    },
  };
}
