import { readArtifact } from '../../core/integrity';
import { CHAMPION } from '../../registry/aliases';
import type { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';
import { notifyScoringServer } from './notify-server';
import { printLines } from './output';
import { commandActor, parseVersion, recordOf, versionsOf, withRegistry } from './registry-access';

export interface PromoteOptions {
  model: string;
  version: string;
  alias?: string;
  reason?: string;
}

/**
 * `mlcycle models promote`: points an alias at a version. For `champion` (the default) that is the
 * serving pointer: the version's ONNX file is checked first, then servers are told to serve it now.
 */
export async function runModelsPromote(options: PromoteOptions): Promise<void> {
  const alias = options.alias ?? CHAMPION;
  const actor = commandActor('promote');
  const moved = await withRegistry(async (registry) => {
    const record = recordOf(registry, options.model, parseVersion(options.version));
    if (alias === CHAMPION) await checkServable(record);
    const reason = options.reason ?? `promoted by ${actor.user} with mlcycle models promote`;
    const change = registry.aliases.set(record.modelName, alias, record.version, { reason, actor });
    return { record, change };
  });
  const { record, change } = moved;
  if (!change) {
    printLines([`${record.modelName} v${record.version} is ${alias} already; nothing changed`]);
    return;
  }
  const was = change.fromVersion === null ? 'none before' : `was v${change.fromVersion}`;
  const lines = [
    `${record.modelName} v${record.version} is now ${alias}${alias === CHAMPION ? ' (serving)' : ''}; ${was}`,
  ];
  if (alias === CHAMPION) lines.push(await notifyScoringServer(record.modelName, record.version));
  printLines(lines);
}

export interface RollbackOptions {
  model: string;
  reason?: string;
}

/** `mlcycle models rollback`: serving returns at once to the version that served before the current one. */
export async function runModelsRollback(options: RollbackOptions): Promise<void> {
  const actor = commandActor('rollback');
  const change = await withRegistry(async (registry) => {
    const target = rollbackTarget(registry, options.model);
    await checkServable(target);
    const reason = options.reason ?? `rolled back by ${actor.user} with mlcycle models rollback`;
    return registry.aliases.rollback(options.model, { reason, actor });
  });
  const version = change.toVersion ?? 0;
  printLines([
    `${options.model} rolled back: v${version} serves again (was v${change.fromVersion ?? '?'})`,
    await notifyScoringServer(options.model, version),
  ]);
}

function rollbackTarget(registry: ModelRegistry, modelName: string): ModelVersionRecord {
  versionsOf(registry, modelName);
  const target = registry.aliases.rollbackTarget(modelName);
  if (target === undefined) {
    const serving = registry.getServing(modelName);
    throw new Error(
      serving
        ? `${modelName} has no earlier serving version to roll back to (v${serving.version} is the first that served); promote one instead: mlcycle models promote --model ${modelName} --version V`
        : `${modelName} has no serving version to roll back; promote one: mlcycle models promote --model ${modelName} --version V`,
    );
  }
  return recordOf(registry, modelName, target);
}

/** A version whose ONNX file is missing or changed would be refused by every server: refused here first. */
async function checkServable(record: ModelVersionRecord): Promise<void> {
  await readArtifact(
    record.artifactPath,
    record.artifactSha256,
    `the ONNX model of ${record.modelName} v${record.version}`,
  );
}
