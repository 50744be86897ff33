/** Who changed an alias: a workflow run, or a person's command. */
export type Actor = { workflowId: string; runId: string } | { command: string; user: string };

export type AliasAction = 'set' | 'remove' | 'rollback';

export interface AliasRecord {
  modelName: string;
  alias: string;
  version: number;
  since: string;
}

/** One row of the append-only history: `fromVersion` null when the alias was new, `toVersion` null when removed. */
export interface AliasChange {
  id: number;
  modelName: string;
  alias: string;
  action: AliasAction;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string;
  at: string;
  workflowId: string | null;
  runId: string | null;
  command: string | null;
  user: string | null;
}
