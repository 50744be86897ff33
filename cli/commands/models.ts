import type { Command } from 'commander';
import { runModelsDiff } from '../models/diff';
import { runModelsExport } from '../models/export';
import { runModelsHistory } from '../models/history';
import { runModelsList } from '../models/list';
import { runModelsPromote, runModelsRollback } from '../models/promote';
import { runModelsShow } from '../models/show';

/** `mlcycle models …`: the registry of MLCYCLE_HOME, read and changed directly. */
export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('the model registry: versions, aliases, history, export');

  models
    .command('list')
    .description('versions with their creation time, algorithm, metrics and aliases; * marks the serving one')
    .option('--model <name>', 'only this model')
    .option('--json', 'print JSON')
    .action(runModelsList);

  models
    .command('show')
    .description('one version: metrics, params, lineage, signature, artifacts with digests, alias history')
    .requiredOption('--model <name>', 'model name')
    .option('--version <n>', 'version (default: the serving one)')
    .option('--alias <name>', 'the version an alias points at (champion, challenger, …)')
    .option('--json', 'print JSON')
    .action(runModelsShow);

  models
    .command('promote')
    .description('point an alias at a version; champion (the default) serves it now')
    .requiredOption('--model <name>', 'model name')
    .requiredOption('--version <n>', 'version')
    .option('--alias <name>', 'champion, challenger or a name of your own ([a-z][a-z0-9-]*)', 'champion')
    .option('--reason <text>', 'why, kept in the alias history')
    .action(runModelsPromote);

  models
    .command('rollback')
    .description('serve the version that served before the current one, at once')
    .requiredOption('--model <name>', 'model name')
    .option('--reason <text>', 'why, kept in the alias history')
    .action(runModelsRollback);

  models
    .command('diff')
    .description('what changed between two versions: metrics, params, features and levels, data')
    .requiredOption('--model <name>', 'model name')
    .requiredOption('--from <n>', 'older version')
    .requiredOption('--to <n>', 'newer version')
    .option('--json', 'print JSON')
    .action(runModelsDiff);

  models
    .command('history')
    .description('every alias change (who, when, from, to, why); --at: the version that served then')
    .requiredOption('--model <name>', 'model name')
    .option('--at <time>', 'an ISO time, e.g. 2026-01-31T12:00:00Z')
    .option('--json', 'print JSON')
    .action(runModelsHistory);

  models
    .command('export')
    .description("write a version's model as ONNX or PMML (logistic models), after checking its sha256")
    .requiredOption('--model <name>', 'model name')
    .requiredOption('--version <n>', 'version')
    .requiredOption('--format <format>', 'onnx or pmml')
    .requiredOption('--out <file>', 'file to write')
    .action(runModelsExport);
}
