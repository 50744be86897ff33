import { Command } from 'commander';
import { runDevCommand } from './commands/dev';
import { runServeCommand } from './commands/serve';
import { runTrainCommand, type TrainCommandOptions } from './commands/train';
import { runWorkerCommand } from './commands/worker';

const program = new Command('mlcycle')
  .description('Train, version, deploy and monitor ML models as durable Temporal workflows.')
  .showHelpAfterError();

program
  .command('dev')
  .description('start everything: Temporal dev server + Web UI, worker, scoring server, and train the sample model')
  .option('--no-sample', 'do not train the sample model')
  .action((options: { sample: boolean }) => runDevCommand(options));

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
  .option('--workflow-id <id>', 'workflow id (default: <model>-train-<time>)')
  .action((options: TrainCommandOptions) => runTrainCommand(options));

program.parseAsync().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(`mlcycle: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
