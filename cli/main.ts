import { Command } from 'commander';
import { runApproveCommand, type ApproveCommandOptions } from './commands/approve';
import { runDevCommand } from './commands/dev';
import { runDriftReportCommand } from './commands/drift-report';
import { runLearnCommand, type LearnCommandOptions } from './commands/learn';
import { registerModelsCommand } from './commands/models';
import { runMonitorCommand, type MonitorCommandOptions } from './commands/monitor';
import { runRetrainCommand, type RetrainCommandOptions } from './commands/retrain';
import { runScoreCommand, type ScoreCommandOptions } from './commands/score';
import { runServeCommand } from './commands/serve';
import { runStreamCommand, type StreamCommandOptions } from './commands/stream';
import { runTrainCommand, type TrainCommandOptions } from './commands/train';
import { runWorkerCommand } from './commands/worker';
import { commandConsole } from './console';

const program = new Command('mlcycle')
  .description('Train, version, deploy and monitor ML models as durable Temporal workflows.')
  .showHelpAfterError();

program
  .command('dev')
  .description('start everything: Temporal dev server + Web UI, worker, scoring server, and train the sample model')
  .option('--no-sample', 'do not train the sample model')
  .option('--kafka', 'also start a local Kafka broker (Java 17+, Maven) and a sample stream scored by streamScore')
  .action((options: { sample: boolean; kafka?: boolean }) => runDevCommand(options));

program
  .command('worker')
  .description('run a worker on the task queue (TEMPORAL_ADDRESS, MLCYCLE_TASK_QUEUE)')
  .action(() => runWorkerCommand());

program
  .command('serve')
  .description("run a scoring server that serves the registry's serving versions (MLCYCLE_HOST, MLCYCLE_PORT)")
  .action(() => runServeCommand());

program
  .command('train')
  .description('start mlLifecycle on a CSV file and print its progress until it ends')
  .requiredOption('--data <file>', 'CSV file with a header row')
  .option('--model <name>', 'model name', 'telco-churn')
  .option('--target <column>', 'target column (default Churn)')
  .option('--positive-label <value>', 'target value of the positive class (default: Yes, 1 or true, whichever occurs)')
  .option('--id-column <column>', 'id column left out of the features (default customerID when present)')
  .option('--seed <n>', 'split and training seed')
  .option(
    '--algorithm <name>',
    'logistic, gbdt (gradient-boosted trees) or auto (both; keeps the better on validation)',
  )
  .option('--min-roc-auc <n>', 'promotion gate: deploy only if the test ROC AUC reaches this (default 0.6)')
  .option('--min-rows-per-class <n>', 'fewest rows of each class for the data to be usable (default 20)')
  .option('--no-deploy', 'register the new version without rolling it out')
  .option('--workflow-id <id>', 'workflow id (default: <model>-train-<time>)')
  .action((options: TrainCommandOptions) => runTrainCommand(options));

program
  .command('monitor')
  .description('create or update the Temporal Schedule drift-monitor-NAME that runs driftMonitor')
  .requiredOption('--model <name>', 'model name')
  .option('--every <interval>', 'how often, e.g. 30m, 1h, 1d', '1h')
  .option('--cooldown <duration>', 'no second drift-triggered retrain within this long (default 6h)')
  .option('--no-retrain', 'report drift without retraining')
  .option('--retrain-policy <policy>', 'training data on drift: original+labelled or original', 'original+labelled')
  .option('--retrain-data <uri>', 'train on this data set instead when drift is found')
  .option('--config <file>', 'JSON drift settings: alpha, driftShare, thresholds, features: { NAME: { critical, … } }')
  .option('--min-rows <n>', 'fewer logged predictions than this in a window: nothing is tested (default 100)')
  .option('--min-new-labelled <n>', 'no retrain with fewer new labelled live records (default 100)')
  .option('--pause', 'pause the schedule')
  .option('--resume', 'resume a paused schedule')
  .option('--trigger', 'run the monitor now')
  .option('--wait', 'with --trigger: wait for that run, print its decision, reason and report')
  .option('--delete', 'delete the schedule')
  .action((options: MonitorCommandOptions) => runMonitorCommand(options));

program
  .command('retrain')
  .description('create or update the Schedule retrain-NAME: retrain when the data at URI has changed')
  .requiredOption('--model <name>', 'model name')
  .option('--data <uri>', 'CSV path or file:// URI that is updated in place')
  .option('--every <interval>', 'how often to look, e.g. 1d, 7d', '7d')
  .option('--target <column>', "target column (default: the serving version's)")
  .option('--positive-label <value>', "positive class (default: the serving version's)")
  .option('--id-column <column>', "id column (default: the serving version's)")
  .option('--seed <n>', "split and training seed (default: the serving version's)")
  .option('--min-roc-auc <x>', "promotion gate (default: the serving version's, else 0.6)")
  .option('--algorithm <name>', 'logistic, gbdt or auto')
  .option('--no-deploy', 'register retrained versions without rolling them out')
  .option('--pause', 'pause the schedule')
  .option('--resume', 'resume a paused schedule')
  .option('--trigger', 'run it now')
  .option('--wait', 'with --trigger: wait for that run and print what it did')
  .option('--delete', 'delete the schedule')
  .action((options: RetrainCommandOptions) => runRetrainCommand(options));

program
  .command('score')
  .description(
    'score a CSV or Parquet file with batchScore, showing progress; with --every, the Schedule batch-score-NAME',
  )
  .requiredOption('--model <name>', 'model name')
  .option('--data <file>', 'CSV or Parquet file to score (path or file:// URI)')
  .option(
    '--out <file>',
    'file to write: every input column plus prediction_probability, prediction_label, model_version',
  )
  .option('--version <n>', 'model version (default: the serving one)')
  .option('--chunk-rows <n>', 'rows a chunk activity scores (default 100000)')
  .option('--max-error-rate <x>', 'largest share of rejected rows before the run fails (default 0.01)')
  .option('--id-column <column>', "column kept in the output but not fed to the model (default: the version's)")
  .option('--every <interval>', 'create or update the Schedule batch-score-NAME that scores on this interval, e.g. 1d')
  .option('--pause', 'pause the schedule')
  .option('--resume', 'resume a paused schedule')
  .option('--trigger', 'run the schedule now')
  .option('--wait', 'with --trigger: wait for that run and print what it scored')
  .option('--delete', 'delete the schedule')
  .action((options: ScoreCommandOptions) => runScoreCommand(options));

program
  .command('stream')
  .description('start streamScore: score the records of a Kafka topic until stopped, results to another topic')
  .requiredOption('--model <name>', 'model name')
  .requiredOption('--in <topic>', 'topic of records to score (JSON objects of raw feature columns)')
  .option('--out <topic>', 'topic of results: one JSON message per record')
  .option(
    '--brokers <list>',
    'host:port,… of the Kafka brokers (default MLCYCLE_KAFKA_BROKERS, else the local broker, 127.0.0.1:9092)',
  )
  .option('--dlq <topic>', 'topic of records that cannot be scored, with the reason (default: <in>.dlq)')
  .option('--group <id>', 'consumer group (default mlcycle-stream-<model>)')
  .option('--labels <topic>', 'topic of true outcomes, key = prediction id, stored like POST /feedback')
  .option('--create-topics', 'create missing topics (one partition each) instead of refusing to start')
  .option('--status', 'print the progress of the running stream')
  .option('--stop', 'stop the running stream and print its counts')
  .action((options: StreamCommandOptions) => runStreamCommand(options));

program
  .command('learn')
  .description(
    'start onlineTraining: the serving model keeps learning from labelled records; or pause, resume, stop it',
  )
  .requiredOption('--model <name>', 'model name')
  .option('--from <source>', 'feedback (labelled /predict answers, the default) or kafka (with --topic)')
  .option('--topic <topic>', 'Kafka topic of labelled records (JSON: the features plus the target column)')
  .option('--brokers <list>', 'host:port,… of the Kafka brokers (default MLCYCLE_KAFKA_BROKERS, else the local broker)')
  .option('--publish-every <records>', 'records learned between two candidate versions (default 5000)')
  .option('--publish-every-minutes <minutes>', 'also publish after this many minutes')
  .option('--batch-size <records>', 'records per update (default 16)')
  .option('--learning-rate <rate>', "AdaGrad's base step (default 0.05)")
  .option('--l2 <strength>', 'L2 penalty per record (default 1e-4)')
  .option('--no-deploy', 'register candidates without rolling them out')
  .option('--detach', 'start and return instead of following the progress')
  .option('--status', 'print the progress of the running online training')
  .option('--pause', 'pause it (learning stops; nothing is published)')
  .option('--resume', 'resume a paused online training')
  .option('--stop', 'stop it and print what it learned')
  .action((options: LearnCommandOptions) => runLearnCommand(options));

program
  .command('drift')
  .description('drift monitoring results')
  .command('report')
  .description('print where the latest drift report (HTML and JSON) is')
  .option('--model <name>', 'only this model')
  .action((options: { model?: string }) => runDriftReportCommand(options));

program
  .command('approve')
  .description('let an mlLifecycle run that waits for approval roll out its version; --reject to refuse it')
  .requiredOption('--workflow <id>', 'workflow id of the waiting run')
  .option('--reject', 'refuse: the version stays registered, not deployed')
  .option('--reason <text>', 'why, kept in the result')
  .option('--by <name>', 'who decides (default: the OS user)')
  .action((options: ApproveCommandOptions) => runApproveCommand(options));

registerModelsCommand(program);

program.parseAsync().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    reportFailure(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);

/** The failure on stderr; plainly if the logger itself cannot start (an invalid MLCYCLE_LOG_LEVEL is such a failure). */
function reportFailure(message: string): void {
  try {
    commandConsole({ prefix: 'mlcycle: ', stream: 'stderr' }).error(message);
  } catch {
    console.error(`mlcycle: ${message}`);
  }
}
