import type { ModelRegistry } from '../../registry/model-registry';
import { CHAMPION } from '../../registry/aliases';
import { metric, printJson, printLines, shortTime, table } from './output';
import { versionsOf, withRegistry } from './registry-access';

export interface ListOptions {
  model?: string;
  json?: boolean;
}

interface ListedVersion {
  version: number;
  createdAt: string;
  algorithm: string;
  metrics: { rocAuc: number | null; f1: number | null; logLoss: number | null };
  aliases: string[];
  serving: boolean;
}

/** `mlcycle models list`: every version of one model, or of all, with metrics and aliases; `*` marks the serving one. */
export async function runModelsList(options: ListOptions): Promise<void> {
  await withRegistry((registry) => {
    const names = options.model === undefined ? registry.listModelNames() : [options.model];
    const models = names.map((name) => ({ model: name, versions: listVersions(registry, name) }));
    if (options.json) return printJson({ models });
    if (models.length === 0)
      return printLines(['the registry has no models yet: "mlcycle train --data FILE" makes one']);
    const lines: string[] = [];
    for (const { model, versions } of models) {
      if (lines.length > 0) lines.push('');
      lines.push(`${model}  (* = serving)`);
      const rows = versions.map((v) => [
        `${v.serving ? '*' : ' '} ${v.version}`,
        shortTime(v.createdAt),
        v.algorithm,
        metric(v.metrics.rocAuc),
        metric(v.metrics.f1),
        metric(v.metrics.logLoss),
        v.aliases.join(', '),
      ]);
      lines.push(...table(['  version', 'created', 'algorithm', 'roc_auc', 'f1', 'log_loss', 'aliases'], rows));
    }
    printLines(lines);
  });
}

function listVersions(registry: ModelRegistry, name: string): ListedVersion[] {
  const aliases = registry.aliases.list(name);
  return versionsOf(registry, name).map((record) => ({
    version: record.version,
    createdAt: record.createdAt,
    algorithm: typeof record.params.algorithm === 'string' ? record.params.algorithm : 'logistic',
    metrics: {
      rocAuc: numberOrNull(record.metrics.rocAuc),
      f1: numberOrNull(record.metrics.f1),
      logLoss: numberOrNull(record.metrics.logLoss),
    },
    aliases: aliases.filter((a) => a.version === record.version).map((a) => a.alias),
    serving: aliases.some((a) => a.alias === CHAMPION && a.version === record.version),
  }));
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
