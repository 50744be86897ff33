import type { AliasChange } from '../../registry/aliases';
import { printJson, printLines, shortTime, table } from './output';
import { versionsOf, withRegistry } from './registry-access';

export interface HistoryOptions {
  model: string;
  at?: string;
  json?: boolean;
}

/** `mlcycle models history`: every alias change of a model, oldest first; with --at, the version that served then. */
export async function runModelsHistory(options: HistoryOptions): Promise<void> {
  await withRegistry((registry) => {
    versionsOf(registry, options.model);
    if (options.at !== undefined) {
      const time = parseTime(options.at);
      const change = registry.aliases.servingAt(options.model, time);
      const version = change?.toVersion ?? null;
      if (options.json)
        return printJson({ model: options.model, at: time.toISOString(), version, since: change ?? null });
      if (!change || version === null) {
        return printLines([`${options.model}: no version served at ${time.toISOString()}`]);
      }
      return printLines([
        `${options.model}: v${version} served at ${time.toISOString()}`,
        `  since ${change.at} (${change.action} by ${describeActor(change)}: ${change.reason})`,
      ]);
    }
    const changes = registry.aliases.history(options.model);
    if (options.json) return printJson({ model: options.model, changes });
    if (changes.length === 0) return printLines([`${options.model}: no alias has been set yet`]);
    printLines(
      table(
        ['at', 'alias', 'action', 'from', 'to', 'by', 'reason'],
        changes.map((c) => [
          shortTime(c.at),
          c.alias,
          c.action,
          c.fromVersion === null ? '-' : `v${c.fromVersion}`,
          c.toVersion === null ? '-' : `v${c.toVersion}`,
          describeActor(c),
          c.reason,
        ]),
      ),
    );
  });
}

/** "workflow ID (run R)", "mlcycle models promote (ana)", or "unknown" for changes recorded without one. */
export function describeActor(change: Pick<AliasChange, 'workflowId' | 'runId' | 'command' | 'user'>): string {
  if (change.workflowId !== null) return `workflow ${change.workflowId} (run ${change.runId ?? '?'})`;
  if (change.command !== null) return `${change.command} (${change.user ?? 'unknown user'})`;
  return 'unknown';
}

export function parseTime(text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new Error(`--at must be a time such as 2026-01-31T12:00:00Z or 2026-01-31, got "${text}"`);
  }
  return time;
}
