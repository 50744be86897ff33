// Benchmark: the whole mlLifecycle on the Telco data on a real dev server, worker and scoring server.
// Per-step wall time comes from the run's own history (activity scheduled → completed), so it
// includes Temporal's dispatch overhead, as a user sees it. Usage: npm run bench [-- --runs 5]
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { mlLifecycle } from '../workflows';
import { TELCO_CSV } from '../test/helpers/paths';
import { startTestStack } from '../test/helpers/stack';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

type Event = NonNullable<History['events']>[number];
const millis = (event: Event | undefined): number =>
  event?.eventTime ? Number(event.eventTime.seconds ?? 0) * 1000 + Math.round((event.eventTime.nanos ?? 0) / 1e6) : NaN;

function stepTimes(events: Event[]): Record<string, number> {
  const scheduled = new Map<string, { name: string; at: number }>();
  const times: Record<string, number> = {};
  for (const event of events) {
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs) scheduled.set(String(event.eventId), { name: attrs.activityType?.name ?? '?', at: millis(event) });
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const start = scheduled.get(String(done.scheduledEventId));
      if (start) times[start.name] = (times[start.name] ?? 0) + millis(event) - start.at;
    }
  }
  return times;
}

async function main(): Promise<void> {
  const stack = await startTestStack();
  const rows: Record<string, number>[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const handle = await stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
        taskQueue: stack.taskQueue,
        workflowId: `bench-lifecycle-${Date.now()}-${i}`,
        args: [{ modelName: 'telco-churn', dataUri: TELCO_CSV }],
      });
      const result = await handle.result();
      const total = performance.now() - started;
      const history = await handle.fetchHistory();
      rows.push({ ...stepTimes(history.events ?? []), total, rocAuc: result.metrics.rocAuc });
      console.log(`run ${i + 1}/${runs}: ${total.toFixed(0)} ms, v${result.version}, deployed ${result.deployed}`);
    }
  } finally {
    await stack.stop();
  }
  const columns = ['validateData', 'trainModel', 'exportModel', 'registerModel', 'deployModel', 'total'];
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const table = [
    `| step | median ms | min ms | max ms |`,
    `|---|---|---|---|`,
    ...columns.map((c) => {
      const values = rows.map((r) => r[c] ?? NaN);
      return `| ${c} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} |`;
    }),
  ].join('\n');
  console.log(`\nmlLifecycle on ${TELCO_CSV} (7,043 rows), ${runs} runs, first run includes warm-up\n\n${table}`);
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'lifecycle.json'), JSON.stringify({ at: new Date().toISOString(), runs: rows }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
