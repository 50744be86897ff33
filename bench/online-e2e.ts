// The end-to-end half of bench/online.ts (`npm run bench:online -- --e2e`): records per second learned
// through the onlineTraining workflow from a Kafka topic, on the real stack (Temporal dev server, worker,
// scoring server, a Kafka broker of scripts/kafka.sh): each learn call reads up to 2,000 records after
// its checkpoint's offsets, predicts-then-learns them and writes the next checkpoint (JSON + sha256).
// Counted from the warm start's checkpoint to the last record learned.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OnlineTrainingProgress } from '../contracts';
import type { mlLifecycle, onlineTraining } from '../workflows';
import { createTopics, startTestBroker, uniqueTopic } from '../test/helpers/kafka';
import { readLabelledCsv } from '../test/helpers/labelled-stream';
import { produceLabelled } from '../test/helpers/online';
import { tempHome } from '../test/helpers/paths';
import { startTestStack } from '../test/helpers/stack';

export interface EndToEndInput {
  streamPath: string;
  initialRows: number;
  batchSize: number;
}

export interface EndToEndResult {
  records: number;
  seconds: number;
  updatesPerSecond: number;
  learnCalls: number;
}

export async function measureEndToEnd({ streamPath, initialRows, batchSize }: EndToEndInput): Promise<EndToEndResult> {
  const broker = await startTestBroker();
  const stack = await startTestStack();
  try {
    // The serving version: mlLifecycle on the stream file's first rows.
    const lines = readFileSync(streamPath, 'utf8').split('\n');
    const initialPath = join(tempHome('bench-online'), 'initial.csv');
    writeFileSync(initialPath, `${lines.slice(0, initialRows + 1).join('\n')}\n`);
    const modelName = 'bench-online';
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'bench-online-train',
      args: [{ modelName, dataUri: initialPath }],
    });
    if (!trained.deployed) throw new Error(`the serving version was not deployed: ${trained.reason}`);

    const stream = await readLabelledCsv(streamPath);
    const records = stream.records.slice(initialRows);
    const topic = uniqueTopic('bench-online');
    await createTopics(broker.brokers, [topic], 1);
    await produceLabelled(broker.brokers, topic, { records, labels: stream.labels.slice(initialRows) });

    const handle = await stack.env.client.workflow.start<typeof onlineTraining>('onlineTraining', {
      taskQueue: stack.taskQueue,
      workflowId: 'bench-online-learn',
      args: [
        { modelName, source: { kafka: { brokers: broker.brokers, topic } }, batchSize, publishEvery: 100_000_000 },
      ],
    });
    let started = 0;
    let progress: OnlineTrainingProgress | undefined;
    for (;;) {
      progress = await handle.query<OnlineTrainingProgress>('progress').catch(() => undefined);
      if (progress?.checkpoint && started === 0) started = performance.now();
      if (progress && progress.recordsLearned >= records.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    await handle.signal('stop');
    await handle.result();
    const { events } = await handle.fetchHistory();
    const learnCalls = (events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'learnOnlineBatch',
    ).length;
    return {
      records: progress.recordsLearned,
      seconds,
      updatesPerSecond: progress.recordsLearned / seconds,
      learnCalls,
    };
  } finally {
    await stack.stop();
    await broker.stop();
  }
}
